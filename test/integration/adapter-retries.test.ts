import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  ConnectionError,
  ConnectTimeout,
  HTTPAdapter,
  ReadTimeout,
  Retry,
  RetryError,
  Session,
  UnrewindableBodyError,
} from '../../src/index.js';
import { closedPort, startRawPeer, startServer, type TestServer } from '../helpers/server.js';

function sessionWith(retries: number | Retry): Session {
  const s = new Session();
  const adapter = new HTTPAdapter({ maxRetries: retries });
  s.mount('http://', adapter);
  return s;
}

describe('HTTPAdapter maxRetries through a Session', () => {
  let flaky: TestServer;
  let failuresLeft = 0;
  before(async () => {
    flaky = await startServer((_req, res) => {
      if (failuresLeft-- > 0) {
        res.writeHead(503, { 'Retry-After': '0' });
        return void res.end('busy');
      }
      res.end('ok');
    });
  });
  after(() => flaky.close());

  test('a number n retries n times on the status forcelist, then succeeds', async () => {
    failuresLeft = 2;
    const before = flaky.requests.length;
    const s = sessionWith(new Retry({ total: 3, statusForcelist: [503] }));
    const r = await s.get(flaky.url);
    assert.equal(r.statusCode, 200);
    assert.equal(r.text, 'ok');
    assert.equal(flaky.requests.length - before, 3);
    await s.close();
  });

  test('exhausted status retries raise RetryError naming the status', async () => {
    failuresLeft = 10;
    const s = sessionWith(new Retry({ total: 2, statusForcelist: [503] }));
    await assert.rejects(s.get(`${flaky.url}/x`), (err: unknown) => {
      assert.ok(err instanceof RetryError, String(err));
      assert.match((err as Error).message, /too many 503 error responses/);
      return true;
    });
    await s.close();
  });

  test('with raiseOnStatus false the last response is returned', async () => {
    failuresLeft = 10;
    const s = sessionWith(new Retry({ total: 1, statusForcelist: [503], raiseOnStatus: false }));
    const r = await s.get(flaky.url);
    assert.equal(r.statusCode, 503);
    assert.equal(r.text, 'busy');
    await s.close();
  });

  test('POST is not retried on 503 unless allowedMethods allows it', async () => {
    failuresLeft = 1;
    let s = sessionWith(new Retry({ total: 3, statusForcelist: [503], raiseOnStatus: false }));
    let r = await s.post(flaky.url, { data: 'x' });
    assert.equal(r.statusCode, 503);
    await s.close();
    failuresLeft = 1;
    s = sessionWith(new Retry({ total: 3, statusForcelist: [503], allowedMethods: null }));
    r = await s.post(flaky.url, { data: 'x' });
    assert.equal(r.statusCode, 200);
    assert.equal(flaky.requests.at(-1)!.body.toString(), 'x');
    await s.close();
  });
});

describe('connection errors and retries', () => {
  test('connect retries against a refused port end in ConnectionError', async () => {
    const port = await closedPort();
    const s = sessionWith(3);
    await assert.rejects(s.get(`http://127.0.0.1:${port}/`), (err: unknown) => {
      assert.ok(err instanceof ConnectionError);
      assert.ok(!(err instanceof ConnectTimeout));
      assert.match((err as Error).message, /Max retries exceeded/);
      return true;
    });
    await s.close();
  });

  test('the default (no retries) surfaces a read timeout as ReadTimeout', async () => {
    const peer = await startRawPeer(() => {});
    const s = new Session();
    await assert.rejects(s.get(peer.url, { timeout: [1_000, 100] }), ReadTimeout);
    await s.close();
    await peer.close();
  });

  test('a one-shot stream body is never sent twice', async () => {
    let seen = 0;
    const peer = await startRawPeer((socket) => {
      socket.once('data', () => {
        seen++;
        socket.destroy();
      });
    });
    const s = sessionWith(new Retry({ total: 3, allowedMethods: null }));
    const body = Readable.from([Buffer.from('once')]);
    await assert.rejects(s.post(peer.url, { data: body }), UnrewindableBodyError);
    assert.equal(seen, 1);
    await s.close();
    await peer.close();
  });
});
