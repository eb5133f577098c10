/**
 * `http+unix://` and `https+unix://` URLs (the requests-unixsocket convention) against node:http
 * and node:https servers listening on sockets in temporary directories.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import requests, {
  ConnectionError,
  HTTPAdapter,
  InvalidURL,
  type Response,
  Session,
  SSLError,
} from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { socketDir, startUnixServer, type UnixServer } from '../helpers/unix-server.js';

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  connectionId: number;
}

const echoOf = (r: Response): Echo => r.json<Echo>();

describe('http+unix:// on the default adapters', () => {
  let server: UnixServer;
  let s: Session;
  before(async () => {
    server = await startUnixServer();
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
  });

  test('GET reaches the socket with the path and query, Host localhost; r.url is the http+unix URL', async () => {
    const r = await s.get(`${server.url}/items?a=1`, { params: { b: 'x y' } });
    assert.equal(r.statusCode, 200);
    const e = echoOf(r);
    assert.equal(e.method, 'GET');
    assert.equal(e.url, '/items?a=1&b=x+y');
    assert.equal(e.headers['host'], 'localhost');
    assert.equal(r.url, `${server.url}/items?a=1&b=x+y`);
    assert.ok(r.url.startsWith('http+unix://%2F'));
  });

  test('POST sends a JSON body; a Host header given by the caller wins', async () => {
    const r = await s.post(`${server.url}/things`, {
      json: { n: 1 },
      headers: { Host: 'api.internal' },
    });
    const e = echoOf(r);
    assert.equal(e.method, 'POST');
    assert.deepEqual(JSON.parse(e.body), { n: 1 });
    assert.equal(e.headers['content-type'], 'application/json');
    assert.equal(e.headers['host'], 'api.internal');
  });

  test('a loop of requests reuses one kept-alive connection; the pool is keyed by the socket path', async () => {
    const local = await startUnixServer();
    const session = new Session();
    try {
      const ids = new Set<number>();
      for (let i = 0; i < 5; i++)
        ids.add(echoOf(await session.get(`${local.url}/n/${i}`)).connectionId);
      assert.equal(local.connections(), 1);
      assert.equal(ids.size, 1);
      const adapter = session.getAdapter(local.url) as HTTPAdapter;
      assert.equal(adapter, session.getAdapter('http://127.0.0.1/'));
      const pool = adapter.poolManager.pools.get(`http+unix://${encodeURIComponent(local.path)}`);
      assert.ok(pool, `pools: ${[...adapter.poolManager.pools.keys()].join(', ')}`);
      assert.equal(pool.socketPath, local.path);
      assert.equal(pool.stats.free, 1);
      assert.equal(pool.stats.connected, 1);
      // Lower-case escapes name the same socket, hence the same pool and connection.
      await session.get(`http+unix://${encodeURIComponent(local.path).replace(/%2F/g, '%2f')}/x`);
      assert.equal(local.connections(), 1);
      assert.equal(adapter.poolManager.pools.size, 1);
    } finally {
      await session.close();
      await local.close();
    }
  });

  test('two sockets get two pools, each request reaching its own server', async () => {
    const a = await startUnixServer({ name: 'a.sock' });
    const b = await startUnixServer({ name: 'b.sock' });
    const session = new Session();
    try {
      for (let i = 0; i < 2; i++) {
        await session.get(`${a.url}/a`);
        await session.get(`${b.url}/b`);
      }
      assert.deepEqual(
        a.requests.map((r) => r.url),
        ['/a', '/a'],
      );
      assert.deepEqual(
        b.requests.map((r) => r.url),
        ['/b', '/b'],
      );
      assert.equal(a.connections(), 1);
      assert.equal(b.connections(), 1);
      const adapter = session.getAdapter(a.url) as HTTPAdapter;
      assert.deepEqual(
        [...adapter.poolManager.pools.values()].map((p) => p.socketPath).sort(),
        [a.path, b.path].sort(),
      );
    } finally {
      await session.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('poolMaxsize and poolBlock apply: concurrent calls share one blocked connection', async () => {
    const local = await startUnixServer({
      handler: async (_req, res) => {
        await new Promise((done) => setTimeout(done, 20));
        res.end('ok');
      },
    });
    const session = new Session();
    session.mount('http+unix://', new HTTPAdapter({ poolMaxsize: 1, poolBlock: true }));
    try {
      const rs = await Promise.all([1, 2, 3].map((i) => session.get(`${local.url}/${i}`)));
      assert.deepEqual(
        rs.map((r) => r.text),
        ['ok', 'ok', 'ok'],
      );
      assert.equal(local.connections(), 1);
    } finally {
      await session.close();
      await local.close();
    }
  });

  test('module-level requests.get works on a socket', async () => {
    const r = await requests.get(`${server.url}/module`);
    assert.equal(echoOf(r).url, '/module');
    const p = await requests.post(`${server.url}/module`, { data: { k: 'v' } });
    assert.equal(echoOf(p).body, 'k=v');
  });
});

describe('http+unix:// failures', () => {
  test('a missing socket is a ConnectionError naming the path', async () => {
    const dir = socketDir();
    try {
      const path = join(dir, 'missing.sock');
      const err = await requests.get(`http+unix://${encodeURIComponent(path)}/x`).then(
        () => assert.fail('no error'),
        (e: unknown) => e as Error,
      );
      assert.ok(err instanceof ConnectionError, String(err));
      assert.ok(err.message.includes(path), err.message);
      assert.match(err.message, /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a socket nobody listens on (a crashed server left it) is a ConnectionError naming the path', async () => {
    const dir = socketDir();
    try {
      const path = join(dir, 'stale.sock');
      // Bound, never listening, then the process exits: the file stays, nobody accepts.
      execFileSync('python3', [
        '-c',
        'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
        path,
      ]);
      const err = await requests.get(`http+unix://${encodeURIComponent(path)}/`).then(
        () => assert.fail('no error'),
        (e: unknown) => e as Error,
      );
      assert.ok(err instanceof ConnectionError, String(err));
      assert.ok(err.message.includes(path), err.message);
      assert.match(err.message, /ECONNREFUSED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a socket path written with its slashes, or with a port, is InvalidURL saying how to encode it', async () => {
    for (const url of ['http+unix:///run/app.sock/items', 'http+unix://%2Frun%2Fapp.sock:80/x']) {
      const err = await requests.get(url).then(
        () => assert.fail(`no error for ${url}`),
        (e: unknown) => e as Error,
      );
      assert.ok(err instanceof InvalidURL, `${url}: ${err}`);
      assert.match(err.message, /%2F/);
      assert.match(err.message, /encodeURIComponent/);
    }
  });

  test('credentials in an http+unix URL are sent as Basic auth and never shown in errors', async () => {
    const local = await startUnixServer();
    const encoded = local.url.slice('http+unix://'.length);
    try {
      const r = await requests.get(`http+unix://user:s3cret@${encoded}/auth`);
      const auth = echoOf(r).headers['authorization'];
      assert.equal(auth, `Basic ${Buffer.from('user:s3cret').toString('base64')}`);
      const missing = encodeURIComponent(join(local.dir, 'none.sock'));
      const err = await requests.get(`http+unix://user:s3cret@${missing}/x`).then(
        () => assert.fail('no error'),
        (e: unknown) => e as Error,
      );
      assert.ok(err instanceof ConnectionError);
      assert.ok(!err.message.includes('s3cret'), err.message);
      assert.ok(!String(err.stack).includes('s3cret'));
    } finally {
      await local.close();
    }
  });
});

describe('http+unix:: redirects, cookies, proxies', () => {
  let server: UnixServer;
  let tcp: TestServer;
  before(async () => {
    tcp = await startServer();
    server = await startUnixServer({
      handler: (req, res) => {
        const url = req.url ?? '/';
        if (url === '/relative') {
          res.writeHead(302, { Location: '/landed?from=relative' });
          res.end();
        } else if (url === '/dotted') {
          res.writeHead(301, { Location: 'sub/../next' });
          res.end();
        } else if (url === '/absolute') {
          res.writeHead(302, { Location: `${tcp.url}/tcp-landing` });
          res.end();
        } else if (url === '/set') {
          res.writeHead(200, { 'Set-Cookie': 'sid=abc; Path=/' });
          res.end('set');
        } else {
          const body = JSON.stringify({ url, headers: req.headers });
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(body);
        }
      },
    });
  });
  after(async () => {
    await server.close();
    await tcp.close();
  });

  test('a relative Location stays on the same socket', async () => {
    const r = await requests.get(`${server.url}/relative`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.history.length, 1);
    assert.equal(r.url, `${server.url}/landed?from=relative`);
    assert.equal(echoOf(r).url, '/landed?from=relative');
    const d = await requests.get(`${server.url}/dotted`);
    assert.equal(d.url, `${server.url}/next`);
  });

  test('an absolute http:// Location leaves the socket for TCP', async () => {
    const r = await requests.get(`${server.url}/absolute`);
    assert.equal(r.url, `${tcp.url}/tcp-landing`);
    assert.equal(tcp.requests.at(-1)?.url, '/tcp-landing');
    assert.equal(tcp.requests.at(-1)?.headers.host, `127.0.0.1:${tcp.port}`);
  });

  test('a cookie set over the socket is stored for it and sent back to it only', async () => {
    const s = new Session();
    const other = await startUnixServer({ name: 'other.sock' });
    try {
      await s.get(`${server.url}/set`);
      const [cookie] = [...s.cookies];
      assert.equal(cookie?.name, 'sid');
      // As Python's cookielib: the (lower-cased) host of the URL, the encoded socket path.
      assert.equal(cookie?.domain, encodeURIComponent(server.path).toLowerCase());
      const r = await s.get(`${server.url}/echo`);
      assert.equal(echoOf(r).headers['cookie'], 'sid=abc');
      const o = await s.get(`${other.url}/echo`);
      assert.equal(echoOf(o).headers['cookie'], undefined);
    } finally {
      await s.close();
      await other.close();
    }
  });

  test('proxies never apply: neither the environment nor proxies=', async () => {
    const names = ['HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
    const saved = new Map(names.map((n) => [n, process.env[n]]));
    // A proxy that answers nothing: a request sent to it would fail.
    const dead = 'http://127.0.0.1:9';
    process.env['http_proxy'] = dead;
    process.env['all_proxy'] = dead;
    delete process.env['no_proxy'];
    delete process.env['NO_PROXY'];
    const s = new Session();
    try {
      const r = await s.get(`${server.url}/env`);
      assert.equal(echoOf(r).url, '/env');
      assert.equal(echoOf(r).headers['proxy-authorization'], undefined);
      const p = await s.get(`${server.url}/given`, {
        proxies: { http: dead, all: dead, 'http+unix': dead },
      });
      assert.equal(echoOf(p).url, '/given');
      const adapter = s.getAdapter(server.url) as HTTPAdapter;
      assert.equal(adapter.proxyManager.size, 0);
    } finally {
      await s.close();
      for (const [n, v] of saved) {
        if (v === undefined) delete process.env[n];
        else process.env[n] = v;
      }
    }
  });
});

describe('https+unix:// (TLS over a Unix socket)', () => {
  let server: UnixServer;
  before(async () => {
    server = await startUnixServer({ tls: true });
  });
  after(async () => {
    await server.close();
  });

  test('verifies the certificate for localhost against the given CA, and reuses the connection', async () => {
    const s = new Session();
    try {
      for (let i = 0; i < 3; i++) {
        const r = await s.get(`${server.url}/secure`, { verify: certs().caFile });
        assert.equal(echoOf(r).url, '/secure');
        assert.equal(echoOf(r).headers['host'], 'localhost');
      }
      assert.equal(server.connections(), 1);
    } finally {
      await s.close();
    }
  });

  test('an untrusted certificate is SSLError; verify: false accepts it', async () => {
    await assert.rejects(requests.get(`${server.url}/x`), SSLError);
    const r = await requests.get(`${server.url}/y`, { verify: false });
    assert.equal(echoOf(r).url, '/y');
  });
});
