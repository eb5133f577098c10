/** proxies= and the proxy environment through a Session, with a real proxy and SOCKS server. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidProxyURL, ProxyError, Session } from '../../src/index.js';
import { certs, startHttpsServer, type TestHttpsServer } from '../helpers/certs.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';
import { startSocksServer } from '../helpers/socks.js';

const AUTH = ['user', 'p@ss'] as const;
const BASIC = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;

describe('proxies through a Session', () => {
  let origin: TestServer;
  let secure: TestHttpsServer;
  let proxy: TestProxy;
  let s: Session;
  before(async () => {
    origin = await startServer();
    secure = await startHttpsServer();
    proxy = await startProxy({ auth: AUTH });
    s = new Session();
    s.trustEnv = false;
    s.verify = certs().caFile;
  });
  after(async () => {
    await s.close();
    await Promise.all([origin.close(), secure.close(), proxy.close()]);
  });

  const authUrl = () => proxy.authUrl.replace('p@ss', 'p%40ss');

  test('http:// goes in absolute form; credentials reach the proxy only', async () => {
    const r = await s.get(`${origin.url}/x?y=1`, { proxies: { http: authUrl() } });
    assert.equal(r.statusCode, 200);
    const seen = proxy.records.at(-1)!;
    assert.equal(seen.target, `${origin.url}/x?y=1`);
    assert.equal(seen.headers['proxy-authorization'], BASIC);
    const atOrigin = origin.requests.at(-1)!;
    assert.equal(atOrigin.url, '/x?y=1');
    assert.equal(atOrigin.headers['proxy-authorization'], undefined);
  });

  test('https:// goes through a CONNECT tunnel; the origin never sees the proxy credentials', async () => {
    const r = await s.get(`${secure.url}/t`, { proxies: { https: authUrl() } });
    assert.equal(r.statusCode, 200);
    const seen = proxy.records.at(-1)!;
    assert.equal(seen.method, 'CONNECT');
    assert.equal(seen.target, `127.0.0.1:${secure.port}`);
    assert.equal(seen.headers['proxy-authorization'], BASIC);
    assert.equal(
      r.json<{ headers: Record<string, string> }>().headers['proxy-authorization'],
      undefined,
    );
  });

  test('a tunnel refused with 407 is a ProxyError naming the status', async () => {
    await assert.rejects(s.get(secure.url, { proxies: { https: proxy.url } }), (err: unknown) => {
      assert.ok(err instanceof ProxyError, String(err));
      assert.match((err as Error).message, /407/);
      return true;
    });
  });

  test('an unreachable proxy is a ProxyError', async () => {
    const port = await closedPort();
    await assert.rejects(
      s.get(secure.url, { proxies: { all: `http://127.0.0.1:${port}` } }),
      ProxyError,
    );
  });

  test('a malformed proxy URL is InvalidProxyURL', async () => {
    await assert.rejects(s.get(origin.url, { proxies: { http: 'http://:3128' } }), InvalidProxyURL);
  });

  test('scheme://hostname keys (no port, as requests) win over scheme keys', async () => {
    const before = proxy.records.length;
    await s.get(origin.url, {
      proxies: { http: 'http://127.0.0.1:1', 'http://127.0.0.1': authUrl() },
    });
    assert.equal(proxy.records.length, before + 1);
  });

  test('socks5h resolves names at the proxy', async () => {
    const socks = await startSocksServer();
    try {
      const r = await s.get(`http://localhost:${origin.port}/s`, {
        proxies: { all: socks.url('socks5h') },
      });
      assert.equal(r.statusCode, 200);
      assert.equal(socks.records.at(-1)!.addressType, 'domain');
      assert.equal(socks.records.at(-1)!.host, 'localhost');
    } finally {
      await socks.close();
    }
  });
});

describe('proxy environment variables', () => {
  const NAMES = [
    'HTTP_PROXY',
    'http_proxy',
    'HTTPS_PROXY',
    'https_proxy',
    'ALL_PROXY',
    'all_proxy',
    'NO_PROXY',
    'no_proxy',
  ];
  const saved = new Map<string, string | undefined>();
  let origin: TestServer;
  let proxy: TestProxy;
  before(async () => {
    for (const n of NAMES) {
      saved.set(n, process.env[n]);
      delete process.env[n];
    }
    origin = await startServer();
    proxy = await startProxy();
  });
  after(async () => {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
    await Promise.all([origin.close(), proxy.close()]);
  });

  test('HTTP_PROXY is used when trustEnv is on, NO_PROXY bypasses it, trustEnv off ignores it', async () => {
    process.env['http_proxy'] = proxy.url;
    const s = new Session();
    try {
      let before = proxy.records.length;
      await s.get(`${origin.url}/via-env`);
      assert.equal(proxy.records.length, before + 1);
      process.env['no_proxy'] = '127.0.0.1';
      before = proxy.records.length;
      await s.get(`${origin.url}/bypassed`);
      assert.equal(proxy.records.length, before);
      delete process.env['no_proxy'];
      s.trustEnv = false;
      await s.get(`${origin.url}/ignored`);
      assert.equal(proxy.records.length, before);
    } finally {
      delete process.env['http_proxy'];
      delete process.env['no_proxy'];
      await s.close();
    }
  });

  test('a proxy variable set between two calls of one turn is used by the second only', async () => {
    const s = new Session();
    try {
      const before = proxy.records.length;
      // No await in between: the environment is read per call, not per turn of the event loop.
      const direct = s.get(`${origin.url}/same-turn-direct`);
      process.env['http_proxy'] = proxy.url;
      const proxied = s.get(`${origin.url}/same-turn-proxied`);
      await Promise.all([direct, proxied]);
      assert.equal(proxy.records.length, before + 1);
      assert.match(proxy.records.at(-1)?.target ?? '', /same-turn-proxied$/);
    } finally {
      delete process.env['http_proxy'];
      await s.close();
    }
  });
});
