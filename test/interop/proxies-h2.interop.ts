/**
 * http2 through a CONNECT tunnel (API.md: h2 "also inside CONNECT tunnels"): nginx behind squid and
 * tinyproxy answers over h2.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { withProxies, world } from './proxies-pending.js';

withProxies();

describe('h2 behind a proxy', () => {
  test('ALPN inside the tunnel picks h2', async () => {
    for (const p of world.proxies) {
      const s = new Session();
      s.mount('https://', new HTTPAdapter({ http2: true }));
      try {
        const r = await s.get(`https://localhost:${world.nginx?.ports.tls13}/hello.txt`, {
          proxies: { https: p.url },
          verify: certs().caFile,
        });
        assert.equal(r.statusCode, 200);
        assert.equal(r.raw?.version, 20, `h2 through ${p.name}`);
      } finally {
        s.close();
      }
    }
  });
});
