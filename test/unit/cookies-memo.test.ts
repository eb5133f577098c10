/**
 * The Cookie-header memo and copy-on-write sharing of RequestsCookieJar: every change invalidates
 * the memo, an expiring cookie stops being sent while memoised, copies are independent both ways,
 * and the cookie rules (Secure, path, domain, host-only) hold through the memo.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cookie } from 'tough-cookie';
import {
  cookiejarFromDict,
  extractCookiesToJar,
  getCookieHeader,
  mergeCookies,
  RequestsCookieJar,
} from '../../src/cookies.js';
import { Request } from '../../src/models/request.js';
import { Session } from '../../src/sessions/session.js';

const URL_A = 'http://example.com/app/page?q=1';

function sessionLike(): RequestsCookieJar {
  const jar = new RequestsCookieJar();
  jar.set('a', '1');
  jar.extractFrom('http://example.com/', ['h=2']);
  return jar;
}

/** The cookies of a header, sorted (order within one path length is creation order). */
function cookieSet(header: string | null): string[] {
  return header === null ? [] : header.split('; ').sort();
}

/** The same jar, built again, with its memo off (handing out `tough` turns it off). */
function unmemoised(build: () => RequestsCookieJar): RequestsCookieJar {
  const jar = build();
  void jar.tough;
  return jar;
}

describe('memo invalidation', () => {
  const kinds: [string, (jar: RequestsCookieJar) => void, string | null][] = [
    ['set', (j) => j.set('n', '3'), 'a=1; h=2; n=3'],
    ['set null', (j) => j.set('a', null), 'h=2'],
    ['set a new value', (j) => j.set('a', '9'), 'h=2; a=9'],
    [
      'setCookie',
      (j) => j.setCookie(Cookie.parse('n=3; Domain=example.com; Path=/')!),
      'a=1; h=2; n=3',
    ],
    ['delete', (j) => j.delete('h'), 'a=1'],
    ['clear()', (j) => j.clear(), null],
    ['clear(domain)', (j) => j.clear('example.com'), 'a=1'],
    ['clear(domain, path, name)', (j) => j.clear('', '/', 'a'), 'h=2'],
    ['clearSessionCookies', (j) => j.clearSessionCookies(), null],
    ['update(record)', (j) => j.update({ n: '3' }), 'a=1; h=2; n=3'],
    ['update(jar)', (j) => j.update(cookiejarFromDict({ a: '7' })), 'h=2; a=7'],
    ['mergeCookies(jar)', (j) => mergeCookies(j, cookiejarFromDict({ n: '3' })), 'a=1; h=2; n=3'],
    ['cookiejarFromDict', (j) => cookiejarFromDict({ n: '3' }, j), 'a=1; h=2; n=3'],
    ['extractFrom', (j) => j.extractFrom('http://example.com/', ['h=5']), 'h=5; a=1'],
    [
      'extractCookiesToJar (Max-Age=0)',
      (j) => extractCookiesToJar(j, 'http://example.com/', ['h=x; Max-Age=0']),
      'a=1',
    ],
    ['tough', (j) => j.tough.setCookieSync('t=1', 'http://example.com/'), 'a=1; h=2; t=1'],
  ];
  for (const [kind, change, expected] of kinds) {
    test(kind, () => {
      const jar = sessionLike();
      const reference = unmemoised(sessionLike);
      assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2');
      assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2'); // memoised
      const before = jar.version;
      change(jar);
      change(reference);
      assert.ok(jar.version > before, `version moves on ${kind}`);
      const header = getCookieHeader(jar, URL_A);
      // As sets: two jars order cookies by creation time, which can tie within a millisecond.
      assert.deepEqual(cookieSet(header), cookieSet(getCookieHeader(reference, URL_A)));
      assert.deepEqual(cookieSet(header), cookieSet(expected));
    });
  }

  test('a change through a copy invalidates the copy, not the original', () => {
    const jar = sessionLike();
    const copy = jar.copy();
    assert.equal(getCookieHeader(copy, URL_A), 'a=1; h=2');
    copy.set('n', '3');
    assert.equal(getCookieHeader(copy, URL_A), 'a=1; h=2; n=3');
    assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2');
  });

  test('after a cookie jar.tough changed, headers are never served stale', () => {
    const jar = sessionLike();
    const tough = jar.tough;
    assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2');
    tough.setCookieSync('t=1', 'http://example.com/');
    assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2; t=1');
    const copy = jar.copy();
    tough.setCookieSync('u=1', 'http://example.com/');
    assert.equal(getCookieHeader(copy, URL_A), 'a=1; h=2; t=1');
    assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2; t=1; u=1');
  });
});

