/**
 * Details where requests' own test suite checks requests 2.34 / urllib3 2.7 behaviour (issue 11.8),
 * each observed by running Python requests against a local server, and held here against real
 * servers and raw node:net peers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import requests, {
  CaseInsensitiveDict,
  ConnectionError,
  HTTPAdapter,
  InvalidJSONError,
  Request,
  RequestsCookieJar,
  Response,
  Retry,
  Session,
  TLSFileError,
} from '../../src/index.js';
import { ProtocolError } from '../../src/urllib3.js';
import { certs, startHttpsServer, type TestHttpsServer } from '../helpers/certs.js';
import { startRawPeer, startServer, type TestServer } from '../helpers/server.js';

describe('requests parity (issue 11.8)', () => {
  let server: TestServer;
  let tlsServer: TestHttpsServer;
  before(async () => {
    server = await startServer((req, res, record) => {
      const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
      // The bytes Python's `'foo="\\"bar:baz\\""'` puts on the wire.
      if (req.url === '/set-quoted') headers['Set-Cookie'] = 'foo="\\"bar:baz\\""';
      const body = `cookie=${record.headers.cookie ?? ''}`;
      res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    tlsServer = await startHttpsServer();
  });
  after(async () => {
    await server.close();
    await tlsServer.close();
  });

  test('HTTPAdapter({ poolConnections: 0, poolMaxsize: 0 }) works (requests test_urllib3_pool_connection_closed)', async () => {
    const s = new Session();
    const adapter = new HTTPAdapter({ poolConnections: 0, poolMaxsize: 0 });
    s.mount('http://', adapter);
    try {
      const before = server.connections();
      for (let i = 0; i < 3; i++) assert.equal((await s.get(`${server.url}/p`)).statusCode, 200);
      // As urllib3's PoolManager(num_pools=0): no pool is kept, so each call has a new connection.
      assert.equal(adapter.poolManager.pools.size, 0);
      assert.equal(server.connections() - before, 3);
    } finally {
      await s.close();
    }
  });

  test('poolMaxsize 0 puts no cap on kept-alive connections, as urllib3 (its queue of size 0 is unbounded)', async () => {
    const s = new Session();
    const adapter = new HTTPAdapter({ poolMaxsize: 0 });
    s.mount('http://', adapter);
    try {
      const before = server.connections();
      await Promise.all([1, 2, 3].map(() => s.get(`${server.url}/m`)));
      const pool = [...adapter.poolManager.pools.values()][0]!;
      assert.equal(pool.stats.free, server.connections() - before);
      await s.get(`${server.url}/m`);
      assert.equal(server.connections() - before, pool.stats.connected);
    } finally {
      await s.close();
    }
    // With poolBlock a pool of size 0 could never hand out a connection: said at construction.
    assert.throws(() => new HTTPAdapter({ poolMaxsize: 0, poolBlock: true }), {
      name: 'RangeError',
      message: /poolBlock/,
    });
  });

  test('cert files are checked for https URLs only (the issue decides; requests checks every scheme)', async () => {
    const s = new Session();
    try {
      const r = await s.get(`${server.url}/c`, { cert: '/nonexistent/client.pem' });
      assert.equal(r.statusCode, 200);
      const pair = await s.get(`${server.url}/c`, {
        cert: ['/nonexistent/c.pem', '/nonexistent/k.pem'],
      });
      assert.equal(pair.statusCode, 200);
      await assert.rejects(
        s.get(tlsServer.url, { cert: '/nonexistent/client.pem', verify: certs().caFile }),
        (err: unknown) =>
          err instanceof TLSFileError &&
          err.message ===
            'Could not find the TLS certificate file, invalid path: /nonexistent/client.pem',
      );
      await assert.rejects(
        s.get(tlsServer.url, {
          cert: [certs().client.certFile, '/nonexistent/k.pem'],
          verify: certs().caFile,
        }),
        (err: unknown) =>
          err instanceof TLSFileError &&
          err.message === 'Could not find the TLS key file, invalid path: /nonexistent/k.pem',
      );
    } finally {
      await s.close();
    }
  });

  test('Set-Cookie: foo="\\"bar:baz\\"" is stored as "bar:baz" with its quotes (requests test_cookie_quote_wrapped)', async () => {
    const s = new Session();
    try {
      await s.get(`${server.url}/set-quoted`);
      // RequestsCookieJar.set_cookie drops every \" of a quote-wrapped value.
      assert.equal(s.cookies.get('foo'), '"bar:baz"');
      const r = await s.get(`${server.url}/echo`);
      assert.equal(r.text, 'cookie=foo="bar:baz"');
    } finally {
      await s.close();
    }
    const jar = new RequestsCookieJar();
    jar.set('q', '"a\\"b"');
    assert.equal(jar.get('q'), '"ab"');
    jar.set('plain', 'a\\"b');
    assert.equal(jar.get('plain'), 'a\\"b'); // not wrapped in quotes: kept as it is
  });

  test("jar.set(name, value, { domain: 'test.com' }) keeps the domain as given (requests test_cookie_as_dict_keeps_items...)", async () => {
    const jar = new RequestsCookieJar();
    jar.set('some_cookie', 'some_value', { domain: 'test.com' });
    jar.set('dotted', 'v', { domain: '.test.com' });
    const byName = new Map([...jar].map((c) => [c.name, c]));
    assert.equal(byName.get('some_cookie')?.domain, 'test.com');
    assert.equal(byName.get('dotted')?.domain, '.test.com');
    assert.deepEqual(jar.listDomains().sort(), ['.test.com', 'test.com']);
    assert.equal(jar.get('some_cookie', { domain: 'test.com' }), 'some_value');
    // Still sent to the domain and its subdomains, as http.cookiejar sends it.
    const header = (url: string) => new Request({ method: 'GET', url, cookies: jar }).prepare();
    assert.match(header('http://test.com/').headers.get('Cookie') ?? '', /some_cookie=some_value/);
    assert.match(
      header('http://a.test.com/').headers.get('Cookie') ?? '',
      /some_cookie=some_value/,
    );
    assert.equal(header('http://other.com/').headers.get('Cookie'), undefined);
  });

  test('r.raw.read() after a response read whole gives empty bytes (urllib3: the body was consumed)', async () => {
    const r = await requests.get(`${server.url}/raw`);
    assert.equal(r.text, 'cookie=');
    const rest = await r.raw!.read();
    assert.ok(rest instanceof Uint8Array);
    assert.equal(rest.length, 0);
    assert.equal(r.text, 'cookie='); // content is kept
    // A stream response read through the Response: the raw body is used up too.
    const s = await requests.get(`${server.url}/raw`, { stream: true });
    await s.read();
    assert.equal((await s.raw!.read()).length, 0);
    assert.equal(s.text, 'cookie=');
  });

  test('a prepared json body is bytes, byte for byte what requests sends', async () => {
    const p = new Request({
      method: 'POST',
      url: server.url,
      json: { a: 1, b: [1, 2, { c: null }], s: 'é\u2028😀\x7f"\\\n', e: {}, l: [] },
    }).prepare();
    assert.ok(p.body instanceof Uint8Array);
    // python3 -c 'import requests; print(requests.Request("POST", "http://x", json=...).prepare().body)'
    const python =
      '{"a": 1, "b": [1, 2, {"c": null}], "s": "\\u00e9\\u2028\\ud83d\\ude00\\u007f\\"\\\\\\n", "e": {}, "l": []}';
    assert.equal(Buffer.from(p.body as Uint8Array).toString('latin1'), python);
    assert.equal(p.headers.get('Content-Length'), String(python.length));
    assert.equal(p.headers.get('Content-Type'), 'application/json');
    // Separators inside strings are left alone.
    const q = new Request({ method: 'POST', url: server.url, json: ['a,b:c', 'd'] }).prepare();
    assert.equal(Buffer.from(q.body as Uint8Array).toString(), '["a,b:c", "d"]');
    // allow_nan=False: NaN and Infinity are refused with Python's message.
    assert.throws(
      () => new Request({ method: 'POST', url: server.url, json: { a: Number.NaN } }).prepare(),
      (err: unknown) =>
        err instanceof InvalidJSONError &&
        err.message === 'Out of range float values are not JSON compliant',
    );
    const sent = await requests.post(`${server.url}/json`, { json: { a: 1 } });
    assert.equal(sent.statusCode, 200);
    assert.equal(server.requests.at(-1)!.body.toString(), '{"a": 1}');
  });

  test('new Response().content is null (requests: None for a bare Response)', () => {
    const r = new Response();
    assert.equal(r.content, null);
    assert.equal(r.text, '');
    assert.throws(() => r.json(), { name: 'JSONDecodeError' }); // requests: json.loads('')
    const withContent = new Response();
    withContent.content = Buffer.from('x');
    assert.equal(Buffer.from(withContent.content).toString(), 'x');
  });

  test('statusForcelist holds numbers only: a string is a TypeError naming the option', () => {
    assert.throws(() => new Retry({ statusForcelist: ['500' as unknown as number] }), {
      name: 'TypeError',
      message: /statusForcelist.*'500'/,
    });
    assert.throws(() => new Retry({ statusForcelist: [500.5] }), /statusForcelist/);
    assert.throws(
      () => new HTTPAdapter({ maxRetries: new Retry({ statusForcelist: [Number.NaN] }) }),
      /statusForcelist/,
    );
    const r = new Retry({ total: 3, statusForcelist: [500] });
    assert.equal(r.isRetry('GET', 500, false), true);
    assert.equal(r.isRetry('GET', 502, false), false);
  });

  test('a header block cut off by the peer closing is a ConnectionError in requests words, not undici words', async () => {
    // requests (http.client) ends a header block at EOF and returns the truncated response; the
    // undici parser does not hand one out, so this raises what requests raises for a peer that
    // closes before a whole response: ConnectionError(ProtocolError('Connection aborted.',
    // RemoteDisconnected('Remote end closed connection without response'))).
    const peer = await startRawPeer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n'));
    });
    const silent = await startRawPeer((socket) => {
      socket.once('data', () => socket.end());
    });
    try {
      for (const url of [peer.url, silent.url]) {
        await assert.rejects(requests.get(`${url}/`), (err: unknown) => {
          assert.ok(err instanceof ConnectionError, String(err));
          assert.ok((err as Error).cause instanceof ProtocolError, String((err as Error).cause));
          assert.match(
            (err as Error).message,
            /Connection aborted.*RemoteDisconnected\('Remote end closed connection without response'\)/,
          );
          assert.doesNotMatch((err as Error).message, /other side closed/);
          return true;
        });
      }
    } finally {
      await peer.close();
      await silent.close();
    }
  });

  test('CaseInsensitiveDict iteration yields copies, never its own entries', () => {
    const d = new CaseInsensitiveDict({ Accept: 'a', 'X-One': '1' });
    for (const pair of d) pair[1] = 'changed';
    for (const pair of d.entries()) pair[0] = 'changed';
    for (const pair of d.lowerItems()) pair[1] = 'changed';
    d.forEach((_v, _k) => {});
    assert.deepEqual(
      [...d],
      [
        ['Accept', 'a'],
        ['X-One', '1'],
      ],
    );
    assert.equal(d.get('x-one'), '1');
    const copy = d.copy();
    for (const pair of copy) pair[1] = 'changed';
    assert.equal(d.get('accept'), 'a');
  });
});
