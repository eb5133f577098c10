/**
 * MockAdapter.activate() serves module-level calls (issue 14.8) and never outlives its scope.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import requests, { ConnectionError, HTTPAdapter, MockAdapter, Session } from '../../src/index.js';

/** Whether a fresh Session (as a module-level call makes) would be served by a mock. */
function mocked(): boolean {
  const s = new Session();
  return !(s.getAdapter('https://x.example/') instanceof HTTPAdapter);
}

describe('MockAdapter.activate (issue 14.8)', () => {
  test('`using` serves requests.get and friends, and is gone after the block', async () => {
    let seen: MockAdapter;
    {
      using mock = MockAdapter.activate();
      seen = mock;
      mock.register('GET', 'https://api.example.org/items', { json: [{ id: 1 }] });
      mock.register('POST', 'https://api.example.org/items', { status: 201 });
      const r = await requests.get('https://api.example.org/items', { params: {} });
      assert.deepEqual(r.json(), [{ id: 1 }]);
      assert.equal(
        (await requests.post('https://api.example.org/items', { json: {} })).statusCode,
        201,
      );
      assert.equal(mock.calls.length, 2);
      assert.equal(Buffer.from(mock.calls[1]!.body as Uint8Array).toString(), '{}');
      assert.ok(mock.isActive);
      assert.ok(mocked());
    }
    assert.equal(seen.isActive, false);
    assert.equal(mocked(), false);
  });

  test('removed after dispose even when the body throws (using and await using)', async () => {
    let sync: MockAdapter | undefined;
    assert.throws(() => {
      using mock = MockAdapter.activate();
      sync = mock;
      throw new Error('boom');
    }, /boom/);
    assert.equal(sync?.isActive, false);
    assert.equal(mocked(), false);

    let asyncMock: MockAdapter | undefined;
    await assert.rejects(async () => {
      await using mock = MockAdapter.activate();
      asyncMock = mock;
      await requests.get('https://unrouted.example/');
    }, ConnectionError);
    assert.equal(asyncMock?.isActive, false);
    assert.equal(mocked(), false);
  });

  test('try/finally deactivate(), and nesting restores the outer mock', async () => {
    const outer = MockAdapter.activate();
    try {
      outer.register('GET', 'https://a.example/', { body: 'outer' });
      const inner = MockAdapter.activate();
      try {
        inner.register('GET', 'https://a.example/', { body: 'inner' });
        assert.equal((await requests.get('https://a.example/')).text, 'inner');
      } finally {
        inner.deactivate();
      }
      assert.equal((await requests.get('https://a.example/')).text, 'outer');
      inner.deactivate(); // idempotent: the outer one stays
      assert.ok(outer.isActive);
    } finally {
      outer.deactivate();
    }
    assert.equal(mocked(), false);
  });

  test('a module-level call closing its Session leaves the mock serving', async () => {
    using mock = MockAdapter.activate();
    mock.register('GET', /^https:\/\/s\.example\//, { body: 'x' });
    const r = await requests.get('https://s.example/1', { stream: true });
    assert.equal(Buffer.from(await r.read()).toString(), 'x');
    assert.equal((await requests.get('https://s.example/2')).text, 'x');
    assert.equal(mock.calls.length, 2);
  });
});
