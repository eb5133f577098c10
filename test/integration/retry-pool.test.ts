/**
 * The pool's retry loop (PoolManager.urlopen with `retries`) against real servers on 127.0.0.1:
 * errors of each kind and bodies that cannot be replayed; attempts are counted on the server.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import {
  MaxRetryError,
  NewConnectionError,
  PoolUnrewindableBodyError,
  ProtocolError,
  ReadTimeoutError,
} from '../../src/_internal/pool-errors.js';
import { PoolManager } from '../../src/pool/pool-manager.js';
import type { RawResponse } from '../../src/pool/types.js';
import { Retry, type RetryOptions } from '../../src/retry.js';
import { TimeoutConfig } from '../../src/timeout.js';
import {
  dropConnection,
  failing,
  open,
  rejection,
  status,
  withServer,
} from '../helpers/retry-servers.js';
import { closedPort, type Handler, type TestServer } from '../helpers/server.js';

describe('retry loop: errors', () => {
  test('a server that drops the connection twice, then answers: 3 attempts, 1 response', async () => {
    await withServer(failing(2, dropConnection), async (server, pm) => {
      const r = await open(pm, 'GET', `${server.url}/flaky`, new Retry({ total: 3 }));
      assert.equal(r.status, 200);
      assert.equal(new TextDecoder().decode(r.data ?? (await r.read())), 'ok');
      assert.equal(server.requests.length, 3);
      assert.equal(r.retries?.history.length, 2);
      assert.ok(r.retries?.history.every((h) => h.error instanceof ProtocolError));
    });
  });

  test('more failures than retries: MaxRetryError with the read error as reason', async () => {
    await withServer(failing(10, dropConnection), async (server, pm) => {
      const err = await rejection(open(pm, 'GET', `${server.url}/down`, new Retry({ total: 2 })));
      assert.ok(err instanceof MaxRetryError, String(err));
      assert.ok(err.reason instanceof ProtocolError, String(err.reason));
      assert.equal(server.requests.length, 3);
    });
  });

  test('a number of retries works as Retry.from(n)', async () => {
    await withServer(failing(1, dropConnection), async (server, pm) => {
      const r = await open(pm, 'GET', `${server.url}/n`, 1);
      assert.equal(r.status, 200);
      assert.equal(server.requests.length, 2);
    });
  });

  test('retries false raises the error itself', async () => {
    await withServer(failing(10, dropConnection), async (server, pm) => {
      const err = await rejection(open(pm, 'GET', `${server.url}/off`, false));
      assert.ok(err instanceof ProtocolError, String(err));
      assert.equal(server.requests.length, 1);
    });
  });

  test('POST is not retried after a read error: the error itself, the server saw it once', async () => {
    await withServer(failing(10, dropConnection), async (server, pm) => {
      const err = await rejection(
        open(pm, 'POST', `${server.url}/create`, new Retry({ total: 3 }), { body: 'x=1' }),
      );
      assert.ok(err instanceof ProtocolError, String(err));
      assert.equal(server.requests.length, 1);
    });
  });

  test('POST is retried after a read error when allowedMethods includes it; bytes are resent', async () => {
    await withServer(failing(1, dropConnection), async (server, pm) => {
      const retries = new Retry({ total: 3, allowedMethods: ['GET', 'POST'] });
      const r = await open(pm, 'POST', `${server.url}/create`, retries, { body: 'x=1' });
      assert.equal(r.status, 200);
      assert.deepEqual(
        server.requests.map((q) => q.body.toString()),
        ['x=1', 'x=1'],
      );
    });
  });
});

describe('retry loop: read timeouts', () => {
  const hangOnce = (): Handler => {
    let seen = 0;
    return (_req, res) => {
      if (++seen === 1) return; // never answers; the server closes it at the end
      res.writeHead(200, { 'Content-Length': '2' });
      res.end('ok');
    };
  };
  // The retry must get its answer within the same read timeout: 500 ms leaves a loaded machine
  // room for that (100 ms raced it); the first attempt never answers, so it always fires.
  const timeout = new TimeoutConfig({ read: 500 });

  test('GET is retried after a read timeout', async () => {
    await withServer(hangOnce(), async (server, pm) => {
      const r = await open(pm, 'GET', `${server.url}/slow`, new Retry({ total: 1 }), { timeout });
      assert.equal(r.status, 200);
      assert.equal(server.requests.length, 2);
      assert.ok(r.retries?.history[0]?.error instanceof ReadTimeoutError);
    });
  });

  test('POST is not: the ReadTimeoutError itself, the server saw it once', async () => {
    await withServer(hangOnce(), async (server, pm) => {
      const err = await rejection(
        open(pm, 'POST', `${server.url}/slow`, new Retry({ total: 3 }), { timeout, body: 'b' }),
      );
      assert.ok(err instanceof ReadTimeoutError, String(err));
      assert.equal(server.requests.length, 1);
    });
  });
});

describe('retry loop: connect errors', () => {
  test('a refused port is retried, then MaxRetryError with NewConnectionError as reason', async () => {
    const port = await closedPort();
    const increments: string[] = [];
    class CountingRetry extends Retry {
      override increment(...args: Parameters<Retry['increment']>): this {
        increments.push(args[2]?.error?.name ?? 'none');
        return super.increment(...args);
      }
    }
    const pm = new PoolManager();
    try {
      const err = await rejection(
        open(pm, 'GET', `http://127.0.0.1:${port}/`, new CountingRetry({ total: 2 })),
      );
      assert.ok(err instanceof MaxRetryError, String(err));
      assert.ok(err.reason instanceof NewConnectionError, String(err.reason));
      assert.deepEqual(increments, [
        'NewConnectionError',
        'NewConnectionError',
        'NewConnectionError',
      ]);
    } finally {
      await pm.close();
    }
  });

  test('connect false raises NewConnectionError itself', async () => {
    const port = await closedPort();
    const pm = new PoolManager();
    try {
      const err = await rejection(
        open(pm, 'POST', `http://127.0.0.1:${port}/`, new Retry({ connect: false }), { body: 'a' }),
      );
      assert.ok(err instanceof NewConnectionError, String(err));
    } finally {
      await pm.close();
    }
  });
});

describe('retry loop: bodies that cannot be replayed', () => {
  const oneShot = () => Readable.from([Buffer.from('once')]);
  const anyMethod: RetryOptions = { total: 3, allowedMethods: null, statusForcelist: [503] };

  /**
   * The body reached the server once, and the call failed with PoolUnrewindableBodyError (its
   * cause the error of the try, if any) or with that error itself; after a status, returning the
   * response is also acceptable.
   */
  function assertNotResent(
    outcome: RawResponse | Error,
    server: TestServer,
    original: Function | null,
  ): void {
    assert.equal(server.requests.length, 1, 'the one-shot body was sent twice');
    assert.equal(server.requests[0]?.body.toString(), 'once');
    if (!(outcome instanceof Error)) {
      assert.equal(original, null, 'a response after a broken connection');
      assert.equal(outcome.status, 503);
      return;
    }
    const err = outcome instanceof MaxRetryError ? outcome.reason : outcome;
    if (err instanceof PoolUnrewindableBodyError) {
      assert.match(err.message, /cannot be sent again/);
      if (original !== null) assert.ok(err.cause instanceof original, String(err.cause));
    } else {
      assert.ok(original !== null && err instanceof original, String(outcome));
    }
  }

  test('a stream body is not resent after a 503', async () => {
    await withServer(failing(1, status(503)), async (server, pm) => {
      const outcome = await open(pm, 'PUT', `${server.url}/u`, new Retry(anyMethod), {
        body: oneShot(),
      }).catch((e: Error) => e);
      assertNotResent(outcome, server, null);
    });
  });

  test('a stream body is not resent after a dropped connection', async () => {
    await withServer(failing(1, dropConnection), async (server, pm) => {
      const outcome = await open(pm, 'PUT', `${server.url}/u`, new Retry(anyMethod), {
        body: oneShot(),
      }).catch((e: Error) => e);
      assertNotResent(outcome, server, ProtocolError);
    });
  });

  test('with rewindBody a fresh stream is sent on each try', async () => {
    await withServer(failing(1, status(503)), async (server, pm) => {
      const r = await open(pm, 'PUT', `${server.url}/u`, new Retry(anyMethod), {
        body: oneShot(),
        rewindBody: oneShot,
      });
      assert.equal(r.status, 200);
      assert.deepEqual(
        server.requests.map((q) => q.body.toString()),
        ['once', 'once'],
      );
    });
  });
});
