/**
 * A read timeout is always ReadTimeout and Timeout; where requests raises ConnectionError (a
 * stall while the body is read, with or without stream; a read timeout after the retries ran
 * out) it is a ConnectionError too (shared/API.md, Errors; issue 11 item 5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ConnectionError,
  HTTPAdapter,
  ReadTimeout,
  Retry,
  Session,
  Timeout,
} from '../../src/index.js';
import { type RawPeer, startRawPeer } from '../helpers/server.js';

describe('read timeouts are caught by both idioms', () => {
  let stallHeaders: RawPeer;
  let stallBody: RawPeer;
  let s: Session;
  before(async () => {
    stallHeaders = await startRawPeer(() => {});
    stallBody = await startRawPeer((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    });
    s = new Session();
    s.trustEnv = false;
  });
  after(async () => {
    await s.close();
    await Promise.all([stallHeaders.close(), stallBody.close()]);
  });

  const fail = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('no error'),
      (e: unknown) => e,
    );

  test('waiting for headers: ReadTimeout and Timeout, not ConnectionError (as requests)', async () => {
    const err = await fail(s.get(stallHeaders.url, { timeout: [1_000, 100] }));
    assert.ok(err instanceof ReadTimeout && err instanceof Timeout);
    assert.ok(!(err instanceof ConnectionError));
    assert.equal((err as ReadTimeout).code, 'ERR_READ_TIMEOUT');
  });

  test('a stall mid-body: also a ConnectionError, read whole or streamed', async () => {
    const whole = await fail(s.get(stallBody.url, { timeout: [1_000, 100] }));
    const r = await s.get(stallBody.url, { timeout: [1_000, 100], stream: true });
    const streamed = await fail(r.read());
    for (const err of [whole, streamed]) {
      assert.ok(err instanceof ReadTimeout, String(err));
      assert.ok(err instanceof Timeout);
      assert.ok(err instanceof ConnectionError);
      assert.equal((err as ReadTimeout).name, 'ReadTimeout');
      assert.equal((err as ReadTimeout).code, 'ERR_READ_TIMEOUT');
    }
  });

  test('after the read retries ran out: also a ConnectionError', async () => {
    const retrying = new Session();
    retrying.trustEnv = false;
    retrying.mount('http://', new HTTPAdapter({ maxRetries: new Retry({ total: 1 }) }));
    try {
      const err = await fail(retrying.get(stallHeaders.url, { timeout: [1_000, 100] }));
      assert.ok(err instanceof ReadTimeout && err instanceof Timeout, String(err));
      assert.ok(err instanceof ConnectionError);
    } finally {
      await retrying.close();
    }
  });
});
