/**
 * Cookies across requests through a Session against a real node:http server: Set-Cookie is kept
 * and sent back, per-request cookies are sent once, redirects carry cookies.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestsCookieJar, Session } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** `/set?k=v&...` answers with one Set-Cookie per pair; `/redirect?to=...` sets r=1 and redirects. */
async function cookieServer(t: { after(fn: () => Promise<void>): void }) {
  const server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/set') {
      res.setHeader(
        'Set-Cookie',
        [...url.searchParams].map(([k, v]) => `${k}=${v}`),
      );
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, {
        Location: url.searchParams.get('to') ?? '/',
        'Set-Cookie': 'r=1; Path=/',
      });
      return void res.end();
    }
    res.end(req.headers.cookie ?? '');
  });
  const session = new Session();
  t.after(async () => {
    await session.close();
    await server.close();
  });
  return { server, session };
}

function sentCookies(server: TestServer): (string | undefined)[] {
  return server.requests.map((r) => r.headers.cookie);
}

describe('cookies across requests', () => {
  test('Set-Cookie is kept by the session and sent back', async (t) => {
    const { server, session } = await cookieServer(t);
    const r1 = await session.get(`${server.url}/set?a=1&b=2`);
    assert.deepEqual(r1.cookies.toJSON(), { a: '1', b: '2' });
    const r2 = await session.get(`${server.url}/echo`);
    assert.equal(r2.text, 'a=1; b=2');
    assert.deepEqual(session.cookies.toJSON(), { a: '1', b: '2' });
  });

  test('a later Set-Cookie replaces the value', async (t) => {
    const { server, session } = await cookieServer(t);
    await session.get(`${server.url}/set?a=1`);
    await session.get(`${server.url}/set?a=2`);
    assert.equal((await session.get(`${server.url}/echo`)).text, 'a=2');
  });

  test('per-request cookies are sent once and override the session, not stored', async (t) => {
    const { server, session } = await cookieServer(t);
    session.cookies.set('a', 'session');
    const r = await session.get(`${server.url}/echo`, { cookies: { a: 'request', b: 'x' } });
    assert.equal(r.text, 'a=request; b=x');
    assert.equal((await session.get(`${server.url}/echo`)).text, 'a=session');
    assert.deepEqual(session.cookies.toJSON(), { a: 'session' });
  });

  test('a jar as per-request cookies', async (t) => {
    const { server, session } = await cookieServer(t);
    const jar = new RequestsCookieJar();
    jar.set('j', '1');
    assert.equal((await session.get(`${server.url}/echo`, { cookies: jar })).text, 'j=1');
  });

  test('a cookie set by hand without a domain goes to 127.0.0.1', async (t) => {
    const { server, session } = await cookieServer(t);
    session.cookies.set('manual', 'yes');
    session.cookies.set('elsewhere', 'no', { domain: 'example.org' });
    session.cookies.set('deep', 'no', { path: '/deep' });
    assert.equal((await session.get(`${server.url}/echo`)).text, 'manual=yes');
  });

  test('a cookie set on a redirect is sent to its target', async (t) => {
    const { server, session } = await cookieServer(t);
    const r = await session.get(`${server.url}/redirect?to=/echo`);
    assert.equal(r.text, 'r=1');
    assert.deepEqual(sentCookies(server), [undefined, 'r=1']);
    assert.deepEqual(session.cookies.toJSON(), { r: '1' });
  });

  test('Secure cookies from http are not sent back over http', async (t) => {
    const server = await startServer((req, res) => {
      if (req.url === '/set') res.setHeader('Set-Cookie', ['s=1; Secure', 'p=2']);
      res.end(req.headers.cookie ?? '');
    });
    const session = new Session();
    t.after(async () => {
      await session.close();
      await server.close();
    });
    await session.get(`${server.url}/set`);
    assert.equal((await session.get(`${server.url}/echo`)).text, 'p=2');
    assert.deepEqual(session.cookies.toJSON(), { s: '1', p: '2' });
  });

  test('path rules apply to cookies from the server', async (t) => {
    const server = await startServer((req, res) => {
      if (req.url === '/app/login')
        res.setHeader('Set-Cookie', ['dflt=1', 'root=2; Path=/', 'other=3; Path=/other']);
      res.end(req.headers.cookie ?? '');
    });
    const session = new Session();
    t.after(async () => {
      await session.close();
      await server.close();
    });
    await session.get(`${server.url}/app/login`);
    assert.equal((await session.get(`${server.url}/app/page`)).text, 'dflt=1; root=2');
    assert.equal((await session.get(`${server.url}/`)).text, 'root=2');
    assert.equal((await session.get(`${server.url}/other/x`)).text, 'other=3; root=2');
  });
});
