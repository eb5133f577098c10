// How fast the command line starts: `requests-ts --help` against `node -e 0`, interleaved,
// median of N runs each (issue 15 asks for at most 2.5x). Also a local GET, for the record.
// Run after `npm run build`:   node bench/cli-start.mjs [--runs 5]
// Exits 1 when --help takes more than 2.5x node's start, so the lead can use it as a check.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number(values.runs));
const bin = fileURLToPath(new URL('../dist/esm/cli/bin.js', import.meta.url));

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = [];
const help = [];
for (let i = 0; i < runs; i++) {
  node.push(time(['-e', '0']));
  help.push(time([bin, '--help']));
}
// A GET against a server in a child process (spawnSync would block one in this process).
const server = http.createServer((_req, res) => res.end('ok'));
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;
const { spawn } = await import('node:child_process');
const get = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  await new Promise((ok, fail) =>
    spawn(process.execPath, [bin, url], { stdio: 'ignore' }).on('exit', (c) =>
      c === 0 ? ok() : fail(new Error(`GET exited ${c}`)),
    ),
  );
  get.push(performance.now() - t0);
}
server.close();
const ratio = median(help) / median(node);
console.log(`node -e 0          ${median(node).toFixed(1)} ms (median of ${runs})`);
console.log(
  `requests-ts --help ${median(help).toFixed(1)} ms  = ${ratio.toFixed(2)}x node (goal <= 2.5x)`,
);
console.log(`requests-ts GET    ${median(get).toFixed(1)} ms (localhost)`);
process.exitCode = ratio <= 2.5 ? 0 : 1;
