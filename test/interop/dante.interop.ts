/**
 * dante: socks5 (names resolved here) and socks5h (names the proxy resolves: a name only dante's
 * namespace knows), username/password auth, TLS to nginx through the tunnel; curl agrees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import requests, { ConnectionError } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { curl } from './daemons.js';
import {
  type Dante,
  PROXY_ONLY_NAME,
  SOCKS_PASSWORD,
  SOCKS_USER,
  startDante,
} from './dante-server.js';
import { HELLO, type Nginx, startNginx } from './nginx-server.js';

let nginx: Nginx;
let dante: Dante;

before(async () => {
  nginx = await startNginx();
  dante = await startDante();
});
after(async () => {
  await dante?.stop();
  await nginx?.stop();
});

describe('dante', () => {
  test('socks5 and socks5h to nginx over http', async () => {
    for (const scheme of ['socks5', 'socks5h']) {
      const via = `${scheme}://127.0.0.1:${dante.open}`;
      const r = await requests.get(`http://127.0.0.1:${nginx.ports.http}/hello.txt`, {
        proxies: { http: via },
      });
      assert.equal(r.text, HELLO, scheme);
    }
  });

  test('socks5h hands the name to the proxy; socks5 cannot resolve it here', async () => {
    const target = `http://${PROXY_ONLY_NAME}:${nginx.ports.http}/hello.txt`;
    const r = await requests.get(target, {
      proxies: { http: `socks5h://127.0.0.1:${dante.open}` },
    });
    assert.equal(r.text, HELLO);
    assert.equal(
      curl(['--socks5-hostname', `127.0.0.1:${dante.open}`, target]),
      HELLO,
      'curl agrees',
    );
    await assert.rejects(
      requests.get(target, { proxies: { http: `socks5://127.0.0.1:${dante.open}` } }),
      ConnectionError,
    );
  });

  test('username/password auth; wrong password is a ConnectionError', async () => {
    const creds = `${SOCKS_USER}:${encodeURIComponent(SOCKS_PASSWORD)}`;
    const ok = await requests.get(`http://127.0.0.1:${nginx.ports.http}/hello.txt`, {
      proxies: { http: `socks5h://${creds}@127.0.0.1:${dante.authed}` },
    });
    assert.equal(ok.text, HELLO);
    await assert.rejects(
      requests.get(`http://127.0.0.1:${nginx.ports.http}/hello.txt`, {
        proxies: { http: `socks5h://${SOCKS_USER}:nope@127.0.0.1:${dante.authed}` },
      }),
      ConnectionError,
    );
  });

  test('TLS to nginx through the SOCKS tunnel, verified', async () => {
    const r = await requests.get(`https://localhost:${nginx.ports.tls13}/hello.txt`, {
      proxies: { https: `socks5h://127.0.0.1:${dante.open}` },
      verify: certs().caFile,
    });
    assert.equal(r.headers.get('x-tls'), 'TLSv1.3');
    assert.equal(r.text, HELLO);
  });
});
