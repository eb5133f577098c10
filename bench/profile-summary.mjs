// Summarises a V8 .cpuprofile (from `--cpu-prof`): the functions with the most self time and,
// for requests-ts' own functions, the most inclusive time, each as a share of the busy time.
//
//   node bench/run.mjs --only sequential --clients requests-ts --cpu-prof --runs 3 --slice 3000
//   node bench/profile-summary.mjs bench/results/profiles/<file>.cpuprofile [--top 30] [--filter src/]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '30' },
    filter: { type: 'string', default: 'src/' },
    // Leave out the first ms of the profile (imports, JIT warm-up).
    skip: { type: 'string', default: '0' },
    // Also print who calls the functions whose name contains this.
    callers: { type: 'string' },
  },
});
const top = Number(values.top);

function shortUrl(url) {
  if (!url) return '';
  const dist = /\/(?:rts-)?dist(?:-[a-z]+)?\/esm\//.exec(url);
  if (dist) return `src/${url.slice(dist.index + dist[0].length).replace(/\.js$/, '.ts')}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 14);
  return url.replace(/^file:\/\//, '').replace(/^node:/, 'node:');
}

function keyOf(frame) {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  const callers = new Map();
  let busy = 0;
  let at = 0;
  const skipUs = Number(values.skip) * 1000;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    const node = byId.get(id);
    if (at < skipUs || node.callFrame.functionName === '(idle)') return;
    busy += dt;
    const k = keyOf(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    if (values.callers && k.includes(values.callers)) {
      const chain = [];
      for (let c = parent.get(id); c !== undefined && chain.length < 6; c = parent.get(c)) {
        chain.push(keyOf(byId.get(c).callFrame));
      }
      const ck = chain.join(' <- ');
      callers.set(ck, (callers.get(ck) ?? 0) + dt);
    }
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = keyOf(byId.get(cur).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const rows = (map, filter) =>
    [...map]
      .filter(([k]) => !filter || k.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `${((100 * t) / busy).toFixed(1).padStart(5)}%  ${k}`);
  console.log(`${file}: busy ${(busy / 1e6).toFixed(2)} s`);
  console.log(`\nSelf time, top ${top}:\n${rows(self).join('\n')}`);
  if (values.callers) console.log(`\nCallers of ${values.callers}:\n${rows(callers).join('\n')}`);
  console.log(
    `\nInclusive time, requests-ts functions (src/):\n${rows(inclusive, values.filter).join('\n')}`,
  );
}

for (const file of positionals) summarise(file);
