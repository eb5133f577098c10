/**
 * Nothing prints a secret (issue 11 item 1): util.inspect at any depth, JSON.stringify and
 * String() of Response, Request, PreparedRequest, Session, HTTPAdapter, pool manager, proxy
 * managers and errors never show a URL password nor an Authorization / Proxy-Authorization /
 * Cookie value, after real requests through an authenticated HTTP proxy and SOCKS proxy.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { type HTTPAdapter, Request, RequestException, Session } from '../../src/index.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';
import { startSocksServer, type TestSocksServer } from '../helpers/socks.js';

const SECRETS = ['proxysecret', 'sockssecret', 'urlsecret', 'tokensecret', 'cookiesecret'];
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ENCODED = [b64('puser:proxysecret'), b64('u:urlsecret'), b64('suser:sockssecret')];

/** Every printed and serialised form of `value` that a log pipeline may produce. */
function forms(value: unknown, json = true): string[] {
  const out = [
    inspect(value),
    inspect(value, { depth: Number.POSITIVE_INFINITY }),
    inspect(value, { depth: 0 }),
    String(value),
  ];
  if (!json) return out;
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch (e) {
    out.push(String((e as Error).message));
  }
  return out;
}

function assertNoSecret(label: string, value: unknown, json = true): void {
  for (const text of forms(value, json)) {
    for (const secret of [...SECRETS, ...ENCODED]) {
      assert.ok(!text.includes(secret), `${label} shows ${secret}:\n${text.slice(0, 2000)}`);
    }
  }
}

describe('nothing prints a secret', () => {
  let origin: TestServer;
  let proxy: TestProxy;
  let socks: TestSocksServer;
  let s: Session;
  before(async () => {
    origin = await startServer();
    proxy = await startProxy({ auth: ['puser', 'proxysecret'] });
    socks = await startSocksServer({ auth: ['suser', 'sockssecret'] });
    s = new Session();
    s.trustEnv = false;
    s.headers.set('Authorization', 'Bearer tokensecret');
    s.cookies.set('sid', 'cookiesecret');
    s.auth = ['u', 'urlsecret'];
  });
  after(async () => {
    await s.close();
    await Promise.all([origin.close(), proxy.close(), socks.close()]);
  });

  const viaHttp = () => ({ http: proxy.authUrl });
  const viaSocks = () => ({ http: socks.url('socks5h') });

  test('a Response, its request, the Session and the adapter after proxied calls', async () => {
    const url = origin.url.replace('://', '://u:urlsecret@');
    const r1 = await s.get(`${url}/a`, {
      proxies: viaHttp(),
      headers: { Cookie: 'x=cookiesecret' },
    });
    const r2 = await s.get(`${origin.url}/b`, { proxies: viaSocks() });
    assert.equal(r1.statusCode, 200);
    assert.equal(r2.statusCode, 200);
    const adapter = s.getAdapter('http://x/') as HTTPAdapter;
    assert.equal(adapter.proxyManager.size, 2, 'both proxies were used');
    for (const [label, value] of Object.entries({
      r1,
      r2,
      request: r1.request,
      session: s,
      adapter,
      poolManager: adapter.poolManager,
      proxyManagers: adapter.proxyManager,
      oneProxyManager: [...adapter.proxyManager.values()][0],
      headers: r1.request!.headers,
      unprepared: new Request({ method: 'GET', url, headers: { Authorization: 'tokensecret' } }),
    })) {
      assertNoSecret(label, value);
    }
    // The jar's toJSON is `dict(jar)` by contract (shared/API.md); its printed forms are redacted.
    assertNoSecret('cookies', s.cookies, false);
  });

  test('the short forms say what the object is', async () => {
    const r = await s.get(`${origin.url}/path?q=1`);
    assert.match(inspect(r), /^<Response \[200\] GET http:\/\/127\.0\.0\.1:\d+\/path\?q=1>/);
    assert.match(inspect(r.headers), /^CaseInsensitiveDict\(\d+\) \{.*=>/s);
    assert.match(inspect(r.request!.headers), /Authorization' => '\[redacted\]'/);
    assert.match(inspect(s), /^<Session> \{/);
    assert.ok(inspect(r).split('\n').length < 25, inspect(r));
    assert.equal(String(r), '<Response [200]>');
    const json = JSON.parse(JSON.stringify(r));
    assert.equal(json.statusCode, 200);
    assert.equal(json.url, `${origin.url}/path?q=1`);
  });

  test('errors through a proxy: inspect, JSON, String and the stack', async () => {
    const port = await closedPort();
    const dead = { http: `http://puser:proxysecret@127.0.0.1:${port}` };
    const err = await s
      .get(`${origin.url.replace('://', '://u:urlsecret@')}/c`, { proxies: dead })
      .then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof RequestException);
    assert.equal(typeof err.code, 'string');
    assertNoSecret('error', err);
    assertNoSecret('error.stack', err.stack);
    assertNoSecret('error.cause', err.cause);
    const json = JSON.parse(JSON.stringify(err));
    assert.equal(json.code, err.code);
    assert.equal(json.method, 'GET');
    assert.ok(json.url.endsWith('/c') && !json.url.includes('@'), json.url);
  });

  test('an uncaught error prints its message, code, request line and cause, in few lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uncaught-'));
    try {
      const file = join(dir, 'main.mts');
      const index = new URL('../../src/index.ts', import.meta.url).href;
      writeFileSync(
        file,
        `import { Session } from ${JSON.stringify(index)};
const s = new Session(); s.trustEnv = false;
s.headers.set('Authorization', 'Bearer tokensecret');
await s.get('http://u:urlsecret@127.0.0.1:${process.env.NEVER_PORT ?? 9}/x', {
  proxies: { http: 'http://puser:proxysecret@127.0.0.1:9' }, timeout: 2_000 });`,
      );
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
        encoding: 'utf8',
        timeout: 120_000, // only a hang reaches it: tsx start-up alone took 10 s under CI load
      });
      assert.notEqual(run.status, 0);
      const text = run.stderr;
      for (const secret of SECRETS) assert.ok(!text.includes(secret), text);
      assert.match(text, /ProxyError|ConnectionError/);
      assert.match(text, /request: GET http:\/\/127\.0\.0\.1:9\/x/);
      assert.match(text, /code: 'ERR_/);
      assert.match(text, /\[cause\]/);
      assert.ok(text.split('\n').length < 60, `${text.split('\n').length} lines:\n${text}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
