import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import requests, {
  ConnectionError,
  ContentDecodingError,
  HTTPAdapter,
  HTTPError,
  InvalidSchema,
  InvalidURL,
  MissingSchema,
  PoolTimeout,
  ReadTimeout,
  Session,
  Timeout,
  TotalTimeout,
} from '../../src/index.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  connectionId: number;
}

describe('Session round trips against a real server', () => {
  let server: TestServer;
  let s: Session;
  before(async () => {
    server = await startServer();
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
  });

  test('GET sends the default headers and merges params with the URL query', async () => {
    const r = await s.get(`${server.url}/path?a=1`, { params: { b: '2', c: ['x', 'y'] } });
    const echo = r.json<Echo>();
    assert.equal(r.statusCode, 200);
    assert.equal(echo.method, 'GET');
    assert.equal(echo.url, '/path?a=1&b=2&c=x&c=y');
    assert.match(echo.headers['user-agent']!, /^requests-ts\/\d+\.\d+\.\d+$/);
    assert.equal(echo.headers['accept'], '*/*');
    assert.match(echo.headers['accept-encoding']!, /gzip/);
    assert.equal(r.url, `${server.url}/path?a=1&b=2&c=x&c=y`);
    assert.equal(r.ok, true);
  });

  test('POST json sends a JSON body with its Content-Type and Content-Length', async () => {
    const r = await s.post(`${server.url}/items`, { json: { a: 1, b: [true, null] } });
    const echo = r.json<Echo>();
    assert.equal(echo.method, 'POST');
    assert.equal(echo.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(echo.body), { a: 1, b: [true, null] });
    assert.equal(echo.headers['content-length'], String(Buffer.byteLength(echo.body)));
  });

  test('form data is url-encoded; a body-less POST sends Content-Length: 0', async () => {
    let echo = (
      await s.post(`${server.url}/f`, { data: { q: 'a b', n: ['1', '2'] } })
    ).json<Echo>();
    assert.equal(echo.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(echo.body, 'q=a+b&n=1&n=2');
    echo = (await s.post(`${server.url}/empty`)).json<Echo>();
    assert.equal(echo.headers['content-length'], '0');
  });

  test('Session headers persist; a request header of null removes one for that request only', async () => {
    s.headers.set('X-Team', 'core');
    let echo = (
      await s.get(server.url, { headers: { 'x-extra': '1', Accept: null } })
    ).json<Echo>();
    assert.equal(echo.headers['x-team'], 'core');
    assert.equal(echo.headers['x-extra'], '1');
    assert.equal(echo.headers['accept'], undefined);
    echo = (await s.get(server.url)).json<Echo>();
    assert.equal(echo.headers['accept'], '*/*');
    s.headers.delete('X-Team');
  });

  test('basic auth from a [user, pass] tuple', async () => {
    const echo = (await s.get(server.url, { auth: ['user', 'pass'] })).json<Echo>();
    assert.equal(
      echo.headers['authorization'],
      `Basic ${Buffer.from('user:pass').toString('base64')}`,
    );
  });

  test('sequential requests reuse one kept-alive connection (server side and pool stats)', async () => {
    const local = new Session();
    try {
      const ids = new Set<number>();
      for (let i = 0; i < 5; i++)
        ids.add((await local.get(`${server.url}/k${i}`)).json<Echo>().connectionId);
      assert.equal(ids.size, 1);
      const adapter = local.getAdapter(server.url) as HTTPAdapter;
      const pools = [...adapter.poolManager.pools.values()];
      assert.equal(pools.length, 1);
      assert.equal(pools[0]!.stats.connected, 1);
      assert.equal(pools[0]!.stats.free, 1);
    } finally {
      await local.close();
    }
  });

  test("raiseForStatus raises HTTPError with requests' message", async () => {
    const notFound = await startServer((_req, res) => {
      res.writeHead(404);
      res.end('no');
    });
    try {
      const r = await s.get(`${notFound.url}/x`);
      assert.equal(r.statusCode, 404);
      assert.throws(
        () => r.raiseForStatus(),
        (err: unknown) => {
          assert.ok(err instanceof HTTPError);
          assert.equal(err.message, `404 Client Error: Not Found for url: ${notFound.url}/x`);
          assert.equal(err.response, r);
          return true;
        },
      );
    } finally {
      await notFound.close();
    }
  });

  test('a stream response is read on demand', async () => {
    const r = await s.get(server.url, { stream: true });
    assert.throws(() => r.content, /read\(\)/);
    const chunks: Uint8Array[] = [];
    for await (const c of r.iterContent({ chunkSize: 8 })) chunks.push(c as Uint8Array);
    assert.equal(JSON.parse(Buffer.concat(chunks).toString()).method, 'GET');
  });

  test('the Session timeout is the default of every request', async () => {
    const slow = await startServer(() => new Promise(() => {}));
    const local = new Session();
    local.timeout = 100;
    try {
      await assert.rejects(
        local.get(slow.url),
        (err: unknown) => err instanceof ReadTimeout && err instanceof Timeout,
      );
    } finally {
      await local.close();
      await slow.close();
    }
  });
});

describe('pool limits through the adapter', () => {
  test('poolBlock: true waits for a free connection, bounded by timeout.pool (PoolTimeout)', async () => {
    const slow = await startServer(
      (_req, res) =>
        new Promise<void>((resolve) => setTimeout(() => resolve(void res.end('ok')), 200)),
    );
    const s = new Session();
    s.mount('http://', new HTTPAdapter({ poolMaxsize: 1, poolBlock: true }));
    try {
      const first = s.get(slow.url);
      await assert.rejects(
        s.get(slow.url, { timeout: { pool: 50 } }),
        (err: unknown) => err instanceof PoolTimeout && err instanceof Timeout,
      );
      const waited = s.get(slow.url, { timeout: { pool: 2_000 } });
      assert.equal((await first).text, 'ok');
      assert.equal((await waited).text, 'ok');
      assert.equal(slow.connections(), 1);
    } finally {
      await s.close();
      await slow.close();
    }
  });

  test('poolBlock: false opens an extra connection and keeps at most poolMaxsize', async () => {
    const slow = await startServer(
      (_req, res) =>
        new Promise<void>((resolve) => setTimeout(() => resolve(void res.end('ok')), 50)),
    );
    const s = new Session();
    const adapter = new HTTPAdapter({ poolMaxsize: 2 });
    s.mount('http://', adapter);
    try {
      await Promise.all(Array.from({ length: 5 }, () => s.get(slow.url)));
      assert.equal(slow.connections(), 5);
      const [pool] = adapter.poolManager.pools.values();
      assert.ok(pool!.stats.free <= 2, `free ${pool!.stats.free}`);
    } finally {
      await s.close();
      await slow.close();
    }
  });
});

describe('AbortSignal', () => {
  test("cancels a call waiting for headers or reading a body; the error is the signal's reason", async () => {
    const hang = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const s = new Session();
    try {
      const reason = new Error('user gave up');
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 50);
      await assert.rejects(
        s.get(hang.url, { signal: controller.signal }),
        (err: unknown) => err === reason,
      );
      const late = new AbortController();
      const r = await s.get(hang.url, { stream: true, signal: late.signal });
      setTimeout(() => late.abort(reason), 50);
      await assert.rejects(r.read(), (err: unknown) => err === reason);
      await assert.rejects(
        s.get(hang.url, { signal: AbortSignal.abort(reason) }),
        (err: unknown) => err === reason,
      );
    } finally {
      await s.close();
      await hang.close();
    }
  });
});

