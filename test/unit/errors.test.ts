import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from '../../src/errors.js';

describe('exception tree', () => {
  test('ConnectTimeout is both a ConnectionError and a Timeout', () => {
    const e = new E.ConnectTimeout('slow');
    assert.ok(e instanceof E.ConnectTimeout);
    assert.ok(e instanceof E.ConnectionError);
    assert.ok(e instanceof E.Timeout);
    assert.ok(e instanceof E.RequestException);
    assert.ok(e instanceof Error);
    assert.ok(!(e instanceof E.ReadTimeout));
    assert.equal(e.name, 'ConnectTimeout');
  });

  test('ReadTimeout is a Timeout and not a ConnectionError', () => {
    const e = new E.ReadTimeout('x');
    assert.ok(e instanceof E.Timeout);
    assert.ok(!(e instanceof E.ConnectionError));
  });

  test('the tree matches requests', () => {
    const parents: Array<[Function, Function]> = [
      [E.HTTPError, E.RequestException],
      [E.ProxyError, E.ConnectionError],
      [E.SSLError, E.ConnectionError],
      [E.PoolTimeout, E.Timeout],
      [E.InvalidProxyURL, E.InvalidURL],
      [E.JSONDecodeError, E.InvalidJSONError],
      [E.MissingSchema, E.RequestException],
      [E.RetryError, E.RequestException],
    ];
    for (const [child, parent] of parents) {
      const e = new (child as typeof E.RequestException)('m');
      assert.ok(
        e instanceof (parent as typeof E.RequestException),
        `${child.name} is a ${parent.name}`,
      );
      assert.ok(!(new E.RequestException('m') instanceof (child as typeof E.RequestException)));
    }
  });

  test('a user subclass of a branded class works with instanceof', () => {
    class Mine extends E.ConnectTimeout {}
    const e = new Mine('x');
    assert.ok(e instanceof Mine);
    assert.ok(e instanceof E.Timeout);
    assert.ok(!(new E.ConnectTimeout('y') instanceof Mine));
  });

  test('carries request, response and cause', () => {
    const cause = new Error('low');
    const e = new E.ConnectionError('m', { cause });
    assert.equal(e.cause, cause);
    assert.equal(e.request, null);
    assert.equal(e.response, null);
  });
});