test('an empty jar whose tough-cookie jar was handed out is updated in place', () => {
  const jar = new RequestsCookieJar();
  const tough = jar.tough;
  jar.update(sessionLike());
  assert.equal(tough.getCookieStringSync('http://example.com/'), 'h=2');
  assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2');
});

describe('expiry while memoised', () => {
  test('a cookie expiring in ~1.2 s stops being sent, from the jar and from a copy', async () => {
    const jar = new RequestsCookieJar();
    jar.set('keep', '1');
    const soonExpires = Date.now() + 1200;
    jar.set('soon', '2', { expires: soonExpires });
    jar.extractFrom('http://example.com/', ['aged=3; Max-Age=1']);
    const agedBy = Date.now() + 1000; // Max-Age counts from when the cookie was received
    const copy = jar.copy();
    assert.equal(getCookieHeader(jar, URL_A), 'keep=1; soon=2; aged=3');
    assert.equal(getCookieHeader(copy, URL_A), 'keep=1; soon=2; aged=3');
    const deadline = Date.now() + 3000;
    let header: string | null = '';
    while (header !== 'keep=1' && Date.now() < deadline) {
      const asked = Date.now();
      header = getCookieHeader(jar, URL_A);
      // Never a stale header: a cookie is only sent before it expires.
      if (header?.includes('soon=2')) assert.ok(asked < soonExpires, header);
      if (header?.includes('aged=3')) assert.ok(asked < agedBy, header);
      if (header !== 'keep=1') await sleep(50);
    }
    assert.equal(header, 'keep=1');
    assert.equal(getCookieHeader(copy, URL_A), 'keep=1');
    assert.deepEqual(copy.toJSON(), { keep: '1' });
  });

  test('a memoised header never outlives its earliest cookie', async () => {
    const jar = new RequestsCookieJar();
    const expires = Date.now() + 150;
    jar.set('soon', '1', { expires });
    assert.equal(getCookieHeader(jar, URL_A), 'soon=1');
    await sleep(Math.max(0, expires - Date.now()) + 20);
    assert.equal(getCookieHeader(jar, URL_A), null);
  });

  test('a Max-Age cookie stored with setCookie keeps one expiry', () => {
    const jar = new RequestsCookieJar();
    jar.setCookie(Cookie.parse('m=1; Domain=example.com; Path=/; Max-Age=100')!);
    const [first] = [...jar];
    assert.ok(first!.expires !== null && first!.expires > Date.now() + 90_000);
    assert.equal(getCookieHeader(jar, URL_A), 'm=1');
    assert.equal([...jar][0]!.expires, first!.expires);
  });
});

describe('copy independence', () => {
  const copiers: [string, (jar: RequestsCookieJar) => RequestsCookieJar][] = [
    ['copy()', (j) => j.copy()],
    ['update() into an empty jar', (j) => new RequestsCookieJar().update(j)],
    ['mergeCookies into a new jar', (j) => mergeCookies(new RequestsCookieJar(), j)],
  ];
  for (const [how, copyOf] of copiers) {
    test(`${how}: a change to the copy leaves the original alone`, () => {
      const jar = sessionLike();
      const copy = copyOf(jar);
      assert.deepEqual(copy.toJSON(), { a: '1', h: '2' });
      copy.set('a', '9');
      copy.extractFrom('http://example.com/', ['n=3']);
      copy.delete('h');
      assert.deepEqual(jar.toJSON(), { a: '1', h: '2' });
      assert.equal(getCookieHeader(jar, URL_A), 'a=1; h=2');
      assert.deepEqual(copy.toJSON(), { a: '9', n: '3' });
    });

    test(`${how}: a change to the original leaves the copy alone`, () => {
      const jar = sessionLike();
      const copy = copyOf(jar);
      assert.equal(getCookieHeader(copy, URL_A), 'a=1; h=2');
      jar.set('a', '9');
      jar.clear('example.com');
      assert.equal(getCookieHeader(copy, URL_A), 'a=1; h=2');
      assert.equal(getCookieHeader(jar, URL_A), 'a=9');
      jar.clear();
      assert.deepEqual(copy.toJSON(), { a: '1', h: '2' });
      assert.equal(jar.isEmpty, true);
    });
  }

  test('copies of copies, changed in turn, stay apart', () => {
    const jar = sessionLike();
    const c1 = jar.copy();
    const c2 = c1.copy();
    c1.set('x', '1');
    c2.set('y', '2');
    jar.set('z', '3');
    assert.deepEqual(Object.keys(jar.toJSON()).sort(), ['a', 'h', 'z']);
    assert.deepEqual(Object.keys(c1.toJSON()).sort(), ['a', 'h', 'x']);
    assert.deepEqual(Object.keys(c2.toJSON()).sort(), ['a', 'h', 'y']);
  });

  test("a request's jar takes redirect cookies without changing the Session's", () => {
    const session = new Session();
    session.cookies.set('s', '1');
    const p = session.prepareRequest(new Request({ method: 'GET', url: URL_A }));
    assert.equal(p.headers.get('Cookie'), 's=1');
    // What redirect handling does with the request's jar (requests' rebuild of cookies).
    extractCookiesToJar(p.cookies, URL_A, ['r=2']);
    mergeCookies(p.cookies, session.cookies);
    assert.equal(getCookieHeader(p.cookies, URL_A), 'r=2; s=1');
    assert.deepEqual(session.cookies.toJSON(), { s: '1' });
    assert.equal(getCookieHeader(session.cookies, URL_A), 's=1');
    const again = session.prepareRequest(new Request({ method: 'GET', url: URL_A }));
    assert.equal(again.headers.get('Cookie'), 's=1');
    // A PreparedRequest's copy is independent too.
    const dup = again.copy();
    dup.cookies.set('d', '4');
    assert.deepEqual(again.cookies.toJSON(), { s: '1' });
    session.close();
  });

  test("request cookies do not leak into the Session's jar", () => {
    const session = new Session();
    session.cookies.set('s', '1');
    const p = session.prepareRequest(
      new Request({ method: 'GET', url: URL_A, cookies: { own: '2' } }),
    );
    assert.equal(p.headers.get('Cookie'), 's=1; own=2');
    assert.deepEqual(session.cookies.toJSON(), { s: '1' });
    session.close();
  });
});

