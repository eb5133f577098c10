/**
 * HTTPDigestAuth through a Session against a real node:http server that issues Digest
 * challenges (test/helpers/digest.ts checks the answers independently of src/auth.ts).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { HTTPDigestAuth, Session, UnrewindableBodyError } from '../../src/index.js';
import {
  type DigestOptions,
  type DigestServerExtras,
  startDigestServer,
} from '../helpers/digest.js';
import { startServer } from '../helpers/server.js';

async function withServer(
  t: { after(fn: () => Promise<void>): void },
  options: Partial<DigestOptions> = {},
  extras: DigestServerExtras = {},
) {
  const server = await startDigestServer({ user: 'user', password: 'pass', ...options }, extras);
  const session = new Session();
  t.after(async () => {
    await session.close();
    await server.close();
  });
  return { server, session };
}

describe('Digest authentication against a server', () => {
  const variants: Partial<DigestOptions>[] = [
    { algorithm: null },
    { algorithm: 'MD5', opaque: '5ccc069c403ebaf9f0171e9517f40e41' },
    { algorithm: 'MD5-sess' },
    { algorithm: 'SHA' },
    { algorithm: 'SHA-256', opaque: 'op' },
    { algorithm: 'SHA-512' },
    { algorithm: 'SHA-256', qop: null },
    { algorithm: null, qop: null },
    { algorithm: 'MD5', qop: 'auth,auth-int' },
  ];
  for (const variant of variants) {
    test(`algorithm=${variant.algorithm ?? '(none)'} qop=${variant.qop === undefined ? 'auth' : variant.qop}`, async (t) => {
      const { server, session } = await withServer(t, variant);
      const r = await session.get(`${server.url}/dir/index.html?a=1&b=2`, {
        auth: new HTTPDigestAuth('user', 'pass'),
      });
      assert.equal(r.statusCode, 200);
      assert.equal(r.text, 'ok /dir/index.html?a=1&b=2');
      assert.deepEqual(
        r.history.map((h) => h.statusCode),
        [401],
      );
      assert.equal(server.requests.length, 2);
      assert.match(r.request?.headers.get('authorization') ?? '', /^Digest username="user"/);
    });
  }

  test('the retry reuses the connection of the drained 401', async (t) => {
    const { server, session } = await withServer(t);
    await session.get(server.url, { auth: new HTTPDigestAuth('user', 'pass') });
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]!.connectionId, server.requests[1]!.connectionId);
  });

  test('later requests reuse the nonce with a growing nonce count and no 401', async (t) => {
    const { server, session } = await withServer(t, { algorithm: 'SHA-256' });
    const auth = new HTTPDigestAuth('user', 'pass');
    await session.get(`${server.url}/a`, { auth });
    const r2 = await session.get(`${server.url}/b`, { auth });
    const r3 = await session.get(`${server.url}/c`, { auth });
    assert.deepEqual([r2.history.length, r3.history.length], [0, 0]);
    assert.equal(server.requests.length, 4);
    assert.deepEqual(
      server.checker.seen.map((f) => f['nc']),
      ['00000001', '00000002', '00000003'],
    );
  });

  test('a stale nonce is answered with the new challenge', async (t) => {
    const { server, session } = await withServer(t, { nonceUses: 1 });
    const auth = new HTTPDigestAuth('user', 'pass');
    await session.get(server.url, { auth });
    const r = await session.get(server.url, { auth });
    assert.equal(r.statusCode, 200);
    assert.equal(r.history.length, 1);
    assert.match(r.history[0]!.headers.get('www-authenticate') ?? '', /stale=true/);
    assert.equal(server.requests.length, 4);
  });

  test('a wrong password ends after one retry with the 401', async (t) => {
    const { server, session } = await withServer(t);
    const r = await session.get(server.url, { auth: new HTTPDigestAuth('user', 'wrong') });
    assert.equal(r.statusCode, 401);
    assert.equal(r.history.length, 1);
    assert.equal(server.requests.length, 2);
  });

  test('a POST body is sent again with the credentials', async (t) => {
    const { server, session } = await withServer(t);
    const r = await session.post(server.url, {
      data: { a: '1', b: 'two' },
      auth: new HTTPDigestAuth('user', 'pass'),
    });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(
      server.requests.map((q) => q.body.toString()),
      ['a=1&b=two', 'a=1&b=two'],
    );
  });

  test('a stream body cannot be sent again: UnrewindableBodyError', async (t) => {
    const { server, session } = await withServer(t);
    await assert.rejects(
      session.post(server.url, {
        data: Readable.from([Buffer.from('once')]),
        auth: new HTTPDigestAuth('user', 'pass'),
      }),
      UnrewindableBodyError,
    );
    assert.equal(server.requests.length, 1);
  });

  test('cookies set by the 401 go with the retry and stay in the session', async (t) => {
    const { server, session } = await withServer(
      t,
      {},
      { headers401: { 'Set-Cookie': ['sid=abc; Path=/', 'lang=en'] } },
    );
    const r = await session.get(`${server.url}/x`, { auth: new HTTPDigestAuth('user', 'pass') });
    assert.equal(r.statusCode, 200);
    assert.equal(server.requests[0]!.headers.cookie, undefined);
    assert.equal(server.requests[1]!.headers.cookie, 'sid=abc; lang=en');
    assert.deepEqual(session.cookies.toJSON(), { sid: 'abc', lang: 'en' });
  });

  test('a redirect to another protected path is authenticated again', async (t) => {
    const onOk = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/start') res.writeHead(302, { Location: '/end' }).end();
      else res.end(`ok ${req.url}`);
    };
    const { server, session } = await withServer(t, {}, { onOk });
    const r = await session.get(`${server.url}/start`, {
      auth: new HTTPDigestAuth('user', 'pass'),
    });
    assert.equal(r.statusCode, 200);
    assert.equal(r.text, 'ok /end');
    assert.deepEqual(
      server.requests.map((q) => q.url),
      ['/start', '/start', '/end', '/end'],
    );
  });

  test('a 401 without a Digest challenge is returned untouched', async (t) => {
    const server = await startServer((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' });
      res.end();
    });
    const session = new Session();
    t.after(async () => {
      await session.close();
      await server.close();
    });
    const r = await session.get(server.url, { auth: new HTTPDigestAuth('user', 'pass') });
    assert.equal(r.statusCode, 401);
    assert.equal(server.requests.length, 1);
  });
});
