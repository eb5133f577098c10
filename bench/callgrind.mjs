// CPU per request as instruction counts, which other load on the machine does not change: each
// client runs a fixed loop under `valgrind --tool=callgrind`: a warm-up, then the counters are
// zeroed (`callgrind_control -z`), then N requests, then a dump (`-d`): its total divided by N
// is what one request costs, start-up, imports, warm-up and close left out. The server (bench/server.mjs, or
// --origin) runs outside valgrind.
//
//   node bench/callgrind.mjs                        # requests-ts, undici.request, undici.dispatch
//   node bench/callgrind.mjs --clients requests-ts --requests 2000 --concurrency 64 --path /small
//   node bench/callgrind.mjs --jitless              # node --jitless: no JIT noise, other ratios
//   node bench/callgrind.mjs --post                 # POST of a small JSON body to /post
//
// Each line: client, instructions per request, and the ratio to undici.request and to the floor.
// Slow (valgrind runs node ~50x slower): a few minutes for the default three clients.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanEnv, startServer } from './lib/processes.mjs';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: 'undici.dispatch,undici.request,requests-ts' },
    requests: { type: 'string', default: '2000' },
    warm: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '1' },
    connections: { type: 'string' },
    path: { type: 'string', default: '/small' },
    origin: { type: 'string' },
    jitless: { type: 'boolean', default: false },
    // POST the bench's small JSON body (bench/lib/nginx.mjs POST_JSON) instead of a GET.
    post: { type: 'boolean', default: false },
    // The child: runs the loop in this process (what valgrind runs).
    child: { type: 'string' },
    total: { type: 'string' },
  },
});

const concurrency = Number(args.concurrency);
const connections = Number(args.connections ?? Math.min(concurrency, 16));
// A POST goes to /post unless --path says otherwise.
const path = args.post && args.path === '/small' ? '/post' : args.path;

/** In the child: warm up, then `total` requests, `concurrency` at a time. */
async function runChild() {
  const { clientFactory } = await import('./lib/clients.mjs');
  const client = await clientFactory(args.child)({
    origin: args.origin,
    connections,
    path,
    post: args.post,
  });
  const loop = async (n) => {
    let left = n;
    const one = async () => {
      while (left > 0) {
        left--;
        await client.get(path);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, one));
  };
  await loop(Number(args.warm));
  // The parent zeroes the counters now, then says go.
  process.stdout.write('warm\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  await loop(Number(args.total));
  // ... and dumps them here, before the close and the exit.
  process.stdout.write('done\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  await client.close();
  process.exit(0);
}

/** Instructions (Ir) of `total` requests of `client` after the warm-up, in one valgrind run. */
async function instructions(client, origin, total) {
  const dir = mkdtempSync(join(tmpdir(), 'rts-callgrind-'));
  const self = fileURLToPath(import.meta.url);
  const node = [
    ...(args.jitless ? ['--jitless'] : []),
    self,
    ...['--child', client, '--origin', origin, '--total', String(total), '--warm', args.warm],
    ...['--concurrency', String(concurrency), '--connections', String(connections)],
    ...['--path', path],
    ...(args.post ? ['--post'] : []),
  ];
  const valgrind = ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.%p')}`];
  const child = spawn('valgrind', [...valgrind, process.execPath, ...node], {
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const control = (flag) => {
      const r = spawnSync('callgrind_control', [flag, String(child.pid)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`callgrind_control ${flag}: ${r.stdout}${r.stderr}`);
    };
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'warm') {
        control('-z');
        child.stdin.write('go\n');
      } else if (line === 'done') {
        control('-d');
        child.stdin.end('go\n');
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`valgrind failed (${code}):\n${stderr}`);
    // The dump asked for at 'done' is cg.<pid>.1 (the one at exit is cg.<pid>).
    const dump = readdirSync(dir).find((f) => f.endsWith('.1'));
    if (dump === undefined) throw new Error(`no callgrind dump in ${dir}`);
    const m = /^(?:summary|totals):\s*(\d+)/m.exec(readFileSync(join(dir, dump), 'utf8'));
    return Number(m[1]) / total;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const n = Number(args.requests);
  const server = args.origin ? null : await startServer();
  const origin = args.origin ?? server.origin;
  const perRequest = {};
  try {
    for (const client of args.clients.split(',')) {
      perRequest[client] = await instructions(client, origin, n);
      console.log(`${client}: ${Math.round(perRequest[client])} instructions/request`);
    }
  } finally {
    await server?.stop();
  }
  const base = perRequest['undici.request'];
  const floor = perRequest['undici.dispatch'];
  console.log(
    `\n${args.post ? 'POST JSON ' : ''}${path}, ${concurrency} in flight over ${connections} connections, ` +
      `${n} requests${args.jitless ? ', --jitless' : ''}\n`,
  );
  console.log('| client | instructions/req | vs undici.request | vs floor |');
  console.log('|---|--:|--:|--:|');
  for (const [client, ir] of Object.entries(perRequest)) {
    const r = (x) => (x ? (ir / x).toFixed(3) : 'n/a');
    console.log(
      `| ${client} | ${Math.round(ir).toLocaleString('en-US')} | ${r(base)} | ${r(floor)} |`,
    );
  }
}

if (args.child) await runChild();
else await main();
