/**
 * squid and tinyproxy in front of nginx: absolute-form requests, CONNECT tunnels (one reused for
 * several requests), basic proxy auth (squid's password holds '@' and ':'), 407 with and without
 * credentials as Python requests sees it, proxies from the environment, and the credentials never
 * reaching nginx's log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { curl, python } from './daemons.js';
import { HELLO, type Nginx, startNginx } from './nginx-server.js';
import { PROXY_USER, type RealProxy, startSquid, startTinyproxy } from './proxy-servers.js';

let nginx: Nginx;
let proxies: RealProxy[] = [];

before(async () => {
  nginx = await startNginx();
  proxies = [await startSquid(), await startTinyproxy()];
});
after(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await nginx?.stop();
});

const httpUrl = () => `http://127.0.0.1:${nginx.ports.http}/hello.txt`;
const httpsUrl = () => `https://localhost:${nginx.ports.tls13}/hello.txt`;

/** Polls `check` up to 30 times, 100 ms apart (squid logs a tunnel when it closes). */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function assertNoCredentialsIn(log: string, p: RealProxy): void {
  assert.ok(!log.includes(p.password), "the password is not in nginx's log");
  assert.ok(!log.includes(encodeURIComponent(p.password)), 'nor percent-encoded');
  const basic = Buffer.from(`${PROXY_USER}:${p.password}`).toString('base64');
  assert.ok(!log.includes(basic), 'nor as a Basic token');
}

for (const name of ['squid', 'tinyproxy'] as const) {
  const proxy = () => proxies.find((p) => p.name === name) as RealProxy;

  describe(`${name} in front of nginx`, () => {
    test('absolute-form GET with basic proxy auth; nginx never sees the credentials', async () => {
      const p = proxy();
      const s = new Session();
      try {
        const r = await s.get(httpUrl(), { proxies: { http: p.url } });
        assert.equal(r.statusCode, 200);
        assert.equal(r.text, HELLO);
        assert.match(
          p.log(),
          new RegExp(`GET http://127\\.0\\.0\\.1:${nginx.ports.http}/hello\\.txt`),
        );
        assertNoCredentialsIn(nginx.accessLog(), p);
      } finally {
        s.close();
      }
    });

    test('407 without credentials and with wrong ones, as Python requests gets it', async () => {
      const p = proxy();
      const wrong = p.url.replace(encodeURIComponent(p.password), 'nope');
      const py = python(
        `import requests\nfor v in ['${p.bare}', '${wrong}']: print(requests.get('${httpUrl()}', proxies={'http': v}).status_code)`,
      );
      const expected = py.trim().split('\n').map(Number);
      assert.equal(expected[0], 407, 'requests sees 407 without credentials');
      // Wrong credentials: squid says 407 again; tinyproxy says 401 (requests and curl agree).
      const wire = curl(['-o', '/dev/null', '-w', '%{http_code}', '-x', wrong, httpUrl()]);
      assert.equal(Number(wire), expected[1]);
      const s = new Session();
      try {
        const seen: number[] = [];
        for (const via of [p.bare, wrong])
          seen.push((await s.get(httpUrl(), { proxies: { http: via } })).statusCode);
        assert.deepEqual(seen, expected);
      } finally {
        s.close();
      }
    });

    test('CONNECT with credentials: one tunnel carries several https requests', async () => {
      const p = proxy();
      const count = () =>
        (p.log().match(new RegExp(`CONNECT localhost:${nginx.ports.tls13}`, 'g')) ?? []).length;
      const before = count();
      const s = new Session();
      try {
        for (let i = 0; i < 3; i++) {
          const r = await s.get(httpsUrl(), { proxies: { https: p.url }, verify: certs().caFile });
          assert.equal(r.text, HELLO);
        }
      } finally {
        s.close();
      }
      assert.ok(await eventually(() => count() > before), 'the proxy logged the tunnel');
      assert.equal(count() - before, 1, 'one CONNECT for three requests');
      assertNoCredentialsIn(nginx.accessLog(), p);
    });

    test('proxies from HTTP_PROXY and HTTPS_PROXY, read when the request is made', async () => {
      const p = proxy();
      const saved = { http: process.env.HTTP_PROXY, https: process.env.HTTPS_PROXY };
      const s = new Session();
      const logged = p.log().length;
      try {
        process.env.HTTP_PROXY = p.url;
        process.env.HTTPS_PROXY = p.url;
        assert.equal((await s.get(httpUrl())).statusCode, 200);
        assert.equal((await s.get(httpsUrl(), { verify: certs().caFile })).statusCode, 200);
        assert.match(p.log().slice(logged), /GET http:\/\/127\.0\.0\.1/);
      } finally {
        s.close();
        for (const [k, v] of [
          ['HTTP_PROXY', saved.http],
          ['HTTPS_PROXY', saved.https],
        ] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
      assert.ok(
        await eventually(() => /CONNECT localhost/.test(p.log().slice(logged))),
        'https went through CONNECT',
      );
    });
  });
}
