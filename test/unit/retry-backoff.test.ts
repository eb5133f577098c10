import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHttpDate } from '../../src/_internal/http-date.js';
import { PoolInvalidHeader, ReadTimeoutError } from '../../src/_internal/pool-errors.js';
import { REAL_CLOCK, RequestHistory, Retry, type RetryResponse } from '../../src/retry.js';
import { fakeClock } from '../helpers/retry-clock.js';

const readError = () => new ReadTimeoutError('http://h/', 'read timed out');
const resp = (status: number, headers: RetryResponse['headers'] = {}): RetryResponse => ({
  status,
  headers,
});

/** The backoff before each of `n` tries after consecutive read errors. */
function backoffs(retry: Retry, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(retry.getBackoffTime());
    retry = retry.increment('GET', '/', { error: readError() });
  }
  return out;
}

describe('Retry.getBackoffTime', () => {
  test('no backoff until two consecutive errors, then factor * 2^(n-1)', () => {
    assert.deepEqual(
      backoffs(new Retry({ total: 100, backoffFactor: 200 }), 7),
      [0, 0, 400, 800, 1600, 3200, 6400],
    );
  });

  test('factor 0 never backs off', () => {
    assert.deepEqual(backoffs(new Retry({ total: 100 }), 5), [0, 0, 0, 0, 0]);
  });

  test('capped at backoffMax (default 120 s)', () => {
    assert.deepEqual(
      backoffs(new Retry({ total: 100, backoffFactor: 1000, backoffMax: 5000 }), 6),
      [0, 0, 2000, 4000, 5000, 5000],
    );
    const long = backoffs(new Retry({ total: null, backoffFactor: 1000 }), 12);
    assert.equal(long.at(-1), 120_000);
  });

  test('jitter adds random() * backoffJitter, still capped', () => {
    const base = { total: 100, backoffFactor: 100, backoffJitter: 50, random: () => 0.5 };
    assert.deepEqual(backoffs(new Retry(base), 4), [0, 0, 225, 425]);
    assert.deepEqual(backoffs(new Retry({ ...base, backoffMax: 300 }), 4), [0, 0, 225, 300]);
    // No jitter until backoff starts, as urllib3.
    const r = new Retry({ ...base, random: () => 0.99 });
    assert.equal(r.getBackoffTime(), 0);
  });

  test('a redirect resets the count of consecutive errors', () => {
    const history = [
      new RequestHistory('GET', '/', null, 500, null),
      new RequestHistory('GET', '/', null, 500, null),
      new RequestHistory('GET', '/', null, 302, '/next'),
      new RequestHistory('GET', '/next', null, 500, null),
    ];
    const r = new Retry({ backoffFactor: 100, history });
    assert.equal(r.getBackoffTime(), 0);
    const after = r.increment('GET', '/next', { response: resp(503) });
    assert.equal(after.getBackoffTime(), 200);
    assert.equal(
      new Retry({ backoffFactor: 100, history: history.slice(0, 2) }).getBackoffTime(),
      200,
    );
  });
});

