// CPU per request as instruction counts, which other load on the machine does not change: each
// client runs a fixed loop under `valgrind --tool=callgrind`: a warm-up, then the
// counters are zeroed (`callgrind_control -z`), then N requests, then a dump (`-d`): its total
// divided by N is what one request costs, start-up, imports, warm-up and close left out. The
// server (bench/server.mjs, or --origin) runs outside valgrind.
//
//   node bench/callgrind.mjs                        # requests-ts, undici.request, undici.dispatch
//   node bench/callgrind.mjs --clients requests-ts --requests 2000 --concurrency 64 --path /small
//   node bench/callgrind.mjs --jitless              # node --jitless: no JIT noise, other ratios
//   node bench/callgrind.mjs --node-flags=--predictable   # extra flags for the measured node
//   node bench/callgrind.mjs --keep bench/results/cg  # keep the dumps, for callgrind_annotate
//   node bench/callgrind.mjs --stream 65536 --path /16m --requests 20 --warm 20
//       # streamed download: requests-ts `stream: true` + iterContent({ chunkSize: 65536 }),
//       # undici.request its body's async iterator (`--stream any`: chunkSize null)
//   node bench/callgrind.mjs --post                 # POST of a small JSON body to /post
//
// Separate runs of one build differ by several % on a loaded machine (when JIT tiering and GC
// land moves with the wall clock). To compare variants (issue 16's observability clients), run
// them interleaved in one process, turns of N requests each (builds too: requests-ts+progress@/abs/
// path/esm/index.js is that client on another build, see bench/lib/clients.mjs):
//
//   node bench/callgrind.mjs --ab --rounds 3 --requests 800 \
//     --clients requests-ts,requests-ts+progress,requests-ts+diagnostics
//
// Each line: client, instructions per request, and the ratio to undici.request and to the floor
// (with --ab: the median over rounds, and the ratio to the first client, per round).
// Slow (valgrind runs node ~50x slower): a few minutes for the default three clients.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    // Extra node flags for the measured child, space-separated; e.g. '--predictable' (one
    // thread, no concurrent compilation or GC: counts that load on the machine moves less).
    'node-flags': { type: 'string', default: '' },
    // Keep each client's dump as <dir>/<client>.callgrind, for callgrind_annotate.
    keep: { type: 'string' },
    // Interleaved: every client of --clients in one valgrind process, taking turns of
    // --requests each, --rounds times (A B A B ...): per-round ratios to the first client, free
    // of the drift between separate runs (JIT tiering, GC) that load on the machine causes.
    ab: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '4' },
    // A streamed read: the chunk size of iterContent, or `any` (null: as the chunks arrive).
    stream: { type: 'string' },
    // POST the bench's small JSON body (bench/lib/nginx.mjs POST_JSON) instead of a GET.
    post: { type: 'boolean', default: false },
    // The child: runs the loop in this process (what valgrind runs); a comma list with --ab.
    child: { type: 'string' },
    total: { type: 'string' },
  },
});

const concurrency = Number(args.concurrency);
const connections = Number(args.connections ?? Math.min(concurrency, 16));
const stream =
  args.stream === undefined
    ? undefined
    : { chunkSize: args.stream === 'any' ? null : Number(args.stream) };
// A POST goes to /post unless --path says otherwise.
const path = args.post && args.path === '/small' ? '/post' : args.path;

/**
 * In the child: warm up, then `total` requests, `concurrency` at a time. With several clients
 * (--ab), each warms up, then they take turns, `rounds` times; a client's `enter()` / `leave()`
 * (a diagnostics subscription) bracket its turns, so that it does not tax the others'.
 */
async function runChild() {
  const { clientFactory } = await import('./lib/clients.mjs');
  const clients = [];
  for (const name of args.child.split(',')) {
    const client = await clientFactory(name)({
      origin: args.origin,
      connections,
      path,
      post: args.post,
      stream,
    });
    client.leave?.();
    clients.push(client);
  }
  const loop = async (client, n) => {
    client.enter?.();
    let left = n;
    const one = async () => {
      while (left > 0) {
        left--;
        await client.get(path);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, one));
    client.leave?.();
  };
  const told = () => new Promise((resolve) => process.stdin.once('data', resolve));
  for (const client of clients) await loop(client, Number(args.warm));
  const rounds = clients.length > 1 ? Number(args.rounds) : 1;
  for (let round = 0; round < rounds; round++) {
    for (const client of clients) {
      // The parent zeroes the counters now, then says go. (No full GC between turns: it makes
      // the next turn cost more, as V8 then shrinks the young generation and scavenges more.)
      process.stdout.write('warm\n');
      await told();
      await loop(client, Number(args.total));
      // ... and dumps them here (a dump zeroes them), before the next turn, the close and the exit.
      process.stdout.write('done\n');
      await told();
    }
  }
  process.stdin.pause();
  for (const client of clients) await client.close();
  process.exit(0);
}

