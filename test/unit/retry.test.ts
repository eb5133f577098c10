import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConnectTimeoutError,
  IncompleteRead,
  MaxRetryError,
  NewConnectionError,
  PoolProxyError,
  ProtocolError,
  ReadTimeoutError,
  ResponseError,
} from '../../src/_internal/pool-errors.js';
import { RequestHistory, Retry, type RetryResponse } from '../../src/retry.js';

const connectError = () => new ConnectTimeoutError('connect timed out');
const readError = () => new ReadTimeoutError('http://h/', 'read timed out');
const resp = (status: number, headers: RetryResponse['headers'] = {}): RetryResponse => ({
  status,
  headers,
});

/** Calls `step` n times, threading the Retry through. */
function times(retry: Retry, n: number, step: (r: Retry) => Retry): Retry {
  for (let i = 0; i < n; i++) retry = step(retry);
  return retry;
}

function maxRetry(fn: () => unknown): MaxRetryError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MaxRetryError, `expected MaxRetryError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected MaxRetryError');
}

describe('Retry defaults and toString', () => {
  test('defaults are urllib3 2.7 defaults, durations in ms', () => {
    const r = new Retry();
    assert.equal(r.total, 10);
    for (const k of ['connect', 'read', 'redirect', 'status', 'other'] as const) {
      assert.equal(r[k], null, k);
    }
    assert.deepEqual([...(r.allowedMethods ?? [])].sort(), [
      'DELETE',
      'GET',
      'HEAD',
      'OPTIONS',
      'PUT',
      'TRACE',
    ]);
    assert.equal(r.statusForcelist.size, 0);
    assert.equal(r.backoffFactor, 0);
    assert.equal(r.backoffMax, 120_000);
    assert.equal(r.backoffJitter, 0);
    assert.equal(r.retryAfterMax, 21_600_000);
    assert.equal(r.raiseOnRedirect, true);
    assert.equal(r.raiseOnStatus, true);
    assert.equal(r.respectRetryAfterHeader, true);
    assert.deepEqual(r.history, []);
    assert.deepEqual([...r.removeHeadersOnRedirect].sort(), [
      'authorization',
      'cookie',
      'proxy-authorization',
    ]);
    assert.deepEqual([...Retry.RETRY_AFTER_STATUS_CODES].sort(), [413, 429, 503]);
  });

  test('Retry.DEFAULT is total 3', () => {
    assert.equal(Retry.DEFAULT.total, 3);
    assert.equal(
      String(Retry.DEFAULT),
      'Retry(total=3, connect=null, read=null, redirect=null, status=null)',
    );
  });

  test('toString names the subclass and shows false', () => {
    class MyRetry extends Retry {}
    assert.equal(
      String(new MyRetry({ total: false, connect: 2, read: 1, status: 0 })),
      'MyRetry(total=false, connect=2, read=1, redirect=0, status=0)',
    );
  });

  test('removeHeadersOnRedirect is compared lower-case', () => {
    const r = new Retry({ removeHeadersOnRedirect: ['X-API-Secret', 'Cookie'] });
    assert.deepEqual([...r.removeHeadersOnRedirect].sort(), ['cookie', 'x-api-secret']);
  });

  test('allowedMethods are upper-cased; null means any method', () => {
    assert.ok(new Retry({ allowedMethods: ['post'] }).isMethodRetryable('POST'));
    assert.ok(new Retry({ allowedMethods: ['POST'] }).isMethodRetryable('post'));
    assert.ok(!new Retry({ allowedMethods: ['POST'] }).isMethodRetryable('GET'));
    assert.ok(new Retry({ allowedMethods: null }).isMethodRetryable('PATCH'));
    // An empty collection is falsy in urllib3, so it also allows every method.
    assert.ok(new Retry({ allowedMethods: [] }).isMethodRetryable('PATCH'));
    assert.ok(!new Retry().isMethodRetryable('POST'));
    assert.ok(new Retry().isMethodRetryable('get'));
  });

  test('bad options throw a TypeError naming the option', () => {
    assert.throws(
      () => new Retry({ total: '3' as never }),
      /Retry option total must be a whole number/,
    );
    assert.throws(() => new Retry({ connect: 1.5 }), /Retry option connect/);
    assert.throws(() => new Retry({ read: true as never }), /Retry option read/);
    assert.throws(
      () => new Retry({ backoffFactor: -1 }),
      /backoffFactor must be a number of milliseconds/,
    );
    assert.throws(() => new Retry({ backoffMax: Number.NaN }), /backoffMax/);
    assert.throws(
      () => new Retry({ allowedMethods: 'GET' }),
      /allowedMethods must be an array or Set/,
    );
    assert.throws(() => new Retry({ statusForcelist: 503 as never }), /statusForcelist/);
  });
});

describe('Retry.from (urllib3 from_int)', () => {
  test('a number n becomes total n, redirects follow the total', () => {
    const r = Retry.from(4);
    assert.equal(r.total, 4);
    assert.equal(r.redirect, null);
    assert.equal(r.raiseOnRedirect, true);
  });

  test('a Retry is returned as it is', () => {
    const r = new Retry({ total: 2 });
    assert.equal(Retry.from(r), r);
    assert.equal(Retry.from(r, { redirect: false }), r);
  });

  test('null and undefined take the default, else Retry.DEFAULT', () => {
    assert.equal(Retry.from(null), Retry.DEFAULT);
    assert.equal(Retry.from(undefined), Retry.DEFAULT);
    const mine = new Retry({ total: 7 });
    assert.equal(Retry.from(null, { default: mine }), mine);
    assert.equal(Retry.from(undefined, { default: 5 }).total, 5);
  });

  test('false disables retries and redirects', () => {
    const r = Retry.from(false);
    assert.equal(r.total, false);
    assert.equal(r.redirect, 0);
    assert.equal(r.raiseOnRedirect, false);
  });

  test('a falsy redirect (false, 0, null) turns redirects off, as bool(redirect) and None', () => {
    for (const redirect of [false, 0, null]) {
      const r = Retry.from(3, { redirect });
      assert.equal(r.redirect, 0);
      assert.equal(r.raiseOnRedirect, false);
    }
    assert.equal(Retry.from(3, { redirect: 5 }).redirect, null);
  });

  test('a subclass builds its own class', () => {
    class MyRetry extends Retry {}
    assert.ok(MyRetry.from(2) instanceof MyRetry);
  });

  test('anything else is a TypeError', () => {
    assert.throws(() => Retry.from('3' as never), /retries must be a Retry, a whole number/);
    assert.throws(() => Retry.from(true as never), TypeError);
    assert.throws(() => Retry.from(2.5), TypeError);
  });
});

describe('Retry counters', () => {
  test('total counts every kind and runs out after total retries', () => {
    let r = new Retry({ total: 3 });
    r = r.increment('GET', '/', { error: connectError() });
    r = r.increment('GET', '/', { error: readError() });
    r = r.increment('GET', '/', { response: resp(503) });
    assert.equal(r.total, 0);
    assert.ok(!r.isExhausted());
    const err = maxRetry(() => r.increment('GET', '/', { error: connectError() }));
    assert.ok(err.reason instanceof ConnectTimeoutError);
  });

  test('connect runs out before a larger total', () => {
    const r = times(new Retry({ total: 3, connect: 2 }), 2, (x) =>
      x.increment('GET', '/', { error: connectError() }),
    );
    assert.equal(r.connect, 0);
    assert.equal(r.total, 1);
    maxRetry(() => r.increment('GET', '/', { error: connectError() }));
  });

  test('total runs out before a larger connect', () => {
    const r = times(new Retry({ total: 2, connect: 3 }), 2, (x) =>
      x.increment('GET', '/', { error: connectError() }),
    );
    maxRetry(() => r.increment('GET', '/', { error: connectError() }));
  });

  test('read counts read errors only', () => {
    let r = new Retry({ total: null, read: 1, connect: 5 });
    r = r.increment('GET', '/', { error: readError() });
    r = r.increment('GET', '/', { error: connectError() });
    assert.equal(r.read, 0);
    assert.equal(r.connect, 4);
    assert.equal(r.total, null);
    const err = maxRetry(() => r.increment('GET', '/', { error: readError() }));
    assert.ok(err.reason instanceof ReadTimeoutError);
  });

  test('read 0 fails on the first read error', () => {
    maxRetry(() =>
      new Retry({ total: 100, read: 0 }).increment('GET', '/', { error: readError() }),
    );
  });

  test('status counts responses', () => {
    const r = new Retry({ total: null, status: 1 }).increment('GET', '/', { response: resp(500) });
    assert.equal(r.status, 0);
    const err = maxRetry(() => r.increment('GET', '/', { response: resp(502) }));
    assert.ok(err.reason instanceof ResponseError);
    assert.equal(err.reason?.message, 'too many 502 error responses');
  });

  test('other counts errors that are neither connect nor read', () => {
    let r = new Retry({ total: null, other: 1 });
    r = r.increment('GET', '/', { error: new Error('odd') });
    assert.equal(r.other, 0);
    assert.equal(r.read, null);
    const odd = new Error('odd again');
    const err = maxRetry(() => r.increment('GET', '/', { error: odd }));
    assert.equal(err.reason, odd);
  });

  test('redirect counts redirects with a Location', () => {
    const r = new Retry({ total: null, redirect: 1 }).increment('GET', '/a', {
      response: resp(302, { location: '/b' }),
    });
    assert.equal(r.redirect, 0);
    const err = maxRetry(() =>
      r.increment('GET', '/b', { response: resp(301, { location: '/c' }) }),
    );
    assert.equal(err.reason?.message, 'too many redirects');
  });

  test('a 3xx without Location counts as a status retry', () => {
    const r = new Retry({ total: null, redirect: 0, status: 1 }).increment('GET', '/', {
      response: resp(301),
    });
    assert.equal(r.redirect, 0);
    assert.equal(r.status, 0);
    assert.equal(r.history[0]?.redirectLocation, null);
  });

  test('no response and no error gives the generic cause', () => {
    const err = maxRetry(() => new Retry({ total: 0 }).increment('GET', '/x'));
    assert.equal(err.reason?.message, 'too many error responses');
    assert.equal(err.url, '/x');
  });

  test('null counters never run out; total null falls back on the others', () => {
    const r = times(new Retry({ total: null }), 50, (x) =>
      x.increment('GET', '/', { error: connectError() }),
    );
    assert.equal(r.history.length, 50);
    assert.ok(!r.isExhausted());
  });

  test('isExhausted: 0 is not exhausted, below 0 is, false and null never', () => {
    assert.ok(!new Retry({ total: 0 }).isExhausted());
    assert.ok(new Retry({ total: -1 }).isExhausted());
    assert.ok(new Retry({ total: 5, status: -1 }).isExhausted());
    assert.ok(!new Retry({ total: false, connect: false, read: false, other: null }).isExhausted());
  });
});

describe('Retry false semantics', () => {
  test('total false rethrows the error itself', () => {
    const e = connectError();
    assert.throws(
      () => new Retry({ total: false }).increment('GET', '/', { error: e }),
      (x) => x === e,
    );
  });

  test('total false on a response runs out at once (the pool then returns it unless raising)', () => {
    const r = new Retry({ total: false });
    assert.equal(r.raiseOnRedirect, false);
    const err = maxRetry(() =>
      r.increment('GET', '/', { response: resp(301, { location: '/b' }) }),
    );
    assert.equal(err.reason?.message, 'too many redirects');
  });

  test('connect false rethrows connection errors, counts others', () => {
    const r = new Retry({ total: 5, connect: false });
    const e = new NewConnectionError('refused');
    assert.throws(
      () => r.increment('GET', '/', { error: e }),
      (x) => x === e,
    );
    assert.equal(r.increment('GET', '/', { error: readError() }).total, 4);
  });

  test('read false rethrows read errors', () => {
    const e = new ProtocolError('reset');
    assert.throws(
      () => new Retry({ read: false }).increment('GET', '/', { error: e }),
      (x) => x === e,
    );
  });

  test('a read error on a method not allowed (or no method) is rethrown', () => {
    const e = readError();
    assert.throws(
      () => new Retry().increment('POST', '/', { error: e }),
      (x) => x === e,
    );
    assert.throws(
      () => new Retry().increment(null, '/', { error: e }),
      (x) => x === e,
    );
    // A connection error is still retried for POST: the server never saw it.
    assert.equal(new Retry().increment('POST', '/', { error: connectError() }).total, 9);
  });

  test('redirect false means 0 redirects, returned rather than raised', () => {
    const r = new Retry({ redirect: false });
    assert.equal(r.redirect, 0);
    assert.equal(r.raiseOnRedirect, false);
    assert.equal(r.total, 10);
  });

  test('status false counts as 0: the first status retry runs out', () => {
    maxRetry(() => new Retry({ status: false }).increment('GET', '/', { response: resp(503) }));
  });
});

describe('Retry error kinds', () => {
  const r = new Retry();
  test('connection errors: connect timeout, refused connection, either behind a proxy', () => {
    assert.ok(r.isConnectionError(connectError()));
    assert.ok(r.isConnectionError(new NewConnectionError('refused')));
    assert.ok(
      r.isConnectionError(new PoolProxyError('proxy', { cause: new NewConnectionError('x') })),
    );
    assert.ok(!r.isConnectionError(new PoolProxyError('proxy said 407')));
    assert.ok(!r.isConnectionError(readError()));
  });

  test('read errors: read timeout and broken connections', () => {
    assert.ok(r.isReadError(readError()));
    assert.ok(r.isReadError(new ProtocolError('reset')));
    assert.ok(r.isReadError(new IncompleteRead('short')));
    assert.ok(!r.isReadError(connectError()));
    assert.ok(!r.isReadError(new Error('x')));
  });
});

describe('Retry.isRetry', () => {
  test('status forcelist with an allowed method', () => {
    const r = new Retry({ statusForcelist: [500, 502] });
    assert.ok(r.isRetry('GET', 500));
    assert.ok(r.isRetry('get', 502));
    assert.ok(!r.isRetry('GET', 503));
    assert.ok(!r.isRetry('POST', 500));
    assert.ok(new Retry({ statusForcelist: [500], allowedMethods: null }).isRetry('POST', 500));
    assert.ok(new Retry({ statusForcelist: [500], allowedMethods: ['POST'] }).isRetry('POST', 500));
  });

  test('Retry-After on 413, 429, 503 only, while total is a positive count', () => {
    const r = new Retry({ total: 1 });
    for (const code of [413, 429, 503]) assert.ok(r.isRetry('GET', code, true), String(code));
    assert.ok(!r.isRetry('GET', 500, true));
    assert.ok(!r.isRetry('GET', 503, false));
    assert.ok(!r.isRetry('POST', 503, true));
    assert.ok(!new Retry({ total: 0 }).isRetry('GET', 503, true));
    assert.ok(!new Retry({ total: null }).isRetry('GET', 503, true));
    assert.ok(!new Retry({ respectRetryAfterHeader: false }).isRetry('GET', 503, true));
  });
});

describe('Retry history', () => {
  test('each increment records method, url, error, status and redirect location', () => {
    const e = connectError();
    let r = new Retry({ total: null });
    r = r.increment('GET', '/a', { error: e });
    r = r.increment('GET', '/a', { response: resp(503) });
    r = r.increment('GET', '/a', { response: resp(307, { location: '/b' }) });
    assert.deepEqual(r.history, [
      new RequestHistory('GET', '/a', e, null, null),
      new RequestHistory('GET', '/a', null, 503, null),
      new RequestHistory('GET', '/a', null, 307, '/b'),
    ]);
    assert.ok(r.history[0] instanceof RequestHistory);
  });

  test('a history passed in is kept, and the error before the status wins', () => {
    const past = [new RequestHistory('GET', '/', null, 500, null)];
    const r = new Retry({ history: past }).increment('PUT', '/p', {
      error: readError(),
      response: resp(500),
    });
    assert.equal(r.history.length, 2);
    assert.equal(r.history[1]?.status, null);
    assert.equal(r.history[1]?.method, 'PUT');
  });
});

describe('Retry exhaustion', () => {
  test('MaxRetryError carries pool, url and the reason as cause', () => {
    const pool = { name: 'pool' };
    const e = connectError();
    const err = maxRetry(() =>
      new Retry({ total: 0 }).increment('GET', 'http://u:p@h/x', { error: e, pool }),
    );
    assert.equal(err.reason, e);
    assert.equal(err.cause, e);
    assert.equal(err.pool, pool);
    assert.equal(err.url, 'http://u:p@h/x');
    assert.match(
      err.message,
      /^Max retries exceeded with url: http:\/\/h\/x \(Caused by ConnectTimeoutError/,
    );
  });

  test('a status retry out of tries names the status', () => {
    const err = maxRetry(() =>
      new Retry({ total: 0 }).increment('GET', '/', { response: resp(429) }),
    );
    assert.match(err.message, /Caused by ResponseError\("too many 429 error responses"\)/);
  });
});

describe('Retry immutability and subclasses', () => {
  test('increment returns a new Retry and leaves the old one alone', () => {
    const r = new Retry({ total: 3 });
    const next = r.increment('GET', '/', { response: resp(500) });
    assert.notEqual(next, r);
    assert.equal(r.total, 3);
    assert.equal(r.history.length, 0);
    assert.equal(next.total, 2);
  });

  test('fields, sets and history cannot be changed', () => {
    const r = new Retry({ statusForcelist: [500] }).increment('GET', '/', { response: resp(500) });
    assert.throws(() => {
      (r as { total: unknown }).total = 99;
    }, TypeError);
    assert.throws(() => (r.allowedMethods as Set<string>).add('POST'), TypeError);
    assert.throws(() => (r.statusForcelist as Set<number>).delete(500), TypeError);
    assert.throws(() => (Retry.DEFAULT_ALLOWED_METHODS as Set<string>).clear(), TypeError);
    assert.throws(() => (r.history as RequestHistory[]).push(r.history[0]!), TypeError);
    assert.throws(() => {
      (r.history[0] as { status: unknown }).status = 1;
    }, TypeError);
    assert.ok(r.statusForcelist.has(500));
  });

  test('a subclass survives increment and new, with its own statics', () => {
    class MyRetry extends Retry {
      static override RETRY_AFTER_STATUS_CODES: ReadonlySet<number> = new Set([500]);
      static override DEFAULT_ALLOWED_METHODS: ReadonlySet<string> = new Set(['POST']);
      note(): string {
        return 'mine';
      }
    }
    const r = new MyRetry({ total: 3 });
    const next = r.increment('POST', '/', { response: resp(500) });
    assert.ok(next instanceof MyRetry);
    assert.equal(next.note(), 'mine');
    assert.ok(r.new({ total: 1 }) instanceof MyRetry);
    assert.ok(next.isRetry('POST', 500, true));
    assert.ok(!next.isRetry('POST', 503, true));
    assert.ok(!next.isRetry('GET', 500, true));
  });

  test('new() changes what it is given and keeps the rest; undefined keeps the value', () => {
    const r = new Retry({ total: 5, backoffFactor: 100, statusForcelist: [502] });
    const n = r.new({ total: 2, backoffFactor: undefined });
    assert.equal(n.total, 2);
    assert.equal(n.backoffFactor, 100);
    assert.equal(n.statusForcelist, r.statusForcelist);
    assert.equal(n.clock, r.clock);
  });
});

describe('Retry configuration survives increment', () => {
  test('every setting is carried to the next Retry', () => {
    const clock = { now: () => 0, sleep: async () => {} };
    const random = () => 0.25;
    const r = new Retry({
      total: 5,
      allowedMethods: ['POST'],
      statusForcelist: [418],
      backoffFactor: 10,
      backoffMax: 20,
      backoffJitter: 30,
      raiseOnRedirect: false,
      raiseOnStatus: false,
      respectRetryAfterHeader: false,
      retryAfterMax: 40,
      removeHeadersOnRedirect: ['X-Secret'],
      clock,
      random,
    });
    const n = r.increment('POST', '/', { response: resp(418) });
    assert.deepEqual([...(n.allowedMethods ?? [])], ['POST']);
    assert.deepEqual([...n.statusForcelist], [418]);
    assert.equal(n.backoffFactor, 10);
    assert.equal(n.backoffMax, 20);
    assert.equal(n.backoffJitter, 30);
    assert.equal(n.raiseOnRedirect, false);
    assert.equal(n.raiseOnStatus, false);
    assert.equal(n.respectRetryAfterHeader, false);
    assert.equal(n.retryAfterMax, 40);
    assert.deepEqual([...n.removeHeadersOnRedirect], ['x-secret']);
    assert.equal(n.clock, clock);
    assert.equal(n.random, random);
  });
});
