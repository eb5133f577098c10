import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codes } from '../../src/status-codes.js';
import { CaseInsensitiveDict } from '../../src/structures.js';

describe('CaseInsensitiveDict', () => {
  test('looks keys up case-insensitively and keeps the last case set', () => {
    const d = new CaseInsensitiveDict({ 'Content-Type': 'text/plain' });
    assert.equal(d.get('content-type'), 'text/plain');
    assert.equal(d.has('CONTENT-TYPE'), true);
    d.set('CONTENT-type', 'a');
    assert.deepEqual([...d.keys()], ['CONTENT-type']);
    assert.equal(d.size, 1);
  });

  test('accepts entries, records, Headers and other dicts; copies are independent', () => {
    const a = new CaseInsensitiveDict([['A', '1']]);
    const b = new CaseInsensitiveDict(new Headers({ b: '2' }));
    const c = a.copy();
    c.set('a', 'changed');
    assert.equal(a.get('A'), '1');
    assert.equal(b.get('B'), '2');
    assert.deepEqual([...new CaseInsensitiveDict(a).lowerItems()], [['a', '1']]);
  });

  test('delete, equality and toJSON', () => {
    const d = new CaseInsensitiveDict({ Accept: '*/*', 'X-A': '1' });
    assert.equal(d.delete('accept'), true);
    assert.equal(d.delete('accept'), false);
    assert.deepEqual(d.toJSON(), { 'X-A': '1' });
    assert.ok(d.equals({ 'x-a': '1' }));
    assert.ok(!d.equals({ 'x-a': '2' }));
  });
});

describe('codes', () => {
  test('every spelling requests has, in upper case and camelCase', () => {
    assert.equal(codes.ok, 200);
    assert.equal(codes.teapot, 418);
    assert.equal(codes.not_found, 404);
    assert.equal(codes.notFound, 404);
    assert.equal(codes.NOT_FOUND, 404);
    assert.equal(codes['\\o/'], 200);
    assert.equal(codes.temporary_redirect, 307);
    assert.equal(codes.permanentRedirect, 308);
    assert.equal(codes.early_hints, undefined);
    assert.equal(codes['early-hints'], 102);
  });
});

test('toRecord keeps a header named __proto__ as an ordinary key, never the prototype', () => {
  const record = new CaseInsensitiveDict([
    ['__proto__', 'x'],
    ['Accept', '*/*'],
  ]).toRecord();
  assert.deepEqual(Object.keys(record), ['__proto__', 'Accept']);
  assert.equal(Object.getPrototypeOf(record), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(record, '__proto__')?.value, 'x');
});
