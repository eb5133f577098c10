/**
 * Issue 10, "one parsed URL value": preparation makes the pool's RequestTarget from its own parse
 * (the fast path from its regex's groups, the slow path by one parse of the final string), so the
 * URL is not parsed again at send; a URL set later is parsed once on first read.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LocationParseError } from '../../src/_internal/pool-errors.js';
import { InvalidURL, PreparedRequest } from '../../src/index.js';
import { requestTarget, requestTargetOrNull } from '../../src/models/prepared-request.js';
import { parseUrl, parseUrlCount, type RequestTarget } from '../../src/pool/parse-url.js';
import {
  checkedUrlTarget,
  type ParamsInput,
  prepareUrl,
  prepareUrlTarget,
} from '../../src/utils/url.js';

/** [url, params]: the fast path's shapes, then what only the slow path takes. */
const CASES: [string, ParamsInput?][] = [
  ['http://example.com'],
  ['http://example.com?a=1'],
  ['http://example.com/'],
  ['https://example.com:443/a'],
  ['http://example.com:80'],
  ['https://example.com:80/x'],
  ['http://127.0.0.1:8080/a/b?c=d&e=f/g?h'],
  ['http://localhost:1/'],
  ["http://a.b-c.d:65535/~x!$&'()*+,;=:@"],
  ['http://example.com', { q: 'a b', r: ['1', '2'] }],
  ['http://example.com/p?x=1', { q: 'ü#' }],
  ['http://example.com?x=1', new URLSearchParams('y=2')],
  ['http://example.com/p', 'raw=a b'],
  ['http://example.com/p?x', 'raw=1#frag'],
  ['http://example.com', 'a=%zz'],
  ['http://example.com/p', new TextEncoder().encode('b=1')],
  ['http://example.com/p', {}],
  ['http://[::1]:8080/x'],
  ['http://[::1]/'],
  ['https://[2001:DB8::1]'],
  ['http://user:pw@example.com/a'],
  ['http://us%20er:p%40w@example.com:8080/'],
  ['http://Example.COM/A'],
  ['HTTP://example.com/'],
  ['  http://example.com/lead'],
  ['http://example.com/a b?c d#frag'],
  ['http://example.com/#frag'],
  ['http://example.com/a%7e%zz'],
  ['http://example.com/./a/../b'],
  ['http://ドメイン.テスト/'],
  ['http://münchen.de:81/x', { a: 1 }],
  ['http+unix://%2Ftmp%2Fs.sock/path?q'],
  ['https+unix://%2Fa/'],
  ['http+unix://%2Ftmp%2Fs.sock'],
  ['http://example.com:0/'],
];

/** Accepted by preparation, refused by the pool at send (or not http at all). */
const UNSENDABLE = ['http://a b/', 'http://a%20b/', 'ftp://x/', 'mailto:a@b', 'localhost:8080'];

describe('prepareUrlTarget', () => {
  for (const [url, params] of CASES) {
    test(`${url} ${params === undefined ? '' : String(params)}: the pool's parse of the URL`, () => {
      const { url: out, target } = prepareUrlTarget(url, params);
      assert.equal(out, prepareUrl(url, params));
      assert.deepEqual(target, parseUrl(out));
    });
  }

  for (const url of UNSENDABLE) {
    test(`${url}: no value at preparation, the pool refuses it`, () => {
      const { url: out, target } = prepareUrlTarget(url);
      assert.equal(target, null);
      assert.throws(() => parseUrl(out), LocationParseError);
    });
  }
});

