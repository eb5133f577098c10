// Expected values below are what python requests 2.34 gave for the same input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthBase, HTTPBasicAuth } from '../../src/auth.js';
import { RequestsCookieJar } from '../../src/cookies.js';
import { InvalidHeader, InvalidJSONError, MissingSchema, URLRequired } from '../../src/errors.js';
import {
  checkHeaderValidity,
  PreparedRequest,
  type PrepareOptions,
} from '../../src/models/prepared-request.js';
import { Request } from '../../src/models/request.js';
import type { Response } from '../../src/models/response.js';
import { CaseInsensitiveDict } from '../../src/structures.js';

function prep(options: PrepareOptions): PreparedRequest {
  return new Request({ method: 'POST', url: 'http://x.com/', ...options }).prepare();
}

function headers(p: PreparedRequest): Record<string, string> {
  return p.headers.toRecord();
}

const INVALID =
  'Invalid leading whitespace, reserved character(s), or return character(s) in header';

describe('prepareMethod', () => {
  test('upper-cases the method', () => {
    assert.equal(new Request({ method: 'get', url: 'http://x.com/' }).prepare().method, 'GET');
    assert.equal(new Request({ method: 'pAtCh', url: 'http://x.com/' }).prepare().method, 'PATCH');
  });

  test('a method that is not a string is a TypeError', () => {
    const p = new PreparedRequest();
    assert.throws(() => p.prepareMethod(5 as never), { name: 'TypeError', message: /string/ });
  });

  test('no method: null, and Content-Length 0 as requests', () => {
    const p = new Request({ url: 'http://x.com/' }).prepare();
    assert.equal(p.method, null);
    assert.deepEqual(headers(p), { 'Content-Length': '0' });
  });
});

describe('prepareUrl', () => {
  test('params merge into the query and the fragment is kept', () => {
    const p = prep({ url: 'http://x.com/path?x=1#frag', params: { a: '1', b: ['2', '3'] } });
    assert.equal(p.url, 'http://x.com/path?x=1&a=1&b=2&b=3#frag');
  });

  test('no URL is URLRequired; no scheme is MissingSchema with requests message', () => {
    assert.throws(() => new Request({ method: 'GET' }).prepare(), URLRequired);
    assert.throws(() => prep({ url: 'example.com' }), {
      name: 'MissingSchema',
      message:
        "Invalid URL 'example.com': No scheme supplied. Perhaps you meant https://example.com?",
    });
    assert.throws(() => prep({ url: 'example.com' }), MissingSchema);
  });
});

