// The benchmark: requests-ts against undici.request, fetch, axios, got, node-fetch and node:http,
// on a canned-response server the bench starts in its own (pinned) process.
//
//   npm run bench                      # build, then the full run (~4-5 min on 2 cores)
//   node bench/run.mjs --quick         # ~30 s
//   node bench/run.mjs --soak          # the comparison, then the memory soak (bench/soak.mjs)
//   node bench/run.mjs --only 64k --clients requests-ts --cpu-prof
//   node bench/run.mjs --target nginx   # against nginx (bench/lib/nginx.mjs) instead
//   node bench/run.mjs --only https,post-json,scaling
//   node bench/run.mjs --only stream           # the streamed downloads (stream-any, -16k, -64k, -1m)
//
// Options: --quick, --runs N, --slice MS, --only NAME[,NAME], --clients A[,B] (undici.request
// always runs: it is the baseline; `requests-ts@/abs/esm/index.js` or `requests-ts@base`, with
// REQUESTS_TS_BASE, adds another build, for before/after figures in one run), --cpu-prof (a profile per worker, in bench/results/profiles/,
// named <scenario>-<client>-<time>.cpuprofile; read them with bench/profile-summary.mjs), --soak.
//
// REQUESTS_TS_DIST=/abs/path/to/esm/index.js measures another build than ../dist/esm/index.js.
//
// Each scenario starts one worker process per client (its CPU time and peak RSS are its own),
// warms them up, then measures them interleaved (A B C, B C A, ...) `runs` times, each a time
// slice bounded by a request count. Figures are medians over the runs; ratios are to
// undici.request's figure from the same round. A table goes to stdout, JSON to bench/results/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { WorkerHandle } from './lib/driver.mjs';
import { H2_SCENARIOS, h2Table, startH2Server } from './lib/h2.mjs';
import { makeCert, nginxInstalled, startNginx } from './lib/nginx.mjs';
import { OBSERVABILITY_SCENARIOS, observabilityTable } from './lib/observability.mjs';
import {
  PERF_SCENARIOS,
  STREAM_SCENARIOS,
  scalingTable,
  streamTable,
} from './lib/perf-scenarios.mjs';
import { cpuPlan, processCpuMs, startServer } from './lib/processes.mjs';
import { summarize, table, targets } from './lib/report.mjs';
import { SCENARIOS as BASE_SCENARIOS, BASELINE, PROFILES } from './lib/scenarios.mjs';

const SCENARIOS = [...BASE_SCENARIOS, ...PERF_SCENARIOS, ...STREAM_SCENARIOS];

const DIST = process.env.REQUESTS_TS_DIST ?? '../dist/esm/index.js';
const requestsTs = await import(DIST); // fails here, early, when the package is not built
const RESULTS = new URL('./results/', import.meta.url);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    runs: { type: 'string' },
    slice: { type: 'string' },
    only: { type: 'string' },
    clients: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    // `nginx` (where installed) or `node` (bench/server.mjs).
    target: { type: 'string', default: 'node' },
  },
});

const profile = { ...PROFILES[args.quick ? 'quick' : 'full'] };
if (args.runs) profile.runs = Math.max(1, Number(args.runs));
if (args.slice) profile.sliceMs = Number(args.slice);
const only = args.only?.split(',');
const clientFilter = args.clients?.split(',');

function packageVersion(name) {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return null;
  }
}

function machine(plan) {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  return {
    nproc: Number(spawnSync('nproc', { encoding: 'utf8' }).stdout) || os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    pinning: plan.pinned
      ? `server on CPU ${plan.server}, clients on CPU ${plan.clients} (taskset)`
      : 'none (no taskset or a single CPU)',
    versions: {
      'requests-ts': requestsTs.version ?? null,
      undici: packageVersion('undici'),
      axios: packageVersion('axios'),
      got: packageVersion('got'),
      'node-fetch': packageVersion('node-fetch'),
    },
  };
}

/** Where a scenario's clients go (the HTTPS origin and its CA for `tls`), and what they send. */
function scenarioOrigin(scenario, server) {
  if (!scenario.tls) return { origin: server.origin, post: scenario.post ?? false };
  return { origin: server.tlsOrigin, ca: server.ca, post: scenario.post ?? false };
}

/** The server every scenario talks to: nginx with `--target nginx`, else bench/server.mjs. */
async function startTarget(plan) {
  const tls = makeCert();
  if (args.target === 'nginx') {
    if (!nginxInstalled()) throw new Error('--target nginx: nginx is not installed');
    return { name: 'nginx', ...(await startNginx({ cpus: plan.server, tls })) };
  }
  return { name: 'bench/server.mjs', ...(await startServer({ cpus: plan.server, tls })) };
}

/** Starts, initialises and warms one worker per client of `scenario`. */
async function startWorkers(scenario, clients, server, plan) {
  const workers = {};
  const profDir = new URL('./profiles/', RESULTS).pathname;
  for (const client of clients) {
    const name = `${scenario.name}-${client.replace(/[^\w.+-]/g, '_')}-${Date.now()}.cpuprofile`;
    const nodeArgs = args['cpu-prof']
      ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', name]
      : [];
    workers[client] = new WorkerHandle({ cpus: plan.clients, nodeArgs });
  }
  await Promise.all(
    clients.map((client) =>
      workers[client].call('init', {
        client,
        connections: scenario.connections,
        path: scenario.paths?.[client] ?? scenario.path,
        expectedBytes: scenario.bytes,
        stream: scenario.stream,
        ...scenarioOrigin(scenario, server),
      }),
    ),
  );
  // One at a time: a warm-up must not compete with another for the CPU.
  const requests = Math.max(50, Math.round(scenario.warm * profile.warmScale));
  for (const client of clients) {
    await workers[client].call('warm', { concurrency: scenario.concurrency, requests });
  }
  return workers;
}