describe('cookie rules through the memo', () => {
  function build(): RequestsCookieJar {
    const jar = new RequestsCookieJar();
    jar.set('any', '0');
    jar.set('sec', '1', { secure: true });
    jar.set('dom', '2', { domain: 'example.com' });
    jar.set('p', '3', { path: '/app' });
    jar.set('dsec', '4', { domain: 'example.com', secure: true, path: '/app' });
    jar.extractFrom('http://example.com/app/x', ['host=5; Path=/', 'deep=6']);
    jar.extractFrom('https://other.org/', ['o=7; Secure']);
    return jar;
  }
  const urls = [
    'http://example.com/',
    'https://example.com/',
    'http://example.com/app',
    'http://example.com/app?x=1',
    'http://example.com/app#frag',
    'http://example.com/application',
    'https://example.com/app/x/y?z#w',
    'http://sub.example.com/app/',
    'https://sub.example.com:8443/app/',
    'http://notexample.com/app',
    'http://other.org/',
    'https://other.org/',
    'https://OTHER.org/a?b',
    'http://127.0.0.1:8080/app',
    'not a url',
  ];

  test('every URL gets the header an unmemoised jar gives, in any order, repeatedly', () => {
    const jar = build();
    const reference = unmemoised(build);
    for (const round of [0, 1, 2]) {
      const order = round === 1 ? [...urls].reverse() : urls;
      for (const url of order) {
        assert.equal(getCookieHeader(jar, url), getCookieHeader(reference, url), `${round} ${url}`);
      }
    }
    const expected: [string, string | null][] = [
      ['http://example.com/', 'any=0; dom=2; host=5'],
      ['http://example.com/app?x=1', 'p=3; deep=6; any=0; dom=2; host=5'],
      ['http://example.com/application', 'any=0; dom=2; host=5'],
      ['https://example.com/app/x/y?z#w', 'p=3; dsec=4; deep=6; any=0; sec=1; dom=2; host=5'],
      ['https://sub.example.com:8443/app/', 'p=3; dsec=4; any=0; sec=1; dom=2'],
      ['http://other.org/', 'any=0'],
      ['https://other.org/', 'any=0; sec=1; o=7'],
      ['not a url', null],
    ];
    for (const [url, header] of expected) assert.equal(getCookieHeader(jar, url), header, url);
  });

  test('beyond the memo size, answers stay right', () => {
    const jar = build();
    for (let i = 0; i < 200; i++) {
      assert.equal(getCookieHeader(jar, `http://h${i}.example.com/`), 'any=0; dom=2');
    }
    assert.equal(getCookieHeader(jar, 'http://example.com/'), 'any=0; dom=2; host=5');
    assert.equal(getCookieHeader(jar, 'http://h0.example.com/app'), 'p=3; any=0; dom=2');
  });
});

describe('setCookie with a tough-cookie Cookie made by hand', () => {
  test('a Cookie without Path or Domain is stored for every host under /', () => {
    const jar = new RequestsCookieJar();
    jar.setCookie(Cookie.parse('n=1')!);
    assert.equal(jar.get('n'), '1');
    assert.equal(jar.cookieHeaderFor('http://127.0.0.1:9/x/y'), 'n=1');
  });
});