describe('a PreparedRequest after prepare()', () => {
  for (const [url, params] of CASES) {
    test(`${url}: its value is preparation's; reading it parses nothing`, () => {
      const p = new PreparedRequest();
      const before = parseUrlCount();
      p.prepare({ method: 'GET', url, params });
      const atPrepare = parseUrlCount() - before;
      const target = requestTarget(p);
      assert.equal(requestTargetOrNull(p), target);
      assert.equal(p.copy() && requestTarget(p.copy()), target);
      assert.equal(parseUrlCount() - before, atPrepare, 'parsed again after preparation');
      assert.ok(atPrepare <= 1, `${atPrepare} parses at preparation`);
      assert.deepEqual(target, parseUrl(p.url!));
    });
  }

  test('the fast path makes the value from its own groups: no parse at all', () => {
    const p = new PreparedRequest();
    const before = parseUrlCount();
    p.prepare({ method: 'GET', url: 'http://127.0.0.1:8080/a?b=c', params: { d: 'e' } });
    assert.equal(requestTarget(p).path, '/a?b=c&d=e');
    assert.equal(parseUrlCount() - before, 0);
  });

  for (const url of UNSENDABLE) {
    test(`${url}: refused at send as before, with the pool's error`, () => {
      const p = new PreparedRequest();
      p.prepare({ method: 'GET', url });
      assert.equal(requestTargetOrNull(p), null);
      let expected: unknown;
      try {
        parseUrl(p.url!);
      } catch (err) {
        expected = err;
      }
      assert.ok(expected instanceof LocationParseError);
      assert.throws(
        () => requestTarget(p),
        (err: unknown) =>
          err instanceof LocationParseError && err.message === (expected as Error).message,
      );
    });
  }

  test('a URL set later is parsed once, on first read; prepareUrl again gives a new value', () => {
    const p = new PreparedRequest();
    p.prepare({ method: 'GET', url: 'http://example.com/a' });
    const first = requestTarget(p);
    p.url = 'http://example.org:81/b';
    const before = parseUrlCount();
    const later = requestTarget(p);
    requestTarget(p);
    requestTargetOrNull(p.copy());
    assert.equal(parseUrlCount() - before, 1);
    assert.equal(later.authority, 'example.org:81');
    p.prepareUrl('http://example.net/c');
    const again = requestTarget(p);
    assert.notEqual(again, first);
    assert.equal(again.url, 'http://example.net/c');
    assert.equal(parseUrlCount() - before, 1);
  });
});

/** Redirect targets: requests sends them as they are (no `/` added, no dot segment removed). */
const LOCATIONS = [
  'http://127.0.0.1:8080',
  'http://127.0.0.1:8080?a=1',
  'https://example.com/a/../b',
  'http://Example.COM/A#frag',
  'http://example.com/a%20b?c#d',
  'http://[::1]:8080/x',
  'http+unix://%2Ftmp%2Fs.sock',
  'http://a%20b/',
  'ftp://x/',
];

describe('checkedUrlTarget (a redirect hop)', () => {
  for (const url of LOCATIONS) {
    test(`${url}: the pool's value of the URL itself, or null where the pool refuses it`, () => {
      let expected: RequestTarget | null = null;
      try {
        expected = parseUrl(url);
      } catch {}
      assert.deepEqual(checkedUrlTarget(url), expected);
    });
  }

  test('a URL of the fast path is not parsed again; another once', () => {
    let before = parseUrlCount();
    assert.equal(checkedUrlTarget('http://127.0.0.1:8080/a?b')?.path, '/a?b');
    assert.equal(checkedUrlTarget('http://127.0.0.1:8080')?.path, '/');
    assert.equal(parseUrlCount() - before, 0);
    before = parseUrlCount();
    assert.equal(checkedUrlTarget('http://Example.com/a/../b')?.path, '/a/../b');
    assert.equal(parseUrlCount() - before, 1);
  });

  for (const url of ['http://[::1/x', 'http://:80/', 'http+unix:///run/x.sock', 'http://*.a/']) {
    test(`${url}: prepareUrl's error`, () => {
      let expected: unknown;
      try {
        prepareUrl(url);
      } catch (err) {
        expected = err;
      }
      assert.ok(expected instanceof InvalidURL);
      assert.throws(
        () => checkedUrlTarget(url),
        (err: unknown) => err instanceof InvalidURL && err.message === (expected as Error).message,
      );
    });
  }
});
