/**
 * The pool's retry loop on statuses: forcelist, backoff and Retry-After observed through an
 * injected clock, raiseOnStatus, history; against real servers on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  MaxRetryError,
  PoolInvalidHeader,
  ProtocolError,
  ResponseError,
} from '../../src/_internal/pool-errors.js';
import { PoolManager } from '../../src/pool/pool-manager.js';
import { Retry } from '../../src/retry.js';
import { fakeClock } from '../helpers/retry-clock.js';
import {
  dropConnection,
  failing,
  open,
  rejection,
  status,
  withServer,
} from '../helpers/retry-servers.js';
import { type Handler, startServer, type TestServer } from '../helpers/server.js';

describe('retry loop: statuses', () => {
  test('status forcelist with backoff seen through the injected clock', async () => {
    await withServer(failing(3, status(503)), async (server, pm) => {
      const clock = fakeClock();
      const retries = new Retry({ total: 5, statusForcelist: [503], backoffFactor: 100, clock });
      const r = await open(pm, 'GET', `${server.url}/busy`, retries);
      assert.equal(r.status, 200);
      assert.equal(server.requests.length, 4);
      // No wait after the first failure, then factor * 2^(n-1).
      assert.deepEqual(clock.sleeps, [200, 400]);
      assert.deepEqual(
        r.retries?.history.map((h) => h.status),
        [503, 503, 503],
      );
    });
  });

  test('Retry-After in seconds is waited on a 429 without any forcelist', async () => {
    await withServer(failing(1, status(429, { 'Retry-After': '2' })), async (server, pm) => {
      const clock = fakeClock();
      const r = await open(pm, 'GET', `${server.url}/limited`, new Retry({ total: 2, clock }));
      assert.equal(r.status, 200);
      assert.equal(server.requests.length, 2);
      assert.deepEqual(clock.sleeps, [2000]);
    });
  });

  test('Retry-After as an HTTP date is measured against the injected clock', async () => {
    const clock = fakeClock(Date.UTC(2024, 0, 1, 12, 0, 0));
    const date = new Date(clock.now() + 5000).toUTCString();
    await withServer(failing(1, status(503, { 'Retry-After': date })), async (server, pm) => {
      const r = await open(pm, 'GET', `${server.url}/later`, new Retry({ total: 2, clock }));
      assert.equal(r.status, 200);
      assert.deepEqual(clock.sleeps, [5000]);
    });
  });

  test('POST gets no retry on 503 with the default methods: the 503 is returned', async () => {
    await withServer(failing(1, status(503)), async (server, pm) => {
      const retries = new Retry({ total: 3, statusForcelist: [503] });
      const r = await open(pm, 'POST', `${server.url}/p`, retries, { body: 'b' });
      assert.equal(r.status, 503);
      assert.equal(server.requests.length, 1);
    });
  });

  test('POST is retried on 503 when allowedMethods is null or includes POST', async () => {
    for (const allowedMethods of [null, ['POST']]) {
      await withServer(failing(1, status(503)), async (server, pm) => {
        const retries = new Retry({ total: 3, statusForcelist: [503], allowedMethods });
        const r = await open(pm, 'POST', `${server.url}/p`, retries, { body: 'b' });
        assert.equal(r.status, 200);
        assert.deepEqual(
          server.requests.map((q) => q.body.toString()),
          ['b', 'b'],
        );
      });
    }
  });

  test('raiseOnStatus false returns the last response when status retries run out', async () => {
    await withServer(status(500), async (server, pm) => {
      const retries = new Retry({ total: 2, statusForcelist: [500], raiseOnStatus: false });
      const r = await open(pm, 'GET', `${server.url}/broken`, retries);
      assert.equal(r.status, 500);
      assert.equal(server.requests.length, 3);
    });
  });

  test('raiseOnStatus true: MaxRetryError with ResponseError "too many 500 error responses"', async () => {
    await withServer(status(500), async (server, pm) => {
      const retries = new Retry({ total: 1, statusForcelist: [500] });
      const err = await rejection(open(pm, 'GET', `${server.url}/broken`, retries));
      assert.ok(err instanceof MaxRetryError, String(err));
      assert.ok(err.reason instanceof ResponseError);
      assert.equal(err.reason.message, 'too many 500 error responses');
      assert.equal(server.requests.length, 2);
    });
  });
});

describe('retry loop: Retry-After details and history', () => {
  test('a connection error then a 503 then 200: both in the history, in order', async () => {
    let seen = 0;
    const handler: Handler = (req, res, record) => {
      seen++;
      if (seen === 1) return dropConnection(req, res, record);
      if (seen === 2) return status(503)(req, res, record);
      res.end('ok');
    };
    await withServer(handler, async (server, pm) => {
      const retries = new Retry({ total: 3, statusForcelist: [503] });
      const r = await open(pm, 'GET', `${server.url}/mixed`, retries);
      assert.equal(r.status, 200);
      const history = r.retries?.history ?? [];
      assert.equal(history.length, 2);
      assert.ok(history[0]?.error instanceof ProtocolError);
      assert.equal(history[0]?.status, null);
      assert.equal(history[1]?.error, null);
      assert.equal(history[1]?.status, 503);
      assert.equal(history[1]?.method, 'GET');
      assert.equal(history[1]?.url, `${server.url}/mixed`);
    });
  });

  test('Retry-After is capped at retryAfterMax', async () => {
    await withServer(failing(1, status(503, { 'Retry-After': '3600' })), async (server, pm) => {
      const clock = fakeClock();
      const retries = new Retry({ total: 2, clock, retryAfterMax: 1000 });
      assert.equal((await open(pm, 'GET', `${server.url}/cap`, retries)).status, 200);
      assert.deepEqual(clock.sleeps, [1000]);
    });
  });

  test('respectRetryAfterHeader false: a forced retry backs off instead', async () => {
    await withServer(failing(2, status(503, { 'Retry-After': '60' })), async (server, pm) => {
      const clock = fakeClock();
      const retries = new Retry({
        total: 3,
        statusForcelist: [503],
        respectRetryAfterHeader: false,
        backoffFactor: 50,
        clock,
      });
      assert.equal((await open(pm, 'GET', `${server.url}/x`, retries)).status, 200);
      assert.deepEqual(clock.sleeps, [100]);
    });
  });

  test('an invalid Retry-After on a retried status fails with InvalidHeader', async () => {
    await withServer(status(503, { 'Retry-After': 'soon' }), async (server, pm) => {
      const retries = new Retry({ total: 3, statusForcelist: [503], clock: fakeClock() });
      const err = await rejection(open(pm, 'GET', `${server.url}/bad`, retries));
      assert.ok(err instanceof PoolInvalidHeader, String(err));
      assert.equal(err.message, 'Invalid Retry-After header: soon');
      assert.equal(server.requests.length, 1);
    });
  });

  test('an abort during the Retry-After wait rejects with the reason; no second try', async () => {
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const handler: Handler = (req, res, record) => {
      setTimeout(() => controller.abort(reason), 20);
      return status(503, { 'Retry-After': '60' })(req, res, record);
    };
    await withServer(handler, async (server, pm) => {
      const call = open(pm, 'GET', `${server.url}/wait`, new Retry({ total: 3 }), {
        signal: controller.signal,
      });
      await assert.rejects(call, (e) => e === reason);
      assert.equal(server.requests.length, 1);
    });
  });

  test('status retries reuse the kept-alive connection (the response is drained)', async () => {
    await withServer(failing(2, status(503)), async (server, pm) => {
      const retries = new Retry({ total: 3, statusForcelist: [503] });
      assert.equal((await open(pm, 'GET', `${server.url}/k`, retries)).status, 200);
      assert.equal(server.requests.length, 3);
      assert.equal(server.connections(), 1);
    });
  });
});

describe('retry loop: a Retry shared between calls', () => {
  let server: TestServer;
  let pm: PoolManager;
  before(async () => {
    server = await startServer(status(503));
    pm = new PoolManager();
  });
  after(async () => {
    await pm.close();
    await server.close();
  });

  test('the same Retry value starts afresh on every call (it is immutable)', async () => {
    const retries = new Retry({ total: 1, statusForcelist: [503], raiseOnStatus: false });
    await open(pm, 'GET', `${server.url}/a`, retries);
    await open(pm, 'GET', `${server.url}/b`, retries);
    assert.equal(server.requests.length, 4);
    assert.equal(retries.history.length, 0);
  });
});