describe('maxResponseSize', () => {
  test('per request, it overrides the adapter and stops a body past it', async () => {
    const big = await startServer((_req, res) => void res.end(Buffer.alloc(10_000, 1)));
    const s = new Session();
    s.mount('http://', new HTTPAdapter({ maxResponseSize: 100 }));
    try {
      await assert.rejects(s.get(big.url), ContentDecodingError);
      await assert.rejects(
        s.get(big.url, { maxResponseSize: 5_000 }),
        /maximum response size of 5000 bytes/,
      );
      assert.equal((await s.get(big.url, { maxResponseSize: null })).content.length, 10_000);
    } finally {
      await s.close();
      await big.close();
    }
  });
});

describe('timeouts', () => {
  test('total bounds the whole call, body included, even while bytes keep coming', async () => {
    const trickle = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => {
        if (n++ >= 40) {
          clearInterval(timer);
          return void res.end();
        }
        res.write('.');
      }, 25);
      res.on('close', () => clearInterval(timer));
    });
    const s = new Session();
    try {
      await assert.rejects(
        s.get(trickle.url, { timeout: { read: 500, total: 200 } }),
        (err: unknown) => {
          assert.ok(err instanceof TotalTimeout, String(err));
          assert.ok(err instanceof Timeout);
          assert.match((err as Error).message, /total timeout=200 ms/);
          return true;
        },
      );
      const r = await s.get(trickle.url, { timeout: { read: 500, total: 5_000 } });
      assert.equal(r.text.length, 40);
    } finally {
      await s.close();
      await trickle.close();
    }
  });
});

describe("errors mapped to requests' classes", () => {
  test('a refused connection is a ConnectionError naming the URL', async () => {
    const port = await closedPort();
    await assert.rejects(requests.get(`http://127.0.0.1:${port}/x`), (err: unknown) => {
      assert.ok(err instanceof ConnectionError, String(err));
      assert.match(
        (err as Error).message,
        /^HTTPConnectionPool\(host='127.0.0.1', port=\d+\): Max retries exceeded with url: \/x/,
      );
      assert.ok(!(err instanceof Timeout));
      return true;
    });
  });

  test('bad URLs raise MissingSchema, InvalidSchema and InvalidURL before any connection', async () => {
    await assert.rejects(
      requests.get('example.org/x'),
      (e: unknown) => e instanceof MissingSchema && /No scheme supplied/.test((e as Error).message),
    );
    await assert.rejects(requests.get('ftp://example.org/x'), InvalidSchema);
    await assert.rejects(requests.get('http://'), InvalidURL);
  });

  test('getAdapter picks the longest mounted prefix, case-insensitively', async () => {
    const s = new Session();
    const a = new HTTPAdapter();
    const b = new HTTPAdapter();
    s.mount('http://example.org/', a);
    s.mount('http://example.org/api/', b);
    assert.equal(s.getAdapter('HTTP://EXAMPLE.org/api/v1'), b);
    assert.equal(s.getAdapter('http://example.org/other'), a);
    assert.throws(() => s.getAdapter('gopher://x'), InvalidSchema);
    assert.deepEqual([...s.adapters.keys()].slice(0, 2), [
      'http://example.org/api/',
      'http://example.org/',
    ]);
    await s.close();
  });

  test('await using closes the Session', async () => {
    const server = await startServer();
    let adapter: HTTPAdapter;
    {
      await using s = new Session();
      adapter = s.getAdapter(server.url) as HTTPAdapter;
      await s.get(server.url);
      assert.equal(adapter.poolManager.pools.size, 1);
    }
    assert.equal(adapter.poolManager.pools.size, 0);
    await server.close();
  });
});
