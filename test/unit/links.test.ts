import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHeaderLinks } from '../../src/utils/links.js';

// Expectations computed with requests 2.34's parse_header_links.
const CASES: Array<[string, Array<Record<string, string>>]> = [
  [
    '<http:/.../front.jpeg>; rel=front; type="image/jpeg"',
    [{ url: 'http:/.../front.jpeg', rel: 'front', type: 'image/jpeg' }],
  ],
  ['<http:/.../front.jpeg>', [{ url: 'http:/.../front.jpeg' }]],
  ['<http:/.../front.jpeg>;', [{ url: 'http:/.../front.jpeg' }]],
  [
    '<http:/.../front.jpeg>; type="image/jpeg",<http://.../back.jpeg>;',
    [{ url: 'http:/.../front.jpeg', type: 'image/jpeg' }, { url: 'http://.../back.jpeg' }],
  ],
  ['', []],
  [`  '"  `, []],
  [
    '<a>; rel=next, <b>; rel="last"',
    [
      { url: 'a', rel: 'next' },
      { url: 'b', rel: 'last' },
    ],
  ],
  [
    '<a>;rel=next,<b>;rel=prev',
    [
      { url: 'a', rel: 'next' },
      { url: 'b', rel: 'prev' },
    ],
  ],
  ['<a>; title="x=y"; rel=next', [{ url: 'a' }]],
  ['<a>; rel; type=t', [{ url: 'a' }]],
  ['<a>; rel=next;', [{ url: 'a', rel: 'next' }]],
  ['<a>, <b>', [{ url: 'a' }, { url: 'b' }]],
  ['http://no-brackets; rel=x', [{ url: 'http://no-brackets', rel: 'x' }]],
  [`<a>; rel='self' ; foo = "bar"`, [{ url: 'a', rel: 'self', foo: 'bar' }]],
  [
    '<a>; rel=next,   <b>; rel=prev',
    [
      { url: 'a', rel: 'next' },
      { url: 'b', rel: 'prev' },
    ],
  ],
  ['<a>,<b>; url=over', [{ url: 'a' }, { url: 'over' }]],
];

describe('parseHeaderLinks', () => {
  for (const [value, expected] of CASES) {
    test(JSON.stringify(value), () => {
      assert.deepEqual(parseHeaderLinks(value), expected);
    });
  }

  test('a __proto__ parameter is a plain entry', () => {
    const [link] = parseHeaderLinks('<a>; __proto__=x');
    assert.equal(Object.getPrototypeOf(link), Object.prototype);
    assert.deepEqual(Object.entries(link ?? {}), [
      ['url', 'a'],
      ['__proto__', 'x'],
    ]);
  });
});
