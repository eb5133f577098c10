/**
 * CONNECT answered with 407 (no credentials, wrong ones): a ProxyError saying the tunnel failed
 * with 407 Proxy Authentication Required, as requests ("Tunnel connection failed: 407 ...").
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import requests, { ProxyError } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { python } from './daemons.js';
import { withProxies, world } from './proxies-pending.js';

withProxies();

describe('CONNECT refused with 407', () => {
  test('without and with wrong credentials: ProxyError naming the 407, as requests', async () => {
    for (const p of world.proxies) {
      const target = `https://localhost:${world.nginx?.ports.tls13}/hello.txt`;
      const wrong = p.url.replace(encodeURIComponent(p.password), 'nope');
      const py = python(
        `import requests\ntry: requests.get('${target}', proxies={'https': '${p.bare}'}, verify=False)\nexcept requests.exceptions.ProxyError as e: print('ProxyError', e)`,
      );
      assert.match(py, /ProxyError.*407/);
      for (const via of [p.bare, wrong]) {
        await assert.rejects(
          requests.get(target, { proxies: { https: via }, verify: certs().caFile }),
          (err: unknown) =>
            err instanceof ProxyError &&
            // tinyproxy answers wrong credentials with 401, squid with 407: the proxy's own words.
            /Tunnel connection failed: (407 Proxy Authentication Required|401 Unauthorized)/i.test(
              err.message,
            ),
          `${p.name} via ${via.replace(/nope/, '***')}`,
        );
      }
    }
  });
});
