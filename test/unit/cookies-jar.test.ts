/**
 * RequestsCookieJar semantics; where python requests 2.34 was run on the same calls, its result is
 * quoted in a comment and asserted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CookieConflictError,
  cookiejarFromDict,
  getCookieHeader,
  mergeCookies,
  RequestsCookieJar,
} from '../../src/cookies.js';

function jarWith(...names: [string, string][]): RequestsCookieJar {
  const jar = new RequestsCookieJar();
  for (const [name, value] of names) jar.set(name, value);
  return jar;
}

describe('RequestsCookieJar.set without a domain', () => {
  test('applies to every host and scheme, path /', () => {
    const jar = jarWith(['any', '4']);
    for (const url of [
      'http://example.com/',
      'https://a.b.c.example.org/x/y?q',
      'http://127.0.0.1:8080/',
      'http://localhost/',
    ]) {
      assert.equal(getCookieHeader(jar, url), 'any=4', url);
    }
    assert.deepEqual([...jar][0], {
      name: 'any',
      value: '4',
      domain: '',
      path: '/',
      expires: null,
      secure: false,
      httpOnly: false,
    });
  });

  test('domain, path and secure narrow where a cookie goes', () => {
    const jar = new RequestsCookieJar();
    jar.set('s', '1', { domain: 'example.com' });
    jar.set('p', '2', { path: '/x' });
    jar.set('sec', '3', { secure: true });
    jar.set('any', '4');
    // python: s=1; any=4 | p=2; s=1; any=4 | any=4 | p=2; sec=3; any=4
    assert.equal(getCookieHeader(jar, 'http://example.com/'), 's=1; any=4');
    assert.equal(getCookieHeader(jar, 'http://sub.example.com/x/y'), 'p=2; s=1; any=4');
    assert.equal(getCookieHeader(jar, 'http://notexample.com/xy'), 'any=4');
    assert.equal(getCookieHeader(jar, 'https://other.net/x'), 'p=2; sec=3; any=4');
  });
});

describe('RequestsCookieJar lookups', () => {
  test('get, with conflicts between domains', () => {
    const jar = new RequestsCookieJar();
    jar.set('a', '1');
    jar.set('a', '2', { domain: 'x.org' });
    // python: CookieConflictError There are multiple cookies with name, 'a'
    assert.throws(
      () => jar.get('a'),
      (err: unknown) => {
        assert.ok(err instanceof CookieConflictError);
        assert.ok(err instanceof Error);
        assert.equal(err.message, "There are multiple cookies with name, 'a'");
        return true;
      },
    );
    // python: jar.get('a', domain='x.org') == '2', jar.get('a', domain='') == '1', get('zz') is None
    assert.equal(jar.get('a', { domain: 'x.org' }), '2');
    assert.equal(jar.get('a', { domain: '.x.org' }), '2');
    assert.equal(jar.get('a', { domain: '' }), '1');
    assert.equal(jar.get('zz'), undefined);
    assert.ok(jar.has('a'));
    assert.ok(!jar.has('zz'));
  });

  test('get narrowed by path', () => {
    const jar = new RequestsCookieJar();
    jar.set('a', 'root');
    jar.set('a', 'sub', { path: '/sub' });
    assert.equal(jar.get('a', { path: '/sub' }), 'sub');
    assert.equal(jar.get('a', { path: '/' }), 'root');
    assert.throws(() => jar.get('a'), CookieConflictError);
  });

  test('a value set twice with the same domain and path is replaced', () => {
    const jar = jarWith(['a', '1'], ['a', '2']);
    assert.equal(jar.size, 1);
    assert.equal(jar.get('a'), '2');
  });

  test('toJSON, keys, values, items, size, listDomains, listPaths', () => {
    const jar = new RequestsCookieJar();
    jar.set('s', '1', { domain: 'example.com' });
    jar.set('p', '2', { path: '/x' });
    jar.set('any', '4');
    // python dict(jar): {'s': '1', 'p': '2', 'any': '4'} (order aside)
    assert.deepEqual(jar.toJSON(), { s: '1', p: '2', any: '4' });
    assert.equal(JSON.stringify({ jar }), JSON.stringify({ jar: jar.toJSON() }));
    assert.equal(jar.size, 3);
    assert.deepEqual([...jar.keys()].sort(), ['any', 'p', 's']);
    assert.deepEqual([...jar.values()].sort(), ['1', '2', '4']);
    assert.deepEqual(Object.fromEntries(jar.items()), { s: '1', p: '2', any: '4' });
    assert.deepEqual(jar.listDomains().sort(), ['', 'example.com']); // as given, as requests
    assert.deepEqual(jar.listPaths().sort(), ['/', '/x']);
    assert.ok(jar.multipleDomains());
    assert.deepEqual(jar.getDict({ domain: 'example.com' }), { s: '1' });
  });

  test('toString as str(jar) in requests, values redacted', () => {
    const jar = jarWith(['a', '1']);
    jar.set('b', '2', { domain: 'example.org', path: '/p' });
    // python str(jar): <RequestsCookieJar[<Cookie a=1 for />, <Cookie b=2 for example.org/p>]>
    // (a domain cookie is shown with its leading dot here, see JarCookie.domain); the values
    // are redacted: a cookie is a credential (issue 11).
    assert.equal(
      String(jar),
      '<RequestsCookieJar[<Cookie a=[redacted] for />, <Cookie b=[redacted] for example.org/p>]>',
    );
  });

  test('iteration yields name, value, domain, path, expires, secure', () => {
    const jar = new RequestsCookieJar();
    const expires = Date.now() + 60_000;
    jar.set('a', '1', { domain: 'Example.COM', path: '/p', expires, secure: true, httpOnly: true });
    assert.deepEqual(
      [...jar],
      [
        {
          name: 'a',
          value: '1',
          domain: 'example.com', // as given (lower-cased), without a dot added
          path: '/p',
          expires,
          secure: true,
          httpOnly: true,
        },
      ],
    );
  });
});

describe('RequestsCookieJar removal', () => {
  test('set(name, null) and delete remove every cookie of that name', () => {
    const jar = jarWith(['a', '1'], ['b', '2']);
    jar.set('a', '3', { domain: 'x.org' });
    jar.set('a', null);
    // python: jar.set('any', None) removes it
    assert.deepEqual(jar.toJSON(), { b: '2' });
    assert.equal(jar.delete('b'), true);
    assert.equal(jar.delete('b'), false);
    assert.equal(jar.size, 0);
  });

  test('delete narrowed by domain', () => {
    const jar = jarWith(['a', '1']);
    jar.set('a', '2', { domain: 'x.org' });
    jar.delete('a', { domain: 'x.org' });
    assert.deepEqual(
      [...jar].map((c) => [c.value, c.domain]),
      [['1', '']],
    );
  });

  test('clear: everything, a domain, a domain+path, one cookie', () => {
    const jar = new RequestsCookieJar();
    jar.set('a', '1', { domain: 'x.org' });
    jar.set('b', '2', { domain: 'x.org', path: '/p' });
    jar.set('c', '3', { domain: 'y.org' });
    jar.set('d', '4');
    jar.clear('x.org', '/p');
    assert.deepEqual(jar.toJSON(), { a: '1', c: '3', d: '4' });
    jar.clear('', '/', 'd');
    assert.deepEqual(jar.toJSON(), { a: '1', c: '3' });
    jar.clear('.x.org');
    assert.deepEqual(jar.toJSON(), { c: '3' });
    jar.clear();
    assert.equal(jar.size, 0);
    assert.equal(jar.isEmpty, true);
  });

  test('clear with a name or path but no domain is an error, as http.cookiejar', () => {
    const jar = new RequestsCookieJar();
    // python: ValueError domain must be given to remove cookies by path
    assert.throws(() => jar.clear(null, '/'), {
      name: 'TypeError',
      message: 'domain must be given to remove cookies by path',
    });
    assert.throws(() => jar.clear('x.org', null, 'a'), {
      message: 'domain and path must be given to remove a cookie by name',
    });
  });

  test('expired cookies are neither sent nor listed', () => {
    const jar = new RequestsCookieJar();
    jar.set('old', '1', { expires: Date.now() - 10_000 });
    jar.set('new', '1', { expires: new Date(Date.now() + 100_000) });
    // python: get_cookie_header -> 'new=1', then len(jar) == 1
    assert.equal(getCookieHeader(jar, 'http://h/'), 'new=1');
    assert.equal(jar.size, 1);
    assert.deepEqual(jar.toJSON(), { new: '1' });
  });

  test('clearSessionCookies keeps only cookies with an expiry', () => {
    const jar = jarWith(['session', '1']);
    jar.set('kept', '2', { expires: Date.now() + 100_000 });
    jar.clearSessionCookies();
    assert.deepEqual(jar.toJSON(), { kept: '2' });
  });

  test('an invalid expires is a TypeError', () => {
    assert.throws(() => new RequestsCookieJar().set('a', '1', { expires: Number.NaN }), TypeError);
  });
});

describe('copy, update, cookiejarFromDict, mergeCookies', () => {
  test('copy is independent', () => {
    const jar = jarWith(['a', '1']);
    const copy = jar.copy();
    copy.set('a', '2');
    copy.set('b', '3');
    assert.deepEqual(jar.toJSON(), { a: '1' });
    assert.deepEqual(copy.toJSON(), { a: '2', b: '3' });
  });

  test('copy keeps domains, host-only and attributes', () => {
    const jar = new RequestsCookieJar();
    jar.extractFrom('http://example.com/', ['h=1', 'd=2; Domain=example.com', 's=3; Secure']);
    const copy = jar.copy();
    assert.deepEqual([...copy], [...jar]);
    assert.equal(getCookieHeader(copy, 'http://sub.example.com/'), 'd=2');
    assert.equal(
      getCookieHeader(copy, 'https://example.com/'),
      getCookieHeader(jar, 'https://example.com/'),
    );
  });

  test('cookiejarFromDict, with and without overwrite', () => {
    const jar = cookiejarFromDict({ p: '2' });
    // python: cookiejar_from_dict({'p':'new','q':'9'}, jar_with_p, overwrite=False) keeps p
    cookiejarFromDict({ p: 'new', q: '9' }, jar, false);
    assert.deepEqual(jar.toJSON(), { p: '2', q: '9' });
    cookiejarFromDict({ p: 'new' }, jar);
    assert.deepEqual(jar.toJSON(), { p: 'new', q: '9' });
    assert.equal(cookiejarFromDict(null).size, 0);
  });

  test('mergeCookies: a record keeps existing names, a jar replaces them', () => {
    // python: {'a': '1', 'b': '3'} and {'a': '2', 'b': '3'}
    assert.deepEqual(mergeCookies(cookiejarFromDict({ a: '1' }), { a: '2', b: '3' }).toJSON(), {
      a: '1',
      b: '3',
    });
    assert.deepEqual(
      mergeCookies(cookiejarFromDict({ a: '1' }), cookiejarFromDict({ a: '2', b: '3' })).toJSON(),
      { a: '2', b: '3' },
    );
    const jar = jarWith(['a', '1']);
    assert.equal(mergeCookies(jar, null), jar);
    assert.throws(() => mergeCookies({} as RequestsCookieJar, {}), {
      name: 'TypeError',
      message: 'You can only merge into CookieJar',
    });
  });

  test('update with a record or a jar', () => {
    const jar = jarWith(['a', '1'])
      .update({ b: '2' })
      .update(cookiejarFromDict({ a: '9' }));
    assert.deepEqual(jar.toJSON(), { a: '9', b: '2' });
  });

  test('setCookie stores a cookie as iteration shows it', () => {
    const source = new RequestsCookieJar();
    source.extractFrom('http://example.com/', ['h=1', 'd=2; Domain=example.com']);
    const jar = new RequestsCookieJar();
    for (const c of source) jar.setCookie(c);
    assert.equal(getCookieHeader(jar, 'http://example.com/'), 'h=1; d=2');
    assert.equal(getCookieHeader(jar, 'http://sub.example.com/'), 'd=2');
  });
});

describe('getCookieHeader', () => {
  test('an empty jar gives null', () => {
    const jar = new RequestsCookieJar();
    assert.equal(jar.isEmpty, true);
    assert.equal(getCookieHeader(jar, 'http://h/'), null);
    jar.set('a', '1');
    jar.delete('a');
    assert.equal(getCookieHeader(jar, 'http://h/'), null);
  });

  test('no cookie for this URL gives null, not an empty string', () => {
    const jar = new RequestsCookieJar();
    jar.set('a', '1', { domain: 'x.org' });
    assert.equal(getCookieHeader(jar, 'http://y.org/'), null);
  });

  test('an unparsable URL gives null', () => {
    assert.equal(getCookieHeader(jarWith(['a', '1']), 'not a url'), null);
  });
});
