/**
 * Every error carries `code`, a stable string per class, and the table in errors.ts's doc
 * comment documents exactly those codes (issue 11 item 6).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as E from '../../src/errors.js';
import { CookieConflictError, type RequestException } from '../../src/index.js';

const classes = Object.entries(E).filter(
  (e): e is [string, typeof RequestException] =>
    typeof e[1] === 'function' && e[1].prototype instanceof Error,
);

function documentedCodes(): Map<string, string> {
  const text = readFileSync(new URL('../../src/errors.ts', import.meta.url), 'utf8');
  const rows = text.matchAll(/^ \* \| (\w+) \| `(\w+)`/gm);
  return new Map(Array.from(rows, (m) => [m[1]!, m[2]!]));
}

describe('error codes', () => {
  test('every class has its own code, on the instance, as documented', () => {
    const documented = documentedCodes();
    const seen = new Set<string>();
    assert.ok(classes.length >= 24, `${classes.length} classes`);
    for (const [name, cls] of classes) {
      const err = new cls('x');
      assert.match(err.code, /^ERR_[A-Z_]+$/, name);
      assert.ok(Object.hasOwn(err, 'code'), `${name}: code is the instance's own`);
      assert.equal(documented.get(name), err.code, `${name} documented with its code`);
      assert.ok(!seen.has(err.code), `${name}: ${err.code} is not shared`);
      seen.add(err.code);
    }
    assert.equal(new CookieConflictError('x').code, documented.get('CookieConflictError'));
  });

  test('JSON.stringify(err) is a short record with the code', () => {
    const err = new E.ReadTimeout('Read timed out.', { cause: new Error('inner') });
    assert.deepEqual(JSON.parse(JSON.stringify(err)), {
      name: 'ReadTimeout',
      code: 'ERR_READ_TIMEOUT',
      message: 'Read timed out.',
      method: null,
      url: null,
      status: null,
      cause: { name: 'Error', message: 'inner' },
    });
  });

  test('request and response are there but not enumerable', () => {
    const err = new E.HTTPError('x', { request: { method: 'GET', url: 'http://h/' } as any });
    assert.equal(err.request?.url, 'http://h/');
    assert.deepEqual(Object.keys(err), ['code']);
  });
});
