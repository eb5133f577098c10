/**
 * h2 through proxies (issue 13): ALPN inside CONNECT tunnels and SOCKS, with the target's TLS
 * settings; many requests share the one tunnel.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { startH2Server } from '../helpers/h2-server.js';
import { startProxy } from '../helpers/proxy.js';
import { startSocksServer } from '../helpers/socks.js';

describe('HTTP/2 through proxies', () => {
  test('CONNECT tunnel: h2-only server, 16 concurrent requests over one tunnel', async () => {
    const srv = await startH2Server();
    const proxy = await startProxy();
    const s = new Session();
    s.mount('https://', new HTTPAdapter({ http2: true, poolMaxsize: 1 }));
    try {
      const all = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          s.post(`${srv.url}/t`, {
            data: `t${i}`,
            proxies: { https: proxy.url },
            verify: certs().caFile,
          }),
        ),
      );
      for (const [i, r] of all.entries()) {
        assert.equal(r.text, `t${i}`);
        assert.equal(r.raw?.version, 20);
      }
      assert.equal(srv.sessions(), 1);
      assert.equal(proxy.records.filter((r) => r.method === 'CONNECT').length, 1);
    } finally {
      s.close();
      await proxy.close();
      await srv.close();
    }
  });

  test('SOCKS5: h2 inside the tunnel', async () => {
    const srv = await startH2Server();
    const socks = await startSocksServer();
    const s = new Session();
    s.mount('https://', new HTTPAdapter({ http2: true }));
    try {
      const all = await Promise.all(
        Array.from({ length: 8 }, () =>
          s.get(`${srv.url}/s`, {
            proxies: { https: socks.url('socks5h') },
            verify: certs().caFile,
          }),
        ),
      );
      for (const r of all) assert.equal(r.raw?.version, 20);
      assert.equal(srv.sessions(), 1);
      assert.equal(socks.records.length, 1);
    } finally {
      s.close();
      await socks.close();
      await srv.close();
    }
  });
});
