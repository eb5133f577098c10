// A cached GET's cost against an uncached one, both through a Session on the built package.
//
//   npm run build && node bench/cache.mjs            # ~2 s: 1 s per variant after warm-up
//   node bench/cache.mjs --ms 5000 --bytes 65536     # longer slices, a bigger body
//
// The server runs in a child process so its work does not count against the client. Figures
// are requests per second and microseconds per request, sequential, one connection.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { ms: { type: 'string', default: '1000' }, bytes: { type: 'string', default: '13' } },
});

if (process.env.CACHE_BENCH_SERVER) {
  const body = Buffer.alloc(Number(process.env.CACHE_BENCH_SERVER), 'x');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
} else {
  await main();
}

async function main() {
  const { Session, CacheAdapter } = await import('../dist/esm/index.js');
  const child = fork(new URL(import.meta.url), [], {
    env: { ...process.env, CACHE_BENCH_SERVER: values.bytes },
  });
  const [port] = await once(child, 'message');
  const url = `http://127.0.0.1:${port}/item`;
  const plain = new Session();
  const cached = new Session();
  cached.mount('http://', new CacheAdapter());
  const rows = [];
  for (const [name, s] of [
    ['uncached GET', plain],
    ['cached GET (fresh in MemoryCache)', cached],
  ]) {
    await measure(s, url, 200); // warm-up: connections, JIT, the cache entry
    rows.push([name, await measure(s, url, Number(values.ms))]);
  }
  await plain.close();
  await cached.close();
  child.kill();
  report(rows);
}

/** Requests completed in `ms` (bounded by a count too), sequentially. */
async function measure(s, url, ms) {
  const end = performance.now() + ms;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end && n < 1_000_000) {
    await s.get(url);
    n++;
  }
  return { n, elapsed: performance.now() - start };
}

function report(rows) {
  const base = rows[0][1];
  const basePer = (base.elapsed * 1000) / base.n;
  console.log(`body ${values.bytes} B, ${values.ms} ms per variant`);
  for (const [name, { n, elapsed }] of rows) {
    const per = (elapsed * 1000) / n;
    const rps = Math.round((n * 1000) / elapsed);
    console.log(
      `${name.padEnd(36)} ${String(rps).padStart(8)} req/s ${per.toFixed(1).padStart(8)} µs/req  x${(basePer / per).toFixed(2)}`,
    );
  }
}
