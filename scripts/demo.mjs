// npm run demo: installs and builds when needed, starts a local server, and walks through
// requests-ts the way a newcomer would use it. Talks only to 127.0.0.1.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

if (!existsSync('node_modules/undici'))
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
if (!existsSync('dist/esm/index.js') || newest('src') > statSync('dist/esm/index.js').mtimeMs) {
  execSync('node scripts/build.mjs', { stdio: 'inherit' });
}
const requests = (await import('../dist/esm/index.js')).default;
const { Session, HTTPAdapter, Timeout, ConnectionError, HTTPError } = requests;

// A small local API: echoes JSON, answers slowly on /slow, 404s elsewhere.
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1_000);
    if (req.url.startsWith('/items')) {
      res.setHeader('Content-Type', 'application/json');
      return void res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          received: body ? JSON.parse(body) : null,
        }),
      );
    }
    res.statusCode = 404;
    res.end('not here');
  });
});
let connections = 0;
server.on('connection', () => connections++);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const say = (title, value) =>
  console.log(
    `\n== ${title}\n${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}`,
  );

const s = new Session();
s.mount(`${base}/`, new HTTPAdapter({ poolMaxsize: 4 }));
s.headers.set('Authorization', 'Bearer demo-token');
try {
  let r = await s.get(`${base}/items`, { params: { q: 'shoes', page: 2 } });
  say('GET with params', { status: r.statusCode, url: r.url, json: r.json() });

  r = await s.post(`${base}/items`, { json: { name: 'lamp', price: 12.5 } });
  say('POST with JSON', {
    status: r.statusCode,
    contentType: r.headers.get('content-type'),
    json: r.json(),
  });

  try {
    await s.get(`${base}/slow`, { timeout: 200 });
  } catch (err) {
    say(
      'A read timeout that fires (timeout: 200 ms)',
      `${err.name}: ${err.message}\n  instanceof Timeout: ${err instanceof Timeout}`,
    );
  }

  const before = connections;
  for (let i = 0; i < 5; i++) await s.get(`${base}/items/${i}`);
  console.log(
    `\n== Keep-alive: 5 sequential GETs opened ${connections - before} new TCP connection(s) on the server`,
  );
  const adapter = s.getAdapter(`${base}/`);
  const stats = [...adapter.poolManager.pools.entries()].map(([key, pool]) => ({
    key,
    ...pool.stats,
  }));
  say('Pool stats after them (adapter.poolManager.pools)', stats);

  r = await s.get(`${base}/missing`);
  try {
    r.raiseForStatus();
  } catch (err) {
    say(
      'raiseForStatus() on a 404',
      `${err.name}: ${err.message}\n  instanceof HTTPError: ${err instanceof HTTPError}`,
    );
  }

  try {
    await requests.get('http://127.0.0.1:1/', { timeout: 1_000 });
  } catch (err) {
    say(
      "A refused connection, mapped to requests' class",
      `${err.name}: ${err.message}\n  instanceof ConnectionError: ${err instanceof ConnectionError}`,
    );
  }
} finally {
  await s.close();
  server.close();
}
