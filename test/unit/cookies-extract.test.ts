/**
 * Set-Cookie extraction and Cookie headers, compared with what python requests 2.34 stored and
 * sent for the same Set-Cookie headers from 127.0.0.1 and localhost (recorded from a local run).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractCookiesToJar, getCookieHeader, RequestsCookieJar } from '../../src/cookies.js';

const SET_COOKIE = [
  'a=1',
  'b=2; Path=/',
  'd=4; Secure; Path=/',
  'f',
  '__Host-x=1',
  'g=7; Max-Age=0',
  'h="q v"; Path=/',
];

/** The cookies of a header as a sorted list (order within one path length is not specified). */
function cookieSet(header: string | null): string[] {
  return (header ?? '').split('; ').sort();
}

describe('Set-Cookie from 127.0.0.1 and localhost', () => {
  for (const host of ['127.0.0.1', 'localhost']) {
    test(host, () => {
      const jar = new RequestsCookieJar();
      const base = `http://${host}:8080`;
      const domainCookies = [`c=3; Domain=${host}`, `e=5; Domain=.${host}`];
      extractCookiesToJar(jar, `${base}/a/b`, [...SET_COOKIE, ...domainCookies]);
      // python stored a, f, __Host-x (path /a), b, d, h (path /), c, e (Domain); g (Max-Age=0) dropped
      assert.deepEqual([...jar.keys()].sort(), ['', '__Host-x', 'a', 'b', 'c', 'd', 'e', 'h']);
      // python on 127.0.0.1 /a/c: a=1; f; __Host-x=1; c=3; e=5; b=2; h="q v"
      // (python never sends Domain=localhost cookies: it files localhost as localhost.local)
      const header = getCookieHeader(jar, `${base}/a/c`);
      assert.deepEqual(cookieSet(header), cookieSet('a=1; f; __Host-x=1; c=3; e=5; b=2; h="q v"'));
      // longer paths first
      assert.ok(header!.indexOf('a=1') < header!.indexOf('b=2'));
      // python on /: b=2; h="q v" (the Secure cookie d is stored but not sent over http)
      assert.equal(getCookieHeader(jar, `${base}/`), 'b=2; h="q v"');
      assert.deepEqual(cookieSet(getCookieHeader(jar, `https://${host}:8080/`)), [
        'b=2',
        'd=4',
        'h="q v"',
      ]);
    });
  }

  test('host-only cookies are shown with the bare host, domain cookies with a dot', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://127.0.0.1/x', ['h=1', 'd=2; Domain=127.0.0.1']);
    assert.deepEqual(
      [...jar].map((c) => [c.name, c.domain, c.path]),
      [
        ['h', '127.0.0.1', '/'],
        ['d', '.127.0.0.1', '/'],
      ],
    );
  });

  test('cookies of another host or port-less origin do not leak', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://127.0.0.1:8080/', ['a=1']);
    assert.equal(getCookieHeader(jar, 'http://127.0.0.1:9090/'), 'a=1'); // cookies ignore ports
    assert.equal(getCookieHeader(jar, 'http://localhost:8080/'), null);
    assert.equal(getCookieHeader(jar, 'http://127.0.0.2:8080/'), null);
  });
});

describe('Set-Cookie rules', () => {
  test('host-only vs Domain cookies and subdomains', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://www.example.com/', ['host=1', 'dom=2; Domain=example.com']);
    assert.equal(getCookieHeader(jar, 'http://www.example.com/'), 'host=1; dom=2');
    assert.equal(getCookieHeader(jar, 'http://example.com/'), 'dom=2');
    assert.equal(getCookieHeader(jar, 'http://a.www.example.com/'), 'dom=2');
  });

  test('a Domain the host is not in, or a public suffix, is ignored', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://www.example.com/', [
      'x=1; Domain=other.com',
      'y=2; Domain=com',
      'z=3; Domain=sub.www.example.com',
      'ok=4',
    ]);
    assert.deepEqual(jar.toJSON(), { ok: '4' });
  });

  test('the default path is the directory of the request path', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://h.test/a/b/c?q=1', ['p=1']);
    assert.equal([...jar][0]?.path, '/a/b');
    assert.equal(getCookieHeader(jar, 'http://h.test/a/b'), 'p=1');
    assert.equal(getCookieHeader(jar, 'http://h.test/a/bc'), null);
    assert.equal(getCookieHeader(jar, 'http://h.test/a'), null);
  });

  test('Max-Age and Expires set the expiry; Max-Age=0 and a past Expires delete', () => {
    const jar = new RequestsCookieJar();
    const before = Date.now();
    extractCookiesToJar(jar, 'http://h.test/', [
      'm=1; Max-Age=100',
      'e=2; Expires=Wed, 01 Jan 2200 00:00:00 GMT',
      'gone=3',
    ]);
    const byName = Object.fromEntries(Array.from(jar, (c) => [c.name, c]));
    assert.ok(
      byName['m']!.expires! >= before + 100_000 && byName['m']!.expires! <= Date.now() + 100_000,
    );
    assert.equal(byName['e']!.expires, Date.UTC(2200, 0, 1));
    assert.equal(byName['gone']!.expires, null);
    extractCookiesToJar(jar, 'http://h.test/', [
      'gone=x; Max-Age=0',
      'e=y; Expires=Thu, 01 Jan 1970 00:00:01 GMT',
    ]);
    assert.deepEqual(jar.toJSON(), { m: '1' });
  });

  test('a Max-Age cookie expires from when it was received, however often it is read', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://h.test/', ['m=1; Max-Age=10']);
    t.mock.timers.tick(6_000);
    assert.equal(getCookieHeader(jar, 'http://h.test/'), 'm=1');
    t.mock.timers.tick(6_000);
    assert.equal(getCookieHeader(jar, 'http://h.test/'), null);
  });

  test('a Secure cookie received over http is kept and sent over https only', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://h.test/', ['s=1; Secure']);
    assert.equal(getCookieHeader(jar, 'http://h.test/'), null);
    assert.equal(getCookieHeader(jar, 'https://h.test/'), 's=1');
  });

  test('a later Set-Cookie replaces the value of the same name, domain and path', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://h.test/', ['a=1']);
    extractCookiesToJar(jar, 'http://h.test/', ['a=2']);
    assert.equal(jar.size, 1);
    assert.equal(jar.get('a'), '2');
  });

  test('garbage and an invalid URL are ignored', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://h.test/', ['', ';;;', '=']);
    extractCookiesToJar(jar, 'not a url', ['a=1']);
    assert.equal(jar.get('a'), undefined);
  });

  test('no Set-Cookie headers leave the jar untouched and cheap', () => {
    const jar = new RequestsCookieJar();
    extractCookiesToJar(jar, 'http://h.test/', []);
    assert.equal(jar.isEmpty, true);
  });
});
