/**
 * Issue 10, "one parsed URL value": a PreparedRequest's URL is parsed once into an immutable
 * RequestTarget, memoised for that URL value, and every layer reads that value (the pool lookup,
 * the request target, redirects' auth and socket checks, the cache's same-origin check).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LocationParseError } from '../../src/_internal/pool-errors.js';
import {
  CacheAdapter,
  type HTTPAdapter,
  InvalidSchema,
  InvalidURL,
  PreparedRequest,
  Session,
} from '../../src/index.js';
import { requestTarget, requestTargetOrNull } from '../../src/models/prepared-request.js';
import { parseUrl, parseUrlCount, type RequestTarget } from '../../src/pool/parse-url.js';
import { startProxy } from '../helpers/proxy.js';
import { closedPort, echo, type Handler, startServer, type TestServer } from '../helpers/server.js';
import { startUnixServer, type UnixServer } from '../helpers/unix-server.js';

function prepared(url: string): PreparedRequest {
  const p = new PreparedRequest();
  p.prepare({ method: 'GET', url });
  return p;
}

describe('the parsed URL of a PreparedRequest', () => {
  test('is made once per URL value: every read gives the same object', () => {
    const p = prepared('http://User:pw@Example.org:8080/a/b?q=1#frag');
    const t = requestTarget(p);
    assert.equal(requestTarget(p), t);
    assert.equal(requestTargetOrNull(p), t);
    assert.deepEqual(
      { ...t },
      {
        scheme: 'http',
        host: 'example.org',
        port: 8080,
        socketPath: null,
        authority: 'example.org:8080',
        path: '/a/b?q=1',
        url: 'http://example.org:8080/a/b?q=1',
        userinfo: 'User:pw',
      },
    );
    assert.equal(p.pathUrl, '/a/b?q=1');
    assert.equal(requestTarget(p), t, 'pathUrl reads the same value');
  });

  test('setting url again makes one new value; copy() shares the unchanged one', () => {
    const p = prepared('http://a.example/x');
    const first = requestTarget(p);
    const copy = p.copy();
    assert.equal(requestTarget(copy), first, 'the same URL, the same value');
    copy.url = 'https://b.example/y?z';
    const second = requestTarget(copy);
    assert.notEqual(second, first);
    assert.equal(requestTarget(copy), second);
    assert.equal(second.host, 'b.example');
    assert.equal(second.port, 443);
    assert.equal(copy.pathUrl, '/y?z');
    assert.equal(requestTarget(p), first, 'the original keeps its own');
  });

  test("pathUrl is requests' path_url (python requests 2.34 values)", () => {
    // p.url = ...; p.path_url in python: '/a', '/?x', '/', '/a;x?y', '/%7Eb?c'
    const cases: Array<[string, string]> = [
      ['http://h/a?', '/a'],
      ['http://h?x#f', '/?x'],
      ['http://h', '/'],
      ['http://h/a;x?y', '/a;x?y'],
      ['http+unix://%2Frun%2Fs.sock/%7Eb?c', '/%7Eb?c'],
    ];
    for (const [url, path] of cases) {
      const p = new PreparedRequest();
      p.url = url;
      assert.equal(p.pathUrl, path, url);
    }
  });

  test('a URL the pool cannot send has no value; requestTarget says why', () => {
    const p = new PreparedRequest();
    p.url = 'mailto:someone@example.org';
    assert.equal(requestTargetOrNull(p), null);
    assert.throws(() => requestTarget(p), LocationParseError);
    assert.equal(p.pathUrl, 'someone@example.org', 'path_url of a URL without a netloc');
  });
});

/** /to?u=LOCATION answers 302 there; the rest echo. */
const redirector: Handler = (req, res, record) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/to') {
    res.writeHead(302, { Location: url.searchParams.get('u') ?? '/' });
    return void res.end();
  }
  return echo(req, res, record);
};

