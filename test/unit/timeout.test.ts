import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TimeoutConfig } from '../../src/timeout.js';

describe('TimeoutConfig.from', () => {
  test('a number sets connect and read, as requests does', () => {
    const t = TimeoutConfig.from(5_000);
    assert.equal(t.connect, 5_000);
    assert.equal(t.read, 5_000);
    assert.equal(t.total, undefined);
  });

  test('a [connect, read] pair, an object and a TimeoutConfig', () => {
    assert.deepEqual(
      { ...TimeoutConfig.from([100, null]) },
      { connect: 100, read: null, total: undefined, pool: undefined },
    );
    assert.equal(TimeoutConfig.from({ total: 9, pool: 3 }).pool, 3);
    const t = new TimeoutConfig({ read: 1 });
    assert.equal(TimeoutConfig.from(t), t);
  });

  test('null and undefined mean no limit', () => {
    assert.equal(TimeoutConfig.from(null), TimeoutConfig.NONE);
    assert.equal(TimeoutConfig.from(undefined).connect, undefined);
  });

  test('anything else names the accepted forms', () => {
    assert.throws(() => TimeoutConfig.from([1, 2, 3] as never), {
      name: 'TypeError',
      message: /Invalid timeout \[1, 2, 3\]. Pass a \[connect, read\] timeout pair/,
    });
    assert.throws(() => TimeoutConfig.from('5' as never), {
      name: 'TypeError',
      message: /must be a number of milliseconds or null/,
    });
    assert.throws(() => TimeoutConfig.from(true as never), {
      name: 'TypeError',
      message: /boolean/,
    });
    assert.throws(() => TimeoutConfig.from({ conect: 1 } as never), {
      name: 'TypeError',
      message: /Unknown timeout option 'conect': did you mean connect\?/,
    });
    assert.throws(() => TimeoutConfig.from(Number.NaN), {
      name: 'TypeError',
      message: /NaN, but it must be a number of milliseconds or null. timeout takes a number/,
    });
    assert.throws(() => TimeoutConfig.from(-1), {
      name: 'TypeError',
      message:
        /less than or equal to 0. timeout takes a number of milliseconds, a \[connect, read\] pair/,
    });
    assert.throws(() => TimeoutConfig.from(0), { name: 'TypeError' });
    assert.throws(() => new TimeoutConfig({ read: -5 }), { name: 'TypeError', message: /read/ });
    assert.throws(() => TimeoutConfig.from([1, '2'] as never), {
      name: 'TypeError',
      message: /read was "2"/,
    });
  });

  test('merge fills only the phases left undefined', () => {
    const t = new TimeoutConfig({ connect: 1, read: null }).merge(
      new TimeoutConfig({ connect: 5, read: 5, total: 7 }),
    );
    assert.deepEqual({ ...t }, { connect: 1, read: null, total: 7, pool: undefined });
  });
});