describe('Retry-After parsing', () => {
  const clock = fakeClock(Date.UTC(2024, 0, 1, 12, 0, 0));
  const r = new Retry({ clock });

  test('whole seconds, with surrounding whitespace', () => {
    assert.equal(r.parseRetryAfter('0'), 0);
    assert.equal(r.parseRetryAfter('5'), 5000);
    assert.equal(r.parseRetryAfter('  12 '), 12_000);
  });

  test('an HTTP date is measured against the clock', () => {
    assert.equal(r.parseRetryAfter('Mon, 01 Jan 2024 12:00:10 GMT'), 10_000);
    assert.equal(r.parseRetryAfter('Monday, 01-Jan-24 12:01:00 GMT'), 60_000);
    assert.equal(r.parseRetryAfter('Mon Jan  1 12:00:03 2024'), 3000);
    assert.equal(r.parseRetryAfter('Mon, 01 Jan 2024 13:00:20 +0100'), 20_000);
    assert.equal(r.parseRetryAfter('Mon, 01 Jan 2024 07:00:30 EST'), 30_000);
  });

  test('a date in the past waits 0', () => {
    assert.equal(r.parseRetryAfter('Fri, 31 Dec 1999 23:59:59 GMT'), 0);
  });

  test('capped at retryAfterMax (default 6 hours)', () => {
    assert.equal(r.parseRetryAfter('999999999'), 21_600_000);
    assert.equal(r.parseRetryAfter('Tue, 01 Jan 2030 00:00:00 GMT'), 21_600_000);
    const short = new Retry({ clock, retryAfterMax: 2000 });
    assert.equal(short.parseRetryAfter('5'), 2000);
    assert.equal(short.parseRetryAfter('Mon, 01 Jan 2024 12:00:10 GMT'), 2000);
  });

  test('anything else is an InvalidHeader', () => {
    for (const bad of [
      '-1',
      '1.5',
      '',
      '   ',
      'soon',
      '5, 5',
      '2024-01-01T12:00:10Z',
      'Mon, 01 Foo 2024 12:00:10 GMT',
    ]) {
      assert.throws(
        () => r.parseRetryAfter(bad),
        (e: Error) =>
          e instanceof PoolInvalidHeader && e.message === `Invalid Retry-After header: ${bad}`,
        JSON.stringify(bad),
      );
    }
  });

  test('getRetryAfter reads the header, null without one; repeated headers are joined', () => {
    assert.equal(r.getRetryAfter(resp(503, { 'retry-after': '7' })), 7000);
    assert.equal(r.getRetryAfter(resp(503)), null);
    assert.throws(
      () => r.getRetryAfter(resp(503, { 'retry-after': ['1', '2'] })),
      PoolInvalidHeader,
    );
  });

  test('parseHttpDate forms of email.utils.parsedate_tz', () => {
    const t = Date.UTC(1999, 11, 31, 23, 59, 59);
    assert.equal(parseHttpDate('Fri, 31 Dec 1999 23:59:59 GMT'), t);
    assert.equal(parseHttpDate('31 Dec 1999 23:59:59 GMT'), t);
    assert.equal(parseHttpDate('Fri, 31 Dec 99 23:59:59 GMT'), t);
    assert.equal(parseHttpDate('Fri, 31 December 1999 23:59:59'), t);
    assert.equal(parseHttpDate('Dec 31 1999 23:59:59 GMT'), t);
    assert.equal(parseHttpDate('Fri, 31 Dec 1999 23:59 GMT'), t - 59_000);
    assert.equal(parseHttpDate('Fri, 31 Dec 1999 23:59:59 -0000'), t);
    assert.equal(parseHttpDate('Fri, 31 Dec 1999 23:59:59 +0130'), t - 90 * 60_000);
    assert.equal(parseHttpDate('Sat, 01 Jan 00 00:00:00 GMT'), Date.UTC(2000, 0, 1));
    assert.equal(parseHttpDate('Fri, 31 Dec 1999'), null);
    assert.equal(parseHttpDate('garbage'), null);
  });
});

describe('Retry.sleep', () => {
  test('sleeps the Retry-After of the response', async () => {
    const clock = fakeClock();
    const r = new Retry({ clock, backoffFactor: 1000 });
    await r.sleep(resp(503, { 'retry-after': '3' }));
    assert.deepEqual(clock.sleeps, [3000]);
  });

  test('sleepForRetry says whether it slept', async () => {
    const clock = fakeClock();
    const r = new Retry({ clock });
    assert.equal(await r.sleepForRetry(resp(429, { 'retry-after': '2' })), true);
    assert.equal(await r.sleepForRetry(resp(429)), false);
    assert.equal(await r.sleepForRetry(resp(429, { 'retry-after': '0' })), false);
    assert.deepEqual(clock.sleeps, [2000]);
  });

  test('backs off when Retry-After is absent, 0, or not respected', async () => {
    const clock = fakeClock();
    const history = [1, 2, 3].map(() => new RequestHistory('GET', '/', null, 503, null));
    const base = { clock, backoffFactor: 100, history };
    await new Retry(base).sleep(resp(503));
    await new Retry(base).sleep(resp(503, { 'retry-after': '0' }));
    await new Retry({ ...base, respectRetryAfterHeader: false }).sleep(
      resp(503, { 'retry-after': '9' }),
    );
    await new Retry(base).sleep();
    assert.deepEqual(clock.sleeps, [400, 400, 400, 400]);
  });

  test('no sleep at all when there is no backoff', async () => {
    const clock = fakeClock();
    await new Retry({ clock }).sleep(null);
    assert.deepEqual(clock.sleeps, []);
  });

  test('the signal reaches the clock; an aborted signal rejects with its reason', async () => {
    const clock = fakeClock();
    const r = new Retry({ clock });
    const controller = new AbortController();
    await r.sleep(resp(503, { 'retry-after': '1' }), controller.signal);
    assert.equal(clock.signals[0], controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await assert.rejects(r.sleep(null, controller.signal), (e) => e === reason);
    assert.deepEqual(clock.sleeps, [1000]);
  });

  test('the real clock sleep is cut short by an abort', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const sleeping = new Retry().sleep(resp(503, { 'retry-after': '60' }), controller.signal);
    setTimeout(() => controller.abort(reason), 5);
    await assert.rejects(sleeping, (e) => e === reason);
    await assert.rejects(REAL_CLOCK.sleep(10, AbortSignal.abort(reason)), (e) => e === reason);
  });

  test('the real clock sleeps: a longer sleep ends after a shorter timer', async () => {
    const order: string[] = [];
    const short = new Promise<void>((resolve) => setTimeout(resolve, 1)).then(() => {
      order.push('timer');
    });
    await REAL_CLOCK.sleep(30).then(() => order.push('sleep'));
    await short;
    assert.deepEqual(order, ['timer', 'sleep']);
  });
});