describe('prepareHeaders (check_header_validity)', () => {
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ X: 'a\rb' }, `${INVALID} value: 'a\\rb'`],
    [{ X: 'a\nb' }, `${INVALID} value: 'a\\nb'`],
    [{ X: ' a' }, `${INVALID} value: ' a'`],
    [{ X: '\ta' }, `${INVALID} value: '\\ta'`],
    [{ ' X': 'a' }, `${INVALID} name: ' X'`],
    [{ 'X:Y': 'a' }, `${INVALID} name: 'X:Y'`],
    [{ '': 'a' }, `${INVALID} name: ''`],
    [{ X: new Uint8Array([10, 97, 98]) }, `${INVALID} value: b'\\nab'`],
    [{ X: 1 }, `Header part (1) from ('X', 1) must be of type string or Uint8Array, not number`],
    [
      { X: null },
      `Header part (null) from ('X', null) must be of type string or Uint8Array, not null`,
    ],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(Object.entries(input))}`, () => {
      assert.throws(() => prep({ headers: input as never }), { name: 'InvalidHeader', message });
    });
  }

  test('allows trailing whitespace, empty values and inner spaces in names', () => {
    const p = prep({ method: 'GET', headers: { X: 'a ', Y: '', 'X Y': 'a' } });
    assert.deepEqual(headers(p), { X: 'a ', Y: '', 'X Y': 'a' });
  });

  test('entries, Headers and CaseInsensitiveDict are accepted; bytes read as latin-1', () => {
    const fromEntries = prep({ method: 'GET', headers: [['A', '1']] });
    assert.deepEqual(headers(fromEntries), { A: '1' });
    const fromHeaders = prep({ method: 'GET', headers: new Headers({ 'X-A': 'v' }) });
    assert.deepEqual(headers(fromHeaders), { 'x-a': 'v' });
    const fromDict = prep({ method: 'GET', headers: new CaseInsensitiveDict({ 'X-D': 'd' }) });
    assert.deepEqual(headers(fromDict), { 'X-D': 'd' });
    const bytes = prep({ method: 'GET', headers: { 'X-B': new Uint8Array([0xe9, 0x74, 0xe9]) } });
    assert.equal(bytes.headers.get('x-b'), 'été');
  });

  test('a header found valid once does not let another value of that name through', () => {
    // Valid pairs are remembered (a Session sends the same ones on every call): only the same
    // value skips the check.
    for (let i = 0; i < 2; i++) prep({ headers: { 'X-Seen': 'ok', 'X-Other': 'v' } });
    assert.throws(() => prep({ headers: { 'X-Seen': 'ok\r\nEvil: 1' } }), InvalidHeader);
    assert.throws(() => prep({ headers: { 'X-Seen': ' ok' } }), InvalidHeader);
    assert.equal(prep({ headers: { 'X-Seen': 'v' } }).headers.get('x-seen'), 'v');
    const dict = new CaseInsensitiveDict({ 'X-Other': 'v', 'X-Seen': 'bad\n' });
    assert.throws(() => prep({ headers: dict }), InvalidHeader);
  });

  test('checkHeaderValidity raises InvalidHeader', () => {
    assert.throws(() => checkHeaderValidity('A', 'b\r\n'), InvalidHeader);
    assert.doesNotThrow(() => checkHeaderValidity('A', 'b'));
  });

  test('Expect: 100-continue passes through untouched', () => {
    const p = prep({ headers: { Expect: '100-continue' }, data: 'abc' });
    assert.deepEqual(headers(p), { Expect: '100-continue', 'Content-Length': '3' });
  });
});

describe('prepareBody and prepareContentLength', () => {
  test('body-less requests: Content-Length 0 except GET and HEAD', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      assert.deepEqual(headers(prep({ method })), { 'Content-Length': '0' }, method);
    }
    for (const method of ['GET', 'HEAD']) assert.deepEqual(headers(prep({ method })), {}, method);
    assert.deepEqual(headers(prep({ headers: { 'Content-Length': '5' } })), {
      'Content-Length': '5',
    });
  });

  test('form data: arrays repeat, null dropped, as requests', () => {
    const p = prep({ data: { a: ['1', '2'], b: null, c: 'é &+' } });
    assert.equal(p.body, 'a=1&a=2&c=%C3%A9+%26%2B');
    assert.deepEqual(headers(p), {
      'Content-Length': '23',
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    assert.equal(
      prep({
        data: [
          ['a', '1'],
          ['a', '2'],
        ],
      }).body,
      'a=1&a=2',
    );
    assert.equal(prep({ data: new URLSearchParams('a=1&b=2') }).body, 'a=1&b=2');
    assert.equal(prep({ method: 'GET', data: { a: '1' } }).headers.get('content-length'), '3');
  });

  test('strings and bytes as they are, Content-Length in UTF-8 bytes', () => {
    const s = prep({ data: 'hello é' });
    assert.equal(s.body, 'hello é');
    assert.deepEqual(headers(s), { 'Content-Length': '8' });
    const b = prep({ data: new Uint8Array([0, 1]) });
    assert.deepEqual(b.body, new Uint8Array([0, 1]));
    assert.deepEqual(headers(b), { 'Content-Length': '2' });
    const view = prep({ data: new DataView(new ArrayBuffer(4), 1, 2) });
    assert.ok(view.body instanceof Uint8Array);
    assert.equal(view.headers.get('Content-Length'), '2');
  });

  test('empty data is no body', () => {
    for (const data of ['', {}, [], new Uint8Array(0), new URLSearchParams()]) {
      const p = prep({ data });
      assert.equal(p.body, null);
      assert.deepEqual(headers(p), { 'Content-Length': '0' });
    }
  });

  test('json: application/json, only when data is empty', () => {
    const p = prep({ json: { a: [1, 'é', null, true] } });
    const text = (body: unknown) => Buffer.from(body as Uint8Array).toString('latin1');
    // Python's json.dumps: ', ' and ': ' separators, non-ASCII escaped.
    assert.equal(text(p.body), '{"a": [1, "\\u00e9", null, true]}');
    assert.deepEqual(headers(p), { 'Content-Length': '32', 'Content-Type': 'application/json' });
    assert.equal(prep({ json: { a: 1 }, data: { b: 2 } }).body, 'b=2');
    assert.equal(text(prep({ json: { a: 1 }, data: {} }).body), '{"a": 1}');
    assert.equal(text(prep({ json: [1], data: '' }).body), '[1]');
    assert.equal(text(prep({ json: 'x' }).body), '"x"');
    assert.equal(prep({ json: null }).body, null);
    assert.equal(prep({ method: 'GET', json: { a: 1 } }).headers.get('Content-Length'), '8');
  });

  test('a Content-Type the caller set is kept', () => {
    const p = prep({ json: {}, headers: { 'content-type': 'text/x' } });
    assert.deepEqual(headers(p), { 'content-type': 'text/x', 'Content-Length': '2' });
    const f = prep({ data: { a: 1 }, headers: { 'Content-Type': 'text/x' } });
    assert.deepEqual(headers(f), { 'Content-Type': 'text/x', 'Content-Length': '3' });
  });

  test('json that JSON cannot hold is InvalidJSONError, NaN and Infinity included', () => {
    const message = 'Out of range float values are not JSON compliant';
    assert.throws(() => prep({ json: { a: Number.NaN } }), { name: 'InvalidJSONError', message });
    assert.throws(() => prep({ json: [Number.POSITIVE_INFINITY] }), { message });
    assert.throws(() => prep({ json: { a: 1n } }), InvalidJSONError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => prep({ json: cycle }), InvalidJSONError);
    assert.throws(() => prep({ json: () => 1 }), {
      message: 'Object of type function is not JSON serializable',
    });
    assert.throws(
      () => prep({ json: { a: Number.NaN } }),
      (err) => (err as InvalidJSONError).request instanceof PreparedRequest,
    );
    assert.equal(
      Buffer.from(prep({ json: { a: null } }).body as Uint8Array).toString(),
      '{"a": null}',
    );
  });

  test('unsupported data is a TypeError naming the forms', () => {
    assert.throws(() => prep({ data: 5 as never }), { name: 'TypeError', message: /data must be/ });
    assert.throws(() => prep({ data: new Date() as never }), /got Date/);
  });
});

describe('prepareAuth', () => {
  test('a [user, pass] pair is Basic auth; credentials are latin-1', () => {
    assert.equal(prep({ auth: ['x', 'y'] }).headers.get('Authorization'), 'Basic eDp5');
    assert.equal(
      prep({ auth: ['usér', 'pâss'] }).headers.get('Authorization'),
      'Basic dXPpcjpw4nNz',
    );
  });

  test("the URL's credentials when no auth is given; auth wins over them", () => {
    const p = prep({ method: 'GET', url: 'http://u:p@x.com/' });
    assert.equal(p.headers.get('Authorization'), 'Basic dTpw');
    assert.equal(p.url, 'http://u:p@x.com/');
    assert.equal(
      prep({ url: 'http://u:p@x.com/', auth: ['a', 'b'] }).headers.get('Authorization'),
      'Basic YTpi',
    );
    assert.equal(prep({ url: 'http://:p@x.com/' }).headers.get('Authorization'), 'Basic OnA=');
    assert.equal(prep({ url: 'http://u@x.com/' }).headers.get('Authorization'), undefined);
  });

  test('functions and AuthBase run last; Content-Length is recomputed', () => {
    const fn = (r: PreparedRequest) => {
      r.headers.set('X-Auth', 'yes');
      return r;
    };
    assert.deepEqual(headers(prep({ auth: fn, data: 'abc' })), {
      'Content-Length': '3',
      'X-Auth': 'yes',
    });
    class Longer extends AuthBase {
      call(r: PreparedRequest): PreparedRequest {
        r.body = 'longer body';
        return r;
      }
    }
    assert.deepEqual(headers(prep({ auth: new Longer(), data: 'abc' })), {
      'Content-Length': '11',
    });
    assert.equal(
      prep({ auth: new HTTPBasicAuth('x', 'y') }).headers.get('Authorization'),
      'Basic eDp5',
    );
  });

  test('an auth returning another request is adopted', () => {
    const other = new Request({ method: 'PUT', url: 'http://other.com/' }).prepare();
    const p = prep({ auth: () => other });
    assert.equal(p.method, 'PUT');
    assert.equal(p.url, 'http://other.com/');
  });

  test('bad auth is a TypeError', () => {
    assert.throws(() => prep({ auth: ['a', 'b', 'c'] as never }), /auth must be/);
    assert.throws(() => prep({ auth: 5 as never }), /auth must be/);
  });
});

describe('prepareCookies', () => {
  test('a record becomes the Cookie header', () => {
    const p = prep({ cookies: { a: '1', b: '2 3' } });
    assert.deepEqual(headers(p), { Cookie: 'a=1; b=2 3', 'Content-Length': '0' });
    assert.ok(p.cookies instanceof RequestsCookieJar);
  });

  test('a Cookie header already set is kept, as cookielib does', () => {
    const p = prep({ cookies: { a: '1' }, headers: { Cookie: 'z=9' } });
    assert.equal(p.headers.get('cookie'), 'z=9');
  });

  test('a jar is used as it is', () => {
    const jar = new RequestsCookieJar();
    jar.set('k', 'v');
    const p = prep({ url: 'http://x.com/a/b', cookies: jar });
    assert.equal(p.cookies, jar);
    assert.equal(p.headers.get('Cookie'), 'k=v');
  });
});

describe('hooks, copy, pathUrl', () => {
  const hook = (r: Response) => r;

  test('Request hooks reach the PreparedRequest; unknown events are refused', () => {
    const req = new Request({ method: 'GET', url: 'http://x.com/', hooks: { response: hook } });
    assert.deepEqual(req.hooks.response, [hook]);
    const p = req.prepare();
    assert.deepEqual(p.hooks.response, [hook]);
    assert.notEqual(p.hooks, req.hooks);
    assert.throws(() => p.registerHook('request', hook), {
      name: 'TypeError',
      message: 'Unsupported event specified, with event name "request"',
    });
    assert.equal(p.deregisterHook('response', hook), true);
    assert.equal(p.deregisterHook('response', hook), false);
  });

  test('copy: own headers and jar, shared body and hooks', () => {
    const p = prep({ data: 'abc', cookies: { a: '1' } });
    const c = p.copy();
    c.headers.set('X', '1');
    assert.equal(p.headers.has('X'), false);
    assert.equal(c.body, p.body);
    assert.equal(c.hooks, p.hooks);
    assert.notEqual(c.cookies, p.cookies);
    assert.equal(c.cookies.get('a'), '1');
    assert.equal(c.method, 'POST');
    assert.equal(c.url, 'http://x.com/');
  });

  test('pathUrl is the path and query, without fragment', () => {
    const p = prep({ url: 'http://x.com/a/b?c=d#frag', params: { e: 'f' } });
    assert.equal(p.pathUrl, '/a/b?c=d&e=f');
    p.url = 'http://x.com';
    assert.equal(p.pathUrl, '/');
  });

  test('toString', () => {
    assert.equal(String(prep({ method: 'get' })), '<PreparedRequest [GET]>');
    assert.equal(String(new Request({ method: 'GET' })), '<Request [GET]>');
  });
});
