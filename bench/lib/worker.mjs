// One client in its own process (so its CPU time and peak RSS are its own), driven by
// bench/run.mjs over IPC: `init`, `warm`, then `measure` several times (interleaved with the
// other clients' processes by the parent), then `close`.
import { clientFactory } from './clients.mjs';

let client = null;
let path = '/small';
let expectedBytes = null;

/**
 * Runs `concurrency` loops of back-to-back requests until `maxRequests` were issued or the
 * deadline passed; records each request's latency.
 */
async function load({ concurrency, maxRequests, durationMs = Infinity }) {
  const latencies = new Float64Array(maxRequests);
  let issued = 0;
  let done = 0;
  let errors = 0;
  let firstError = null;
  const deadline = performance.now() + durationMs;
  async function loop() {
    while (issued < maxRequests && performance.now() < deadline) {
      issued++;
      const start = performance.now();
      try {
        const bytes = await client.get(path);
        if (expectedBytes !== null && bytes !== expectedBytes) {
          throw new Error(`read ${bytes} bytes, expected ${expectedBytes}`);
        }
        latencies[done++] = performance.now() - start;
      } catch (err) {
        errors++;
        firstError ??= String(err?.stack ?? err);
        if (errors > 10) throw new Error(`too many errors; first: ${firstError}`);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { latencies: latencies.subarray(0, done), done, errors, firstError };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function measure({ concurrency, durationMs, maxRequests, warmRequests }) {
  // A short re-warm: connections may have idled out while the other clients ran.
  await load({ concurrency, maxRequests: warmRequests });
  // No forced GC here: after a gc() V8 runs slower for a second or more (smaller young
  // generation, cold caches), more so for clients that allocate more, which skews the ratios.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await load({ concurrency, maxRequests, durationMs });
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const sorted = r.latencies.sort();
  return {
    requests: r.done,
    errors: r.errors,
    firstError: r.firstError,
    elapsedMs,
    rps: (r.done / elapsedMs) * 1000,
    cpuUsPerReq: (cpu.user + cpu.system) / r.done,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

const handlers = {
  async init(msg) {
    client = await clientFactory(msg.client)(msg);
    path = msg.path;
    expectedBytes = msg.expectedBytes ?? null;
    return {};
  },
  async warm({ concurrency, requests }) {
    const r = await load({ concurrency, maxRequests: requests });
    if (r.errors > 0) throw new Error(`warm-up failed: ${r.firstError}`);
    return { requests: r.done };
  },
  measure,
  async close() {
    await client?.close();
    return {};
  },
};

process.on('message', async (msg) => {
  try {
    const result = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ok: true, result });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
  }
  if (msg.cmd === 'close') {
    process.disconnect();
    // Some clients keep sockets referenced (global fetch's dispatcher): exit anyway, which
    // still writes a --cpu-prof profile.
    setTimeout(() => process.exit(0), 200).unref();
  }
});