/**
 * Instructions (Ir) of `total` requests of `client` after the warm-up, in one valgrind run; with
 * a comma list of clients (--ab), one number per turn, in turn order.
 */
async function instructions(client, origin, total) {
  const turns = client.includes(',') ? client.split(',').length * Number(args.rounds) : 1;
  const dir = mkdtempSync(join(tmpdir(), 'rts-callgrind-'));
  const self = fileURLToPath(import.meta.url);
  const node = [
    ...(args.jitless ? ['--jitless'] : []),
    ...args['node-flags'].split(' ').filter(Boolean),
    self,
    ...['--child', client, '--origin', origin, '--total', String(total), '--warm', args.warm],
    ...['--concurrency', String(concurrency), '--connections', String(connections)],
    ...['--path', path, '--rounds', args.rounds],
    ...(args.stream === undefined ? [] : ['--stream', args.stream]),
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
    let done = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'warm') {
        control('-z');
        child.stdin.write('go\n');
      } else if (line === 'done') {
        control('-d');
        if (++done < turns) child.stdin.write('go\n');
        else child.stdin.end('go\n');
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`valgrind failed (${code}):\n${stderr}`);
    // The dumps asked for at each 'done' are cg.<pid>.1, .2, ... (the one at exit is cg.<pid>).
    const perTurn = [];
    const names = client.split(',');
    for (let turn = 1; turn <= turns; turn++) {
      const dump = readdirSync(dir).find((f) => f.endsWith(`.${turn}`));
      if (dump === undefined) throw new Error(`no callgrind dump ${turn} in ${dir}`);
      const text = readFileSync(join(dir, dump), 'utf8');
      if (args.keep) {
        const name = names[(turn - 1) % names.length].replace(/[^\w.+-]/g, '_');
        const round = turns > 1 ? `.${Math.floor((turn - 1) / names.length) + 1}` : '';
        mkdirSync(args.keep, { recursive: true });
        writeFileSync(join(args.keep, `${name}${round}.callgrind`), text);
      }
      const m = /^(?:summary|totals):\s*(\d+)/m.exec(text);
      perTurn.push(Number(m[1]) / total);
    }
    return turns === 1 ? perTurn[0] : perTurn;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** --ab: the clients in one process, taking turns; Ir per request and ratios to the first. */
async function mainInterleaved() {
  const n = Number(args.requests);
  const names = args.clients.split(',');
  const server = args.origin ? null : await startServer();
  let perTurn;
  try {
    perTurn = await instructions(args.clients, args.origin ?? server.origin, n);
  } finally {
    await server?.stop();
  }
  const rounds = Number(args.rounds);
  const of = (c, r) => perTurn[r * names.length + c];
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  };
  console.log(
    `\n${path}, ${concurrency} in flight over ${connections} connections, ` +
      `${rounds} rounds of ${n} requests per client, interleaved in one process` +
      `${args.jitless ? ', --jitless' : ''}${args['node-flags'] ? `, node ${args['node-flags']}` : ''}\n`,
  );
  console.log(
    `| client | instructions/req (median) | vs ${names[0]} (median of rounds) | per round |`,
  );
  console.log('|---|--:|--:|---|');
  const rs = Array.from({ length: rounds }, (_, r) => r);
  names.forEach((name, c) => {
    const ir = median(rs.map((r) => of(c, r)));
    const ratios = rs.map((r) => of(c, r) / of(0, r));
    console.log(
      `| ${name} | ${Math.round(ir).toLocaleString('en-US')} | ${median(ratios).toFixed(3)} | ` +
        `${ratios.map((x) => x.toFixed(3)).join(' ')} |`,
    );
  });
}

async function main() {
  if (args.ab) return mainInterleaved();
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
      `${n} requests${args.jitless ? ', --jitless' : ''}` +
      `${args['node-flags'] ? `, node ${args['node-flags']}` : ''}` +
      `${stream ? `, streamed in chunks of ${args.stream}` : ''}\n`,
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