describe('the layers read the one value', () => {
  let server: TestServer;
  let other: TestServer;
  before(async () => {
    server = await startServer(redirector);
    other = await startServer(redirector, '127.0.0.2');
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  test("the adapter picks its pool from the request's value, for each hop", async () => {
    const s = new Session();
    const adapter = s.getAdapter(server.url) as HTTPAdapter;
    const seen: RequestTarget[] = [];
    const pm = adapter.poolManager;
    const original = pm.connectionFromTarget.bind(pm);
    pm.connectionFromTarget = (target, settings) => {
      seen.push(target);
      return original(target, settings);
    };
    try {
      const r = await s.get(`${server.url}/to?u=/end`);
      assert.equal(r.statusCode, 200);
      assert.equal(seen.length, 2);
      assert.equal(seen[0], requestTarget(r.history[0]!.request!));
      assert.equal(seen[1], requestTarget(r.request!));
      assert.equal(seen[1]!.path, '/end');
    } finally {
      await s.close();
    }
  });

  test("a hop's request keeps the value its Location check made: one parse at most", async () => {
    const s = new Session();
    s.trustEnv = false;
    const hostless = `http://127.0.0.1:${server.port}`;
    const locations: Array<[string, string, number]> = [
      ['/end', `${server.url}/end`, 0],
      [`${server.url}/abs?q=1`, `${server.url}/abs?q=1`, 0],
      [hostless, hostless, 0],
      [`//127.0.0.1:${server.port}/x`, `${server.url}/x`, 0],
      // Outside the fast path's shape: the pool parses it once, at the check.
      [`http://Localhost:${server.port}/a b/../c`, `http://Localhost:${server.port}/a%20b/../c`, 1],
    ];
    try {
      for (const [location, url, parses] of locations) {
        const first = await s.get(`${server.url}/to?u=${encodeURIComponent(location)}`, {
          allowRedirects: false,
        });
        const before = parseUrlCount();
        const hops = s.resolveRedirects(first, first.request!, { yieldRequests: true });
        const next = (await hops.next()).value as PreparedRequest;
        const target = requestTarget(next);
        const r = await s.send(next);
        assert.equal(parseUrlCount() - before, parses, `${location}: parses of the pool`);
        assert.equal(next.url, url, 'the URL as requests sets it');
        assert.deepEqual(target, parseUrl(url));
        assert.equal(r.statusCode, 200);
        assert.equal(server.requests.at(-1)!.url, target.path);
      }
    } finally {
      await s.close();
    }
  });

  test('a Location that cannot be parsed is one of our classes, carrying the 302', async () => {
    const s = new Session();
    const locations: Array<[string, new (...a: never[]) => Error, RegExp]> = [
      ['http://[::1/x', InvalidURL, /^Failed to parse: http:\/\/\[::1\/x/],
      ['http://h:99999/', InvalidURL, /^Failed to parse: http:\/\/h:99999\//],
      ['http://a b/', InvalidURL, /the host 'a%20b' is not valid/],
      ['http://:80/', InvalidURL, /No host supplied/],
      ['http://h:8a/', InvalidURL, /^Failed to parse/],
      ['//[::1', InvalidURL, /^Failed to parse: http:\/\/\[::1/],
      ['http+unix:///run/x.sock', InvalidURL, /No socket path supplied/],
      ['ftp://h/x', InvalidSchema, /No connection adapters were found for 'ftp:\/\/h\/x'/],
    ];
    try {
      for (const [location, cls, message] of locations) {
        const url = `${server.url}/to?u=${encodeURIComponent(location)}`;
        await assert.rejects(s.get(url), (err: unknown) => {
          assert.ok(err instanceof cls, `${location}: ${String(err)}`);
          assert.match((err as Error).message, message, location);
          if (cls === InvalidURL) {
            const response = (err as InvalidURL).response;
            assert.equal(response?.statusCode, 302, `${location}: the response`);
          }
          return true;
        });
      }
    } finally {
      await s.close();
    }
  });

  test("a subclass's shouldStripAuth still decides on redirects", async () => {
    class KeepAuth extends Session {
      override shouldStripAuth(): boolean {
        return false;
      }
    }
    const s = new KeepAuth();
    const to = `${other.url}/end`;
    try {
      const r = await s.get(`${server.url}/to?u=${encodeURIComponent(to)}`, {
        headers: { Authorization: 'Bearer kept' },
      });
      assert.equal(r.statusCode, 200);
      assert.equal(other.requests.at(-1)!.headers.authorization, 'Bearer kept');
    } finally {
      await s.close();
    }
  });
});

describe('proxy selection reads the one value', () => {
  test('a `scheme://host` key names an IPv6 host without brackets, as requests', async () => {
    // python: select_proxy('http://[::1]:8080/x', {'http://::1': 'P', 'http': 'Q'}) == 'P'
    const origin = await startServer(echo, '::1');
    const proxy = await startProxy();
    const s = new Session();
    s.trustEnv = false;
    try {
      const dead = `http://127.0.0.1:${await closedPort()}`;
      const url = `http://[::1]:${origin.port}/x?y=1`;
      const r = await s.get(url, { proxies: { 'http://::1': proxy.url, http: dead } });
      assert.equal(r.statusCode, 200);
      assert.equal(proxy.records.at(-1)?.target, url);
    } finally {
      await s.close();
      await proxy.close();
      await origin.close();
    }
  });
});

describe('redirects between Unix sockets compare sockets, not the Host localhost', () => {
  let a: UnixServer;
  let b: UnixServer;
  before(async () => {
    a = await startUnixServer({ handler: redirector, name: 'a.sock' });
    b = await startUnixServer({ handler: redirector, name: 'b.sock' });
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  test('Authorization is kept on the same socket and dropped for another socket', async () => {
    const s = new Session();
    const headers = { Authorization: 'Bearer secret' };
    try {
      await s.get(`${a.url}/to?u=${encodeURIComponent(`${a.url}/same`)}`, { headers });
      assert.equal(a.requests.at(-1)!.url, '/same');
      assert.equal(a.requests.at(-1)!.headers.authorization, 'Bearer secret');
      await s.get(`${a.url}/to?u=${encodeURIComponent(`${b.url}/other`)}`, { headers });
      assert.equal(b.requests.at(-1)!.url, '/other');
      assert.equal(b.requests.at(-1)!.headers.authorization, undefined);
    } finally {
      await s.close();
    }
  });

  test('shouldStripAuth with socket URLs', () => {
    const s = new Session();
    const A = 'http+unix://%2Ftmp%2Fa.sock';
    const B = 'http+unix://%2Ftmp%2Fb.sock';
    assert.equal(s.shouldStripAuth(`${A}/x`, `${A}/y`), false);
    assert.equal(s.shouldStripAuth(`${A}/x`, `${B}/x`), true);
    assert.equal(s.shouldStripAuth(`${A}/x`, 'https+unix://%2Ftmp%2Fa.sock/x'), true);
    assert.equal(s.shouldStripAuth('http://localhost/x', `${A}/x`), true);
  });

  test('a server on TCP cannot redirect onto a socket', async () => {
    const server = await startServer(redirector);
    const s = new Session();
    try {
      const url = `${server.url}/to?u=${encodeURIComponent(`${a.url}/x`)}`;
      await assert.rejects(s.get(url), (err: unknown) => {
        assert.ok(err instanceof InvalidSchema, String(err));
        assert.match((err as Error).message, /^Refusing to follow the redirect/);
        return true;
      });
    } finally {
      await s.close();
      await server.close();
    }
  });

  test('the cache invalidates a Location on its own socket only (RFC 9111 §4.4)', async () => {
    const cached: Handler = (req, res, record) => {
      if (req.method === 'POST') {
        res.writeHead(201, { Location: new URL(req.url!, 'http://x').searchParams.get('u')! });
        return void res.end();
      }
      res.setHeader('Cache-Control', 'max-age=60');
      return echo(req, res, record);
    };
    const one = await startUnixServer({ handler: cached, name: 'one.sock' });
    const two = await startUnixServer({ handler: cached, name: 'two.sock' });
    const s = new Session();
    s.mount('http+unix://', new CacheAdapter());
    try {
      assert.equal((await s.get(`${one.url}/page`)).fromCache, false);
      assert.equal((await s.get(`${one.url}/page`)).fromCache, true);
      // Another socket names one's page: another origin, so one's entry stays.
      await s.post(`${two.url}/new?u=${encodeURIComponent(`${one.url}/page`)}`, {
        allowRedirects: false,
      });
      assert.equal((await s.get(`${one.url}/page`)).fromCache, true);
      // The same socket naming it: invalidated.
      await s.post(`${one.url}/new?u=${encodeURIComponent(`${one.url}/page`)}`, {
        allowRedirects: false,
      });
      assert.equal((await s.get(`${one.url}/page`)).fromCache, false);
    } finally {
      await s.close();
      await one.close();
      await two.close();
    }
  });
});
