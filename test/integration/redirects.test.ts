import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PreparedRequest, Session, TooManyRedirects } from '../../src/index.js';
import {
  type EchoRecord,
  echo,
  type Handler,
  startServer,
  type TestServer,
} from '../helpers/server.js';

/** /r/CODE?to=LOCATION redirects; /loop redirects to itself; /set-cookie sets one and redirects. */
const redirector: Handler = (req, res, record) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const m = /^\/r\/(\d{3})$/.exec(url.pathname);
  if (m) {
    res.writeHead(Number(m[1]), { Location: url.searchParams.get('to') ?? '/echo' });
    return void res.end('moved');
  }
  if (url.pathname === '/loop') {
    res.writeHead(302, { Location: '/loop' });
    return void res.end();
  }
  if (url.pathname === '/set-cookie') {
    res.writeHead(302, {
      Location: url.searchParams.get('to') ?? '/echo',
      'Set-Cookie': 'hop=1; Path=/',
    });
    return void res.end();
  }
  return echo(req, res, record);
};

function last(server: TestServer): EchoRecord {
  return server.requests[server.requests.length - 1]!;
}

describe('redirects', () => {
  let server: TestServer;
  let other: TestServer;
  let s: Session;
  before(async () => {
    server = await startServer(redirector);
    other = await startServer(redirector, '127.0.0.2');
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
    await other.close();
  });

  const cases: Array<[number, string, string, boolean]> = [
    // code, method, expected method after, body kept
    [301, 'POST', 'GET', false],
    [301, 'PUT', 'PUT', false],
    [302, 'POST', 'GET', false],
    [302, 'HEAD', 'HEAD', false],
    [303, 'PUT', 'GET', false],
    [303, 'HEAD', 'HEAD', false],
    [307, 'POST', 'POST', true],
    [308, 'PATCH', 'PATCH', true],
  ];
  for (const [code, method, expected, kept] of cases) {
    test(`${code} after ${method} -> ${expected}, body ${kept ? 'kept' : 'dropped'}`, async () => {
      const r = await s.request(method, `${server.url}/r/${code}`, {
        data: 'payload',
        allowRedirects: true,
      });
      const seen = last(server);
      assert.equal(seen.method, expected);
      assert.equal(seen.url, '/echo');
      assert.equal(seen.body.toString(), kept && expected !== 'HEAD' ? 'payload' : '');
      if (!kept) assert.equal(seen.headers['content-type'], undefined);
      assert.equal(r.history.length, 1);
      assert.equal(r.history[0]!.statusCode, code);
      assert.equal(r.url, `${server.url}/echo`);
    });
  }

  test('history is in order and relative, scheme-relative and absolute Locations resolve', async () => {
    const to3 = encodeURIComponent(`//127.0.0.1:${server.port}/echo`);
    const to2 = encodeURIComponent(`/r/302?to=${to3}`);
    const r = await s.get(
      `${server.url}/r/301?to=${encodeURIComponent(`${server.url}/r/307?to=${to2}`)}`,
    );
    assert.deepEqual(
      r.history.map((h) => h.statusCode),
      [301, 307, 302],
    );
    assert.equal(r.url, `${server.url}/echo`);
    assert.equal(r.statusCode, 200);
  });

  test('a fragment of the original URL is carried to the target', async () => {
    const r = await s.get(`${server.url}/r/302#frag`);
    assert.equal(r.url, `${server.url}/echo#frag`);
  });

  test('loops end with TooManyRedirects carrying the last response', async () => {
    const local = new Session();
    local.maxRedirects = 5;
    await assert.rejects(local.get(`${server.url}/loop`), (err: unknown) => {
      assert.ok(err instanceof TooManyRedirects);
      assert.equal(err.message, 'Exceeded 5 redirects.');
      assert.equal(err.response?.statusCode, 302);
      return true;
    });
    await local.close();
  });

  test('allowRedirects: false returns the 3xx with next set', async () => {
    const r = await s.get(`${server.url}/r/302`, { allowRedirects: false });
    assert.equal(r.statusCode, 302);
    assert.equal(r.isRedirect, true);
    assert.equal(r.isPermanentRedirect, false);
    assert.equal((r.next as PreparedRequest).url, `${server.url}/echo`);
    const p = await s.head(`${server.url}/r/308`);
    assert.equal(p.statusCode, 308);
    assert.equal(p.isPermanentRedirect, true);
  });

  test('Authorization is kept on the same host and dropped for another host', async () => {
    await s.get(`${server.url}/r/302`, { auth: ['u', 'p'] });
    assert.ok(last(server).headers['authorization']);
    await s.get(`${server.url}/r/302?to=${encodeURIComponent(`${other.url}/echo`)}`, {
      auth: ['u', 'p'],
    });
    assert.equal(last(other).headers['authorization'], undefined);
  });

  test('shouldStripAuth follows requests', () => {
    assert.equal(s.shouldStripAuth('http://a.com/', 'https://a.com/'), false);
    assert.equal(s.shouldStripAuth('http://a.com:80/', 'https://a.com:443/'), false);
    assert.equal(s.shouldStripAuth('http://a.com/', 'https://a.com:8443/'), true);
    assert.equal(s.shouldStripAuth('https://a.com/', 'http://a.com/'), true);
    assert.equal(s.shouldStripAuth('http://a.com:8080/', 'http://a.com:8081/'), true);
    assert.equal(s.shouldStripAuth('http://a.com/', 'http://b.com/'), true);
    assert.equal(s.shouldStripAuth('https://a.com:443/', 'https://a.com/x'), false);
  });

  test('shouldStripAuth compares hosts as written, as requests (no WHATWG IPv4 rewriting)', () => {
    assert.equal(s.shouldStripAuth('http://127.1/', 'http://127.0.0.1/'), true);
    assert.equal(s.shouldStripAuth('http://0x7f.0.0.1/', 'http://127.0.0.1/'), true);
    assert.equal(s.shouldStripAuth('http://example.com/', 'http://EXAMPLE.com:80/'), false);
  });

  test('cookies set during a redirect reach the target and the Session, not another host', async () => {
    const local = new Session();
    await local.get(`${server.url}/set-cookie`);
    assert.equal(last(server).headers['cookie'], 'hop=1');
    assert.equal(local.cookies.get('hop'), '1');
    await local.get(`${server.url}/set-cookie?to=${encodeURIComponent(`${other.url}/echo`)}`);
    assert.equal(last(other).headers['cookie'], undefined);
    await local.close();
  });

  test('redirect responses are drained so their connection is reused', async () => {
    const local = new Session();
    await local.get(`${server.url}/r/302?to=${encodeURIComponent('/r/307?to=/echo')}`);
    const seen = server.requests.slice(-3).map((r) => r.connectionId);
    assert.equal(new Set(seen).size, 1);
    await local.close();
  });
});
