import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPAdapter } from '../../src/adapters/http-adapter.js';
import { MAX_TIMER_MS, TimeoutConfig } from '../../src/timeout.js';

describe('timeouts past what a timer can hold (issue 10.10)', () => {
  test('Infinity and anything above 2^31-1 ms mean no limit', () => {
    const t = TimeoutConfig.from(Number.POSITIVE_INFINITY);
    assert.equal(t.connect, null);
    assert.equal(t.read, null);
    const big = new TimeoutConfig({
      connect: MAX_TIMER_MS + 1,
      read: 1e12,
      total: 2 ** 40,
      pool: Number.POSITIVE_INFINITY,
    });
    assert.deepEqual({ ...big }, { connect: null, read: null, total: null, pool: null });
    assert.equal(TimeoutConfig.from([Number.POSITIVE_INFINITY, 5_000]).read, 5_000);
  });

  test('2^31-1 ms itself is still a limit', () => {
    assert.equal(TimeoutConfig.from(MAX_TIMER_MS).read, MAX_TIMER_MS);
  });

  test('-Infinity is refused like any negative', () => {
    assert.throws(() => TimeoutConfig.from(Number.NEGATIVE_INFINITY), {
      name: 'TypeError',
      message: /less than or equal to 0/,
    });
  });

  test("HTTPAdapter's own waits: past a timer's range is no limit, or the longest", async () => {
    const a = new HTTPAdapter({
      expectContinueTimeout: Number.POSITIVE_INFINITY,
      keepAliveTimeout: 2 ** 40,
    });
    try {
      assert.equal(a.config.expectContinueTimeout, null);
      assert.equal(a.config.keepAliveTimeout, MAX_TIMER_MS);
      const d = new HTTPAdapter();
      assert.equal(d.config.expectContinueTimeout, 1_000);
      assert.equal(d.config.keepAliveTimeout, 4_000);
      await d.close();
    } finally {
      await a.close();
    }
  });
});