/** The runs of one scenario, interleaved: round i starts with client i (mod n). */
async function runScenario(scenario, server, plan) {
  const clients = scenario.clients.filter(
    (c) => c === BASELINE || !clientFilter || clientFilter.includes(c),
  );
  // A/B runs: other builds beside requests-ts (`requests-ts@...`, bench/lib/clients.mjs).
  if (clients.includes('requests-ts'))
    for (const c of clientFilter ?? []) if (c.startsWith('requests-ts@')) clients.push(c);
  const workers = await startWorkers(scenario, clients, server, plan);
  const runs = Object.fromEntries(clients.map((c) => [c, []]));
  try {
    for (let round = 0; round < profile.runs; round++) {
      for (let k = 0; k < clients.length; k++) {
        const client = clients[(round + k) % clients.length];
        const serverCpu0 = processCpuMs(server.pid);
        const r = await workers[client].call('measure', {
          concurrency: scenario.concurrency,
          durationMs: profile.sliceMs,
          maxRequests: profile.maxRequests,
          warmRequests: Math.max(scenario.concurrency, profile.rewarm),
        });
        const serverCpu = processCpuMs(server.pid);
        r.serverCpuShare = serverCpu0 === null ? null : (serverCpu - serverCpu0) / r.elapsedMs;
        if (r.firstError) console.error(`${scenario.name} ${client}: ${r.firstError}`);
        runs[client].push(r);
      }
    }
  } finally {
    await Promise.all(Object.values(workers).map((w) => w.close()));
  }
  return runs;
}

async function main() {
  const plan = cpuPlan();
  const info = machine(plan);
  const started = new Date();
  console.log(
    `requests-ts bench (${args.quick ? 'quick' : 'full'}): ${info.cpuModel}, ${info.nproc} CPUs, ` +
      `node ${info.node}; pinning: ${info.pinning}; ${profile.runs} runs x ${profile.sliceMs} ms`,
  );
  const server = await startTarget(plan);
  console.log(`server: ${server.name}`);
  const wantH2 = H2_SCENARIOS.some((s) => !only || only.includes(s.name));
  const h2Server = wantH2 ? await startH2Server({ cpus: plan.server }) : null;
  const results = {};
  try {
    for (const scenario of [...SCENARIOS, ...OBSERVABILITY_SCENARIOS, ...H2_SCENARIOS]) {
      if (only && !only.includes(scenario.name) && !only.includes(scenario.group)) continue;
      const t0 = performance.now();
      const on = scenario.server === 'h2' ? h2Server : server;
      const runs = await runScenario(scenario, on, plan);
      const summary = summarize(runs, BASELINE);
      results[scenario.name] = { scenario, runs, summary };
      const serverMax = Math.max(
        ...Object.values(runs)
          .flat()
          .map((r) => r.serverCpuShare ?? 0),
      );
      console.log(`\n### ${scenario.title}\n`);
      console.log(table(summary));
      console.log(
        `\n(${((performance.now() - t0) / 1000).toFixed(1)} s; server CPU busiest run ` +
          `${(serverMax * 100).toFixed(0)}%; cells: median (ratio to ${BASELINE}, same round))`,
      );
      if (scenario.versus) console.log(`\n${observabilityTable(runs, scenario.versus)}`);
      if (scenario.server === 'h2') console.log(`\n${h2Table(runs)}`);
    }
  } finally {
    await server.stop();
    await h2Server?.stop();
  }
  const scaling = scalingTable(results);
  if (scaling !== null)
    console.log(`\n### Scaling: CPU per request, 1 -> 256 in flight\n\n${scaling}`);
  const streamed = streamTable(results);
  if (streamed !== null)
    console.log(`\n### Streamed download: CPU per 16 MiB body, by chunk size\n\n${streamed}`);
  // The observability scenarios are judged by their ratios to plain requests-ts, printed above;
  // the streamed downloads by their own target (1.05x), in their table.
  const judged = Object.entries(results).filter(
    ([, r]) => !r.scenario.versus && r.scenario.group !== 'stream',
  );
  console.log(`\n### Targets\n\n${targets(Object.fromEntries(judged))}`);
  const seconds = (Date.now() - started.getTime()) / 1000;
  console.log(`\nTotal ${seconds.toFixed(0)} s.`);
  mkdirSync(RESULTS, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const file = new URL(`bench-${args.quick ? 'quick-' : ''}${stamp}.json`, RESULTS);
  const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  writeFileSync(
    file,
    `${JSON.stringify({ started, seconds, command, machine: info, profile, results }, null, 1)}\n`,
  );
  console.log(`Results: ${file.pathname}`);
  if (args.soak) {
    const { runSoak } = await import('./soak.mjs');
    await runSoak();
  }
}

await main();
