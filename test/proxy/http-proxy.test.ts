/**
 * ProxyManager through a real HTTP(S) proxy on 127.0.0.1: absolute-form requests for http://
 * origins, CONNECT tunnels for https:// origins, proxy credentials only at the proxy, refusals and
 * unreachable proxies as PoolProxyError.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConnectTimeoutError,
  LocationParseError,
  NewConnectionError,
  PoolProxyError,
  ProxySchemeUnknown,
} from '../../src/_internal/pool-errors.js';
import { ProxyManager, parseProxyUrl } from '../../src/pool/proxy-manager.js';
import { tlsSettingsFrom } from '../../src/pool/tls.js';
import { TimeoutConfig } from '../../src/timeout.js';
import { certs, startHttpsServer } from '../helpers/certs.js';
import { startProxy } from '../helpers/proxy.js';
import { closedPort, startRawPeer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const BASIC = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
const AUTH = ['user', 'p@ss'] as const;

function text(r: { data: Uint8Array | null }): string {
  return Buffer.from(r.data ?? []).toString();
}

describe('http:// origins through an HTTP proxy (absolute form)', () => {
  test('the proxy sees the absolute URL; the origin sees the path and its own Host', async (t) => {
    const origin = await startServer();
    const proxy = await startProxy();
    const pm = new ProxyManager(proxy.url);
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    const r = await pm.urlopen('GET', `${origin.url}/a/b?c=1`);
    assert.equal(r.status, 200);
    assert.equal(proxy.records.length, 1);
    assert.equal(proxy.records[0]?.method, 'GET');
    assert.equal(proxy.records[0]?.target, `${origin.url}/a/b?c=1`);
    assert.equal(proxy.records[0]?.headers.host, `127.0.0.1:${origin.port}`);
    assert.equal(proxy.records[0]?.headers['proxy-authorization'], undefined);
    const seen = JSON.parse(text(r));
    assert.equal(seen.url, '/a/b?c=1');
    assert.equal(seen.headers.host, `127.0.0.1:${origin.port}`);
  });

  test('every http:// origin shares the one pool to the proxy, keyed without credentials', async (t) => {
    const a = await startServer();
    const b = await startServer();
    const proxy = await startProxy({ auth: AUTH });
    const pm = new ProxyManager(proxy.authUrl, { proxyHeaders: { 'Proxy-Authorization': BASIC } });
    t.after(() => Promise.all([pm.close(), proxy.close(), a.close(), b.close()]));
    const pool = pm.connectionFromUrl(`${a.url}/`);
    assert.equal(pm.connectionFromUrl(`${b.url}/`), pool);
    assert.equal(pool.host, '127.0.0.1');
    assert.equal(pool.port, proxy.port);
    for (const origin of [a, b, a]) {
      const r = await pool.urlopen('GET', `${origin.url}/x`);
      assert.equal(r.status, 200);
    }
    assert.equal(proxy.connections(), 1);
    assert.equal(pm.pools.size, 1);
    const key = [...pm.pools.keys()][0] ?? '';
    assert.ok(!key.includes('p@ss') && !key.includes('p%40ss') && !key.includes(BASIC), key);
  });

  test('Proxy-Authorization goes to the proxy with every request, never in the URL', async (t) => {
    const origin = await startServer();
    const proxy = await startProxy({ auth: AUTH });
    const pm = new ProxyManager(proxy.authUrl, { proxyHeaders: { 'Proxy-Authorization': BASIC } });
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    await pm.urlopen('GET', `${origin.url}/one`);
    await pm.urlopen('POST', `${origin.url}/two`, { body: 'x' });
    assert.deepEqual(
      proxy.records.map((r) => [r.target, r.headers['proxy-authorization'], r.status]),
      [
        [`${origin.url}/one`, BASIC, 200],
        [`${origin.url}/two`, BASIC, 200],
      ],
    );
  });

  test('without credentials the proxy answers 407, returned as a response (urllib3)', async (t) => {
    const origin = await startServer();
    const proxy = await startProxy({ auth: AUTH });
    const pm = new ProxyManager(proxy.url);
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    const r = await pm.urlopen('GET', `${origin.url}/`);
    assert.equal(r.status, 407);
    assert.equal(origin.requests.length, 0);
  });

  test('an unreachable proxy is a PoolProxyError wrapping NewConnectionError', async (t) => {
    const port = await closedPort();
    const pm = new ProxyManager(`http://127.0.0.1:${port}`);
    t.after(() => pm.close());
    await assert.rejects(pm.urlopen('GET', 'http://origin.invalid/', { retries: false }), (err) => {
      assert.ok(err instanceof PoolProxyError, String(err));
      assert.match(
        err.message,
        /^Unable to connect to proxy: .*Failed to establish a new connection/,
      );
      assert.ok(err.cause instanceof NewConnectionError);
      return true;
    });
  });
});

describe('https:// origins through a CONNECT tunnel', () => {
  test('the proxy sees CONNECT with credentials; the origin sees none of them', async (t) => {
    const origin = await startHttpsServer();
    const proxy = await startProxy({ auth: AUTH });
    const pm = new ProxyManager(proxy.authUrl, { proxyHeaders: { 'Proxy-Authorization': BASIC } });
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    const tls = tlsSettingsFrom(certs().caFile);
    for (let i = 0; i < 2; i++) {
      const r = await pm.urlopen('GET', `${origin.url}/secret?x=${i}`, { tls });
      assert.equal(r.status, 200);
      const seen = JSON.parse(text(r));
      assert.equal(seen.url, `/secret?x=${i}`);
      assert.equal(seen.headers['proxy-authorization'], undefined);
      assert.equal(seen.headers.host, `127.0.0.1:${origin.port}`);
    }
    assert.equal(proxy.records.length, 1, 'the tunnel is kept alive and reused');
    assert.equal(proxy.records[0]?.method, 'CONNECT');
    assert.equal(proxy.records[0]?.target, `127.0.0.1:${origin.port}`);
    assert.equal(proxy.records[0]?.headers['proxy-authorization'], BASIC);
    assert.equal(origin.connections(), 1);
  });

  test('each https:// origin and TLS setting gets its own tunnelled pool', async (t) => {
    const origin = await startHttpsServer();
    const proxy = await startProxy();
    const pm = new ProxyManager(proxy.url);
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    await pm.urlopen('GET', `${origin.url}/`, { tls: tlsSettingsFrom(certs().caFile) });
    await pm.urlopen('GET', `${origin.url}/`, { tls: tlsSettingsFrom(false) });
    assert.equal(pm.pools.size, 2);
    assert.equal(proxy.records.filter((r) => r.method === 'CONNECT').length, 2);
  });

  test('a refused tunnel (407) is a PoolProxyError naming the status', async (t) => {
    const origin = await startHttpsServer();
    const proxy = await startProxy({ auth: AUTH });
    const pm = new ProxyManager(proxy.url);
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    await assert.rejects(
      pm.urlopen('GET', `${origin.url}/`, { retries: false, tls: tlsSettingsFrom(false) }),
      (err) => {
        assert.ok(err instanceof PoolProxyError, String(err));
        assert.equal(
          err.message,
          'Unable to connect to proxy: Tunnel connection failed: 407 Proxy Authentication Required',
        );
        return true;
      },
    );
    assert.equal(origin.connections(), 0);
  });

  test('TLS errors with the origin inside the tunnel stay TLS errors', async (t) => {
    const origin = await startHttpsServer({ which: 'expired' });
    const proxy = await startProxy();
    const pm = new ProxyManager(proxy.url);
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    await assert.rejects(
      pm.urlopen('GET', `${origin.url}/`, { retries: false, tls: tlsSettingsFrom(certs().caFile) }),
      { name: 'SSLError', message: /expired/ },
    );
  });

  test('an unreachable proxy is a PoolProxyError for https:// origins too', async (t) => {
    const pm = new ProxyManager(`http://127.0.0.1:${await closedPort()}`);
    t.after(() => pm.close());
    await assert.rejects(
      pm.urlopen('GET', 'https://origin.invalid/', { retries: false }),
      (err) => {
        assert.ok(err instanceof PoolProxyError && err.cause instanceof NewConnectionError);
        return true;
      },
    );
  });
});

describe('proxies that misbehave during CONNECT', () => {
  const answers: [string, string, RegExp][] = [
    ['closes without answering', '', /the proxy closed the connection without answering CONNECT/],
    ['answers garbage', 'SSH-2.0-OpenSSH\r\n\r\n', /the proxy answered 'SSH-2.0-OpenSSH'/],
    [
      'answers 502',
      'HTTP/1.1 502 Bad Gateway\r\n\r\n',
      /Tunnel connection failed: 502 Bad Gateway/,
    ],
  ];
  for (const [what, answer, expected] of answers) {
    test(`a proxy that ${what}: PoolProxyError`, async (t) => {
      const peer = await startRawPeer((socket) => {
        socket.once('data', () => socket.end(answer));
      });
      const pm = new ProxyManager(peer.url);
      t.after(() => Promise.all([pm.close(), peer.close()]));
      await assert.rejects(
        pm.urlopen('GET', 'https://origin.invalid/', { retries: false }),
        (err) => {
          assert.ok(err instanceof PoolProxyError, String(err));
          assert.match(err.message, expected);
          return true;
        },
      );
    });
  }

  const refusals: [string, string][] = [
    ['407 Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="squid"\r\n'],
    ['403 Forbidden', ''],
  ];
  for (const [status, extra] of refusals) {
    test(`a refused CONNECT (${status}) sent with its error page in one write names the status`, async (t) => {
      const page = '<html><body>ERROR: access denied</body></html>';
      const peer = await startRawPeer((socket) => {
        socket.once('data', () =>
          socket.write(
            `HTTP/1.1 ${status}\r\n${extra}Content-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
          ),
        );
      });
      const pm = new ProxyManager(peer.url);
      t.after(() => Promise.all([pm.close(), peer.close()]));
      await assert.rejects(
        pm.urlopen('GET', 'https://origin.invalid/', { retries: false }),
        (err) => {
          assert.ok(err instanceof PoolProxyError, String(err));
          assert.equal(
            err.message,
            `Unable to connect to proxy: Tunnel connection failed: ${status}`,
          );
          return true;
        },
      );
    });
  }

  test('a 2xx CONNECT answer followed by data before the TLS handshake is a PoolProxyError', async (t) => {
    const peer = await startRawPeer((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 Connection established\r\n\r\njunk'));
    });
    const pm = new ProxyManager(peer.url);
    t.after(() => Promise.all([pm.close(), peer.close()]));
    await assert.rejects(pm.urlopen('GET', 'https://origin.invalid/', { retries: false }), {
      name: 'ProxyError',
      message: /the proxy sent data after its answer/,
    });
  });

  test('a proxy that never answers CONNECT: the connect timeout, and the socket is closed', async (t) => {
    let closed = false;
    const peer = await startRawPeer((socket) => {
      socket.resume(); // read the CONNECT (and the EOF) but never answer
      socket.on('close', () => {
        closed = true;
      });
    });
    const pm = new ProxyManager(peer.url);
    t.after(() => Promise.all([pm.close(), peer.close()]));
    const timeout = new TimeoutConfig({ connect: 100 });
    await assert.rejects(
      pm.urlopen('GET', 'https://origin.invalid/', { retries: false, timeout }),
      ConnectTimeoutError,
    );
    await waitFor(() => closed);
    assert.equal(closed, true);
  });
});

describe('an https:// proxy', () => {
  test('TLS to the proxy, then a tunnel with TLS to the origin inside it', async (t) => {
    const origin = await startHttpsServer();
    const proxy = await startProxy({ tls: true });
    const tls = tlsSettingsFrom(certs().caFile);
    const pm = new ProxyManager(proxy.url, { tls });
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    const r = await pm.urlopen('GET', `${origin.url}/in-tls`);
    assert.equal(JSON.parse(text(r)).url, '/in-tls');
    assert.equal(proxy.records[0]?.method, 'CONNECT');
  });

  test('http:// origins are forwarded over TLS to the proxy', async (t) => {
    const origin = await startServer();
    const proxy = await startProxy({ tls: true });
    const pm = new ProxyManager(proxy.url, { tls: tlsSettingsFrom(certs().caFile) });
    t.after(() => Promise.all([pm.close(), proxy.close(), origin.close()]));
    const r = await pm.urlopen('GET', `${origin.url}/plain`);
    assert.equal(JSON.parse(text(r)).url, '/plain');
    assert.equal(proxy.records[0]?.target, `${origin.url}/plain`);
  });

  test('an https:// URL for a proxy that only speaks HTTP says so', async (t) => {
    const proxy = await startProxy();
    const pm = new ProxyManager(proxy.url.replace('http:', 'https:'));
    t.after(() => Promise.all([pm.close(), proxy.close()]));
    await assert.rejects(pm.urlopen('GET', 'http://origin.invalid/', { retries: false }), (err) => {
      assert.ok(err instanceof PoolProxyError, String(err));
      assert.match(err.message, /Your proxy appears to only use HTTP and not HTTPS/);
      return true;
    });
  });
});

describe('proxy URLs', () => {
  test('parts, default ports, decoded credentials, no credentials in `url`', () => {
    const parsed = parseProxyUrl('HTTP://u%40x:p%3Aw@Proxy.Local:3128/');
    // The password is there, but not enumerable: printing a parsed proxy must not show it.
    assert.deepEqual(parsed, {
      scheme: 'http',
      host: 'proxy.local',
      port: 3128,
      username: 'u@x',
      url: 'http://proxy.local:3128',
    });
    assert.equal(parsed.password, 'p:w');
    assert.equal(parseProxyUrl('https://p').port, 443);
    assert.equal(parseProxyUrl('http://p').port, 80);
    assert.equal(parseProxyUrl('socks5h://p').port, 1080);
    assert.equal(parseProxyUrl('http://[::1]:8080').url, 'http://[::1]:8080');
    assert.equal(parseProxyUrl('http://[::1]:8080').host, '::1');
  });

  test('unknown schemes and malformed URLs raise urllib3 / requests messages', () => {
    assert.throws(() => parseProxyUrl('ftp://h:1'), {
      name: 'ProxySchemeUnknown',
      message: 'Proxy URL had unsupported scheme ftp, should use http:// or https://',
    });
    assert.throws(() => parseProxyUrl('localhost:3128'), {
      message: 'Proxy URL had no scheme, should start with http:// or https://',
    });
    assert.throws(() => parseProxyUrl('socks6://h'), ProxySchemeUnknown);
    assert.throws(() => parseProxyUrl('http://'), {
      name: 'LocationParseError',
      message: 'Please check proxy URL. It is malformed and could be missing the host.',
    });
    assert.throws(
      () => parseProxyUrl('http://u:secret@h:99999'),
      (err) => {
        assert.ok(err instanceof LocationParseError);
        assert.ok(!err.message.includes('secret'));
        return true;
      },
    );
    assert.throws(() => new ProxyManager('ftp://h'), ProxySchemeUnknown);
  });
});
