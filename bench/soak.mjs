// Memory soak: 200,000 requests through one requests-ts Session (16 in flight over 16
// connections), half to a route that set a cookie once (sent back since), half to URLs with a
// query that changes every time (so any per-URL cache would show). Reports RSS, heap and the
// pool's stats at the start, along the way and at the end, after a full GC each time.
// Reported, not asserted: it shows whether memory grows with the request count.
//
//   node bench/soak.mjs [--requests N] [--concurrency N]     (also: npm run bench -- --soak)
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpuPlan, startServer } from './lib/processes.mjs';

const DIST = process.env.REQUESTS_TS_DIST ?? '../dist/esm/index.js';
const MB = 1024 * 1024;

/** A full GC without needing --expose-gc on the command line. */
function fullGc() {
  setFlagsFromString('--expose-gc');
  runInNewContext('gc')();
}

function sample(label, done, session, adapter, t0) {
  fullGc();
  const mem = process.memoryUsage();
  const pools = [...adapter.poolManager.pools.values()].map((p) => p.stats);
  return {
    label,
    requests: done,
    seconds: (performance.now() - t0) / 1000,
    rssMb: mem.rss / MB,
    heapUsedMb: mem.heapUsed / MB,
    externalMb: (mem.external + mem.arrayBuffers) / MB,
    pools: pools.length,
    connected: pools.reduce((n, s) => n + s.connected, 0),
    free: pools.reduce((n, s) => n + s.free, 0),
    pending: pools.reduce((n, s) => n + s.pending, 0),
    running: pools.reduce((n, s) => n + s.running, 0),
    cookies: session.cookies.size,
  };
}

function printTable(samples) {
  const cols = ['label', 'requests', 'seconds', 'rssMb', 'heapUsedMb', 'externalMb'];
  const pool = ['pools', 'connected', 'free', 'pending', 'running', 'cookies'];
  console.log(`| ${[...cols, ...pool].join(' | ')} |`);
  console.log(`|${[...cols, ...pool].map(() => '--:').join('|')}|`);
  for (const s of samples) {
    const cells = [...cols, ...pool].map((k) =>
      typeof s[k] === 'number' && !Number.isInteger(s[k]) ? s[k].toFixed(1) : String(s[k]),
    );
    console.log(`| ${cells.join(' | ')} |`);
  }
}

/** Runs the soak; resolves with the samples (also printed and written to bench/results/). */
export async function runSoak({ requests = 200_000, concurrency = 16, warm = 2_000 } = {}) {
  const { Session, HTTPAdapter } = await import(DIST);
  const plan = cpuPlan();
  const server = await startServer({ cpus: plan.server });
  const session = new Session();
  const adapter = new HTTPAdapter({
    poolConnections: 1,
    poolMaxsize: concurrency,
    poolBlock: true,
  });
  session.mount(`${server.origin}/`, adapter);
  const samples = [];
  const every = Math.max(1, Math.floor(requests / 4));
  let issued = 0;
  let done = 0;
  const t0 = performance.now();
  const get = (i) =>
    session.get(i % 2 === 0 ? `${server.origin}/cookie` : `${server.origin}/small?i=${i}`);
  try {
    // Warm-up at full concurrency: every connection open and the code compiled before 'start'.
    const warmLoop = async (k) => {
      for (let i = k; i < warm; i += concurrency) await get(i);
    };
    await Promise.all(Array.from({ length: concurrency }, (_, k) => warmLoop(k)));
    samples.push(sample('start', 0, session, adapter, t0));
    let nextSample = every;
    async function loop() {
      while (issued < requests) {
        const r = await get(issued++);
        if (r.content.length !== 13) throw new Error(`unexpected body of ${r.content.length} B`);
        done++;
        // Taken synchronously, by whichever loop reaches the mark, while the others wait.
        if (done === nextSample && done < requests) {
          nextSample += every;
          const pct = Math.round((100 * done) / requests);
          samples.push(sample(pct === 50 ? 'middle' : `${pct}%`, done, session, adapter, t0));
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, loop));
    samples.push(sample('end', done, session, adapter, t0));
  } finally {
    await session.close();
    await server.stop();
  }
  const first = samples[0];
  const middle = samples.find((s) => s.label === 'middle') ?? first;
  const last = samples.at(-1);
  console.log(
    `\n### Memory soak: ${requests.toLocaleString('en-US')} requests, ${concurrency} in flight\n`,
  );
  printTable(samples);
  console.log(
    `\nGrowth start -> end: RSS ${(last.rssMb - first.rssMb).toFixed(1)} MB, heap ` +
      `${(last.heapUsedMb - first.heapUsedMb).toFixed(2)} MB, external ` +
      `${(last.externalMb - first.externalMb).toFixed(2)} MB; middle -> end: RSS ` +
      `${(last.rssMb - middle.rssMb).toFixed(1)} MB, heap ${(last.heapUsedMb - middle.heapUsedMb).toFixed(2)} MB; ` +
      `${((requests / (last.seconds - first.seconds)) | 0).toLocaleString('en-US')} req/s.`,
  );
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
  writeFileSync(file, `${JSON.stringify({ requests, concurrency, samples }, null, 1)}\n`);
  console.log(`Results: ${file.pathname}`);
  return samples;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { requests: { type: 'string' }, concurrency: { type: 'string' } },
  });
  await runSoak({
    requests: values.requests ? Number(values.requests) : undefined,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
  });
}
