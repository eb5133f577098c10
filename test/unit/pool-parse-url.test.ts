import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LocationParseError } from '../../src/_internal/pool-errors.js';
import { parseUrl, pathOf, unscopedHost } from '../../src/pool/parse-url.js';

describe('parseUrl', () => {
  test('scheme and host lower-cased, default ports, path and query kept as given', () => {
    assert.deepEqual(parseUrl('HTTP://Example.ORG/a%20b?q=%7E&x=|'), {
      scheme: 'http',
      host: 'example.org',
      port: 80,
      socketPath: null,
      authority: 'example.org',
      path: '/a%20b?q=%7E&x=|',
      url: 'http://example.org/a%20b?q=%7E&x=|',
      userinfo: null,
    });
    assert.equal(parseUrl('https://h').port, 443);
    assert.equal(parseUrl('https://h').path, '/');
    assert.equal(parseUrl('https://h:443/').authority, 'h');
    assert.equal(parseUrl('http://h:8080').authority, 'h:8080');
  });

  test('credentials and fragment are dropped; a bare query gets a slash', () => {
    const t = parseUrl('http://user:p%40ss@h:81?x=1#frag');
    assert.equal(t.path, '/?x=1');
    assert.equal(t.url, 'http://h:81/?x=1');
    assert.equal(t.host, 'h');
    assert.equal(t.userinfo, 'user:p%40ss');
  });

  test('IPv6 hosts keep their brackets', () => {
    const t = parseUrl('http://[::1]:8080/x');
    assert.equal(t.host, '[::1]');
    assert.equal(t.port, 8080);
    assert.equal(t.authority, '[::1]:8080');
  });

  test("an IPv6 zone ID keeps its case; '%25' is unescaped in the host; the Host header has none", () => {
    // python: parse_url('http://[FE80::1%25eTh0]:80/').host == '[fe80::1%eTh0]' (urllib3 2.7)
    assert.deepEqual(parseUrl('http://[FE80::1%25eTh0]:8080/x?y#z'), {
      scheme: 'http',
      host: '[fe80::1%eTh0]',
      port: 8080,
      socketPath: null,
      authority: '[fe80::1]:8080',
      path: '/x?y',
      url: 'http://[fe80::1%25eTh0]:8080/x?y',
      userinfo: null,
    });
    assert.equal(parseUrl('https://[fe80::1%25eTh0]:443/').authority, '[fe80::1]');
    assert.equal(parseUrl('https://[fe80::1%25eTh0]:443/').url, 'https://[fe80::1%25eTh0]/');
    // A bare '%' as urllib3 takes it; '%25' alone is the zone '25'; escapes in the zone stay.
    assert.equal(parseUrl('http://[fe80::1%eTh0]/').host, '[fe80::1%eTh0]');
    assert.equal(parseUrl('http://[FE80::AB%2525]/').host, '[fe80::ab%25]');
    assert.equal(parseUrl('http://[fe80::1%25]/').host, '[fe80::1%25]');
    assert.equal(parseUrl('http://[fe80::1%25en%300]/').host, '[fe80::1%en%300]');
    for (const url of ['http://[fe80::1%eTh0]/', 'http://[FE80::AB%2525]/']) {
      const t = parseUrl(url);
      assert.deepEqual(parseUrl(t.url), t, `${url}: its url parses to the same value`);
    }
  });

  test('an IPv6 zone ID with a character outside RFC 6874 is LocationParseError', () => {
    for (const url of [
      'http://[fe80::1%25e h]/',
      'http://[fe80::1%25]]/',
      'http://[fe80::1%25e%zz]/',
    ]) {
      assert.throws(() => parseUrl(url), LocationParseError, url);
    }
    assert.throws(() => parseUrl('http://[fe80::1%25e h]/'), /the IPv6 zone ID 'e h' is not valid/);
  });

  test('unscopedHost: the host without its zone ID, any other host as it is', () => {
    assert.equal(unscopedHost('[fe80::1%eTh0]'), '[fe80::1]');
    assert.equal(unscopedHost('[::1]'), '[::1]');
    assert.equal(unscopedHost('example.com'), 'example.com');
  });

  test('bad URLs are LocationParseError naming the problem, without credentials', () => {
    assert.throws(() => parseUrl('ftp://h/'), /Unsupported URL scheme 'ftp'/);
    assert.throws(() => parseUrl('example.org/x'), /no scheme/);
    assert.throws(() => parseUrl('http://'), /no host specified/);
    assert.throws(() => parseUrl('http://h:abc/'), /port 'abc'/);
    assert.throws(() => parseUrl('http://[::1/'), /closing bracket/);
    assert.throws(() => parseUrl('http://a b/'), /host 'a b' is not valid/);
    assert.throws(
      () => parseUrl('gopher://user:secret@h/'),
      (err: Error) => err instanceof LocationParseError && !err.message.includes('secret'),
    );
  });

  test('http+unix: the decoded socket path, Host localhost, the URL as written (case kept)', () => {
    assert.deepEqual(parseUrl('HTTP+UNIX://u:pw@%2Frun%2FApp.sock/a?b=1#f'), {
      scheme: 'http',
      host: 'localhost',
      port: 80,
      socketPath: '/run/App.sock',
      authority: 'localhost',
      path: '/a?b=1',
      url: 'http+unix://%2Frun%2FApp.sock/a?b=1',
      userinfo: 'u:pw',
    });
    const tls = parseUrl('https+unix://%2ftmp%2fs.sock');
    assert.equal(tls.scheme, 'https');
    assert.equal(tls.port, 443);
    assert.equal(tls.socketPath, '/tmp/s.sock');
    assert.equal(tls.path, '/');
    assert.equal(parseUrl('http+unix://%00abstract/x').socketPath, '\0abstract');
  });

  test('http+unix: an empty socket path, a port or a bad escape is LocationParseError saying how to encode', () => {
    assert.throws(() => parseUrl('http+unix:///run/app.sock/x'), /no socket path: .*%2F/);
    assert.throws(() => parseUrl('http+unix://%2Frun%2Fa.sock:80/'), /no port; .*%3A/);
    assert.throws(() => parseUrl('http+unix://%E0%A4%A/'), /not validly percent-encoded/);
  });

  test('pathOf: a path is used as it is (minus fragment), an absolute URL gives its path', () => {
    assert.equal(pathOf('/a?b#c'), '/a?b');
    assert.equal(pathOf('http://h/x?y'), '/x?y');
  });
});
