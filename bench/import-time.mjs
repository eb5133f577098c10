// Import cost: how long a fresh Node process takes to `import()` requests-ts (../dist/esm, so
// build first) beside undici alone, the floor requests-ts stands on. Each import runs in its own
// process, alternating, and the median of --runs (default 7) is reported; with --json the figures
// go to stdout as JSON. Also lists which optional parts (SOCKS, chardet, fzstd, tough-cookie) the
// import loaded: none should be, they load when first needed.
//
//   node bench/import-time.mjs            # ~5 s
//   node bench/import-time.mjs --runs 3 --json
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } },
});
const runs = Math.min(Math.max(Number(values.runs) || 7, 1), 50);
const dist = fileURLToPath(new URL('../dist/esm/index.js', import.meta.url));
const OPTIONAL = ['socks', 'chardet', 'fzstd', 'tough-cookie'];

// The child times the import and reports the optional packages now in require's cache (the
// loader in src/_internal/optional.ts loads them with require, so that is where they show).
const probe = (spec) => `
  const t0 = performance.now();
  await import(${JSON.stringify(spec)});
  const ms = performance.now() - t0;
  const { createRequire } = await import('node:module');
  const cache = Object.keys(createRequire(import.meta.url).cache);
  const loaded = ${JSON.stringify(OPTIONAL)}.filter((p) => cache.some((f) => f.includes('/node_modules/' + p + '/')));
  console.log(JSON.stringify({ ms, loaded }));`;

function once(spec) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe(spec)], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  return JSON.parse(out);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { undici: [], 'requests-ts': [] };
let loaded = [];
for (let i = 0; i < runs; i++) {
  samples.undici.push(once('undici').ms);
  const r = once(dist);
  samples['requests-ts'].push(r.ms);
  loaded = r.loaded;
}
const result = {
  runs,
  undiciMs: median(samples.undici),
  requestsTsMs: median(samples['requests-ts']),
  optionalLoadedAtImport: loaded,
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`import() in a fresh process, median of ${runs}:`);
  console.log(`  undici       ${result.undiciMs.toFixed(1)} ms`);
  console.log(
    `  requests-ts  ${result.requestsTsMs.toFixed(1)} ms (× undici ${(result.requestsTsMs / result.undiciMs).toFixed(2)})`,
  );
  console.log(`  optional parts loaded by the import: ${loaded.join(', ') || 'none'}`);
}
