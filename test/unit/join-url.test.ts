/**
 * joinUrl: redirect targets resolved as Python's urljoin resolves them (requests'
 * resolve_redirects), with no WHATWG re-encoding. Expectations printed by Python 3's urljoin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinUrl } from '../../src/utils/url-parse.js';

const CASES: readonly (readonly [base: string, ref: string, joined: string])[] = [
  ['http://h/a/b/c', '../d', 'http://h/a/d'],
  ['http://h/a/b/c', './d', 'http://h/a/b/d'],
  ['http://h/a/b/c', 'd?x=1', 'http://h/a/b/d?x=1'],
  ['http://h/a/b/c?q', '?z', 'http://h/a/b/c?z'],
  ['http://h/a/b/c?q', '', 'http://h/a/b/c?q'],
  ['http://h', 'x', 'http://h/x'],
  ['http://h', '/x/../y', 'http://h/y'],
  ['http://h/a/b/c', '../../../../x', 'http://h/x'],
  ['http://h:8080/a/', 'b/./c/..', 'http://h:8080/a/b/'],
  ['http://h:80/a', 'b', 'http://h:80/b'], // the port as written (WHATWG drops it)
  ['http://h/a/b', '/%7Efoo', 'http://h/%7Efoo'], // not re-encoded
  ['http://h/a;p/b', 'c', 'http://h/a;p/c'],
  ['http://h/a/b/', '..', 'http://h/a/'],
  ['http://h/a', '//other/x', 'http://other/x'],
  ['http://h/a/b/c', '../d#f', 'http://h/a/d#f'],
  ['http://h/a/b/c#old', '?z#n', 'http://h/a/b/c?z#n'],
  ['https://u:p@h/a', 'b', 'https://u:p@h/b'],
  ['http://h/a/', 'https://other/', 'https://other/'],
];

test('joinUrl resolves references as urljoin does', () => {
  for (const [base, ref, joined] of CASES)
    assert.equal(joinUrl(base, ref), joined, `${base} + ${ref}`);
});
