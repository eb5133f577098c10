import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidURL, MissingSchema } from '../../src/errors.js';
import {
  encodeParams,
  type ParamsInput,
  pathUrlOf,
  prepareUrl,
  reprPy,
  requoteUri,
  unquoteUnreserved,
  urlDefragAuth,
} from '../../src/utils/url.js';

/** [url, params, what python requests 2.34 gave: the prepared URL, or "!Class: message"] */
const PREPARED: Array<[string, unknown, string]> = [
  ['http://example.com', null, 'http://example.com/'],
  ['HTTP://EXAMPLE.COM/A', null, 'http://example.com/A'],
  ['  http://example.com/a b', null, 'http://example.com/a%20b'],
  ['http://example.com/a b?c d#e f', null, 'http://example.com/a%20b?c%20d#e%20f'],
  ['http://example.com/%7Efoo/%41%2f', null, 'http://example.com/~foo/A%2F'],
  ['http://example.com/a%zzb', null, 'http://example.com/a%25zzb'],
  ['http://example.com/%41%zz', null, 'http://example.com/%2541%25zz'],
  ['http://example.com/a/./b/../c', null, 'http://example.com/a/c'],
  ['http://example.com/a/..', null, 'http://example.com/'],
  ['http://example.com?', null, 'http://example.com/'],
  ['http://example.com#', null, 'http://example.com/'],
  ['http://example.com/?#', null, 'http://example.com/'],
  ['http://example.com:8080', null, 'http://example.com:8080/'],
  ['http://example.com:080/', null, 'http://example.com:80/'],
  ['http://example.com:/', null, 'http://example.com/'],
  ['http://example.com:65536/', null, '!InvalidURL: Failed to parse: http://example.com:65536/'],
  ['http://example.com:abc/', null, '!InvalidURL: Failed to parse: http://example.com:abc/'],
  ['http://user:pa ss@example.com/', null, 'http://user:pa%20ss@example.com/'],
  ['http://us@er:p@ss@example.com/', null, 'http://us%40er:p%40ss@example.com/'],
  ['http://[::1]:80/', null, 'http://[::1]:80/'],
  ['http://[FE80::1%25eth0]/', null, 'http://[fe80::1%25eth0]/'],
  ['http://ÄÖÜ.com/ü', null, 'http://xn--4ca0bs.com/%C3%BC'],
  ['http://straße.de/', null, 'http://xn--strae-oqa.de/'],
  ['http://☃.net/', null, '!InvalidURL: Failed to parse: http://☃.net/'],
  ['http://*.example.com/', null, '!InvalidURL: URL has an invalid label.'],
  ['http://.example.com/', null, '!InvalidURL: URL has an invalid label.'],
  ['http://exa_mple.com/', null, 'http://exa_mple.com/'],
  ['http://xn--n3h.net/', null, 'http://xn--n3h.net/'],
  ['http://-a.com/', null, 'http://-a.com/'],
  ['http://a..b/', null, 'http://a..b/'],
  [
    'example.com',
    null,
    "!MissingSchema: Invalid URL 'example.com': No scheme supplied. Perhaps you meant https://example.com?",
  ],
  [
    'example.com/path',
    null,
    "!MissingSchema: Invalid URL 'example.com/path': No scheme supplied. Perhaps you meant https://example.com/path?",
  ],
  ['localhost:8080', null, 'localhost:8080'],
  ['mailto:a@b.com', null, 'mailto:a@b.com'],
  ['data:text/plain,hi', null, 'data:text/plain,hi'],
  ['ftp://x.com/a b', null, 'ftp://x.com/a b'],
  ['httpfoo://x.com/a b', null, 'httpfoo://x.com/a%20b'],
  ['http://', null, "!InvalidURL: Invalid URL 'http://': No host supplied"],
  ['http:///path', null, "!InvalidURL: Invalid URL 'http:///path': No host supplied"],
  ['http://?a=1', null, "!InvalidURL: Invalid URL 'http://?a=1': No host supplied"],
  ['', null, "!MissingSchema: Invalid URL '': No scheme supplied. Perhaps you meant https://?"],
  [
    'http://example.com/path',
    { a: '1', b: ['2', '3'], c: null, d: 'é ü+&=/' },
    'http://example.com/path?a=1&b=2&b=3&d=%C3%A9+%C3%BC%2B%26%3D%2F',
  ],
  ['http://example.com/path?x=1', { a: '1' }, 'http://example.com/path?x=1&a=1'],
  ['http://example.com/path?x=1#frag', { a: '1' }, 'http://example.com/path?x=1&a=1#frag'],
  [
    'http://example.com/path',
    [
      ['a', '1'],
      ['a', '2'],
    ],
    'http://example.com/path?a=1&a=2',
  ],
  ['http://example.com/path', 'a=1&b=c d', 'http://example.com/path?a=1&b=c%20d'],
  ['http://example.com/path', 'a=%41%zz', 'http://example.com/path?a=%2541%25zz'],
  ['http://example.com/path', {}, 'http://example.com/path'],
  ['http://example.com/path', { a: null }, 'http://example.com/path'],
  ['http://example.com/path', { a: '' }, 'http://example.com/path?a='],
  ['http://example.com/path', { a: [null, 'x', null] }, 'http://example.com/path?a=x'],
  ['http://example.com/path', { a: "~-._*!'()" }, 'http://example.com/path?a=~-._%2A%21%27%28%29'],
  ['http://example.com/pa%th', null, 'http://example.com/pa%25th'],
  ['http://example.com/pé', null, 'http://example.com/p%C3%A9'],
  ['http://example.com/a|b{c}^`\\', null, 'http://example.com/a%7Cb%7Bc%7D%5E%60%5C'],
  ['http://example.com/a"<>', null, 'http://example.com/a%22%3C%3E'],
  ['http://example.com/?q=a|b{c}"<>\'', null, "http://example.com/?q=a%7Cb%7Bc%7D%22%3C%3E'"],
  ['http://example.com/#a|b{c} #', null, 'http://example.com/#a%7Cb%7Bc%7D%20%23'],
  ['http://example.com/;a=b', null, 'http://example.com/;a=b'],
  ['http://example.com/[x]', null, 'http://example.com/%5Bx%5D'],
  ['http://u%41:p%zz@example.com/', null, 'http://u%2541:p%25zz@example.com/'],
  ['http://example.com\\foo', null, 'http://example.com/%5Cfoo'],
  ['HTTPS://Example.COM:443/', null, 'https://example.com:443/'],
  ['http://example.com/a%2Fb%2fc%7e%7E%20', null, 'http://example.com/a%2Fb%2Fc~~%20'],
  ['http://1.2.3.4/', null, 'http://1.2.3.4/'],
  ['http://999.2.3.4/', null, 'http://999.2.3.4/'],
  ['http://exa mple.com/', null, 'http://exa%20mple.com/'],
  ['http://a.com/\t\n', null, 'http://a.com/%09%0A'],
  ['http://example.com/?a=1&&b', null, 'http://example.com/?a=1&&b'],
  ['http://example.com/a?b?c', null, 'http://example.com/a?b?c'],
  ['http://example.com/%', null, 'http://example.com/%25'],
  ['http://example.com/%4', null, 'http://example.com/%254'],
  ['http://example.com/%ü', null, 'http://example.com/%25%C3%BC'],
];

function prepared(url: string, params: unknown): string {
  try {
    return prepareUrl(url, params as ParamsInput);
  } catch (err) {
    return `!${(err as Error).name}: ${(err as Error).message}`;
  }
}

describe('prepareUrl (requests prepare_url)', () => {
  test('matches python requests on every case', () => {
    for (const [url, params, expected] of PREPARED) {
      assert.equal(
        prepared(url, params),
        expected,
        `${JSON.stringify(url)} ${JSON.stringify(params)}`,
      );
    }
  });

  test('errors are requests classes', () => {
    assert.throws(() => prepareUrl('example.com'), MissingSchema);
    assert.throws(() => prepareUrl('http://'), InvalidURL);
    assert.throws(() => prepareUrl('http://h:99999/'), InvalidURL);
    assert.throws(() => prepareUrl('http://*.example.com/'), InvalidURL);
  });

  test('http+unix: the socket path keeps its case and escapes; the path is normalised as http', () => {
    assert.equal(
      prepareUrl('HTTP+UNIX://%2Frun%2FApp.sock/a/../b c', { q: 'x' }),
      'http+unix://%2Frun%2FApp.sock/b%20c?q=x',
    );
    assert.equal(prepareUrl('http+unix://%2ftmp%2fa.sock'), 'http+unix://%2ftmp%2fa.sock/');
    assert.equal(
      prepareUrl('http+unix://%2Ftmp%2Fcafé.sock/'),
      'http+unix://%2Ftmp%2Fcaf%C3%A9.sock/',
    );
    assert.equal(prepareUrl('http+unix://.%2Frel.sock/'), 'http+unix://.%2Frel.sock/');
    assert.equal(prepareUrl('http+unix://u:p@%2Fa.sock/'), 'http+unix://u:p@%2Fa.sock/');
  });

  test('http+unix: slashes left in the path or a port are InvalidURL saying how to encode', () => {
    assert.throws(() => prepareUrl('http+unix:///run/app.sock/x'), {
      name: 'InvalidURL',
      message: /No socket path supplied; percent-encode .*%2F.*encodeURIComponent/,
    });
    assert.throws(() => prepareUrl('https+unix:///run/app.sock'), InvalidURL);
    assert.throws(() => prepareUrl('http+unix://%2Fa.sock:8080/'), /no port.*%3A/);
    assert.throws(() => prepareUrl('http+unix://%2Fa.sock:/'), /no port/);
  });

  test('accepts a URL object, URLSearchParams and a Map', () => {
    assert.equal(prepareUrl(new URL('http://a.com/x?y=1')), 'http://a.com/x?y=1');
    assert.equal(
      prepareUrl(
        'http://a.com/',
        new URLSearchParams([
          ['a', '1'],
          ['a', 'b c'],
        ]),
      ),
      'http://a.com/?a=1&a=b+c',
    );
    assert.equal(prepareUrl('http://a.com/', new Map([['k', 'v']])), 'http://a.com/?k=v');
  });

  test('fast path and full parse agree on plain URLs with params', () => {
    // The second URL goes through the full parse (upper-case host), the first does not.
    const p = { q: ['x y', 'é'], n: 2, t: true, b: new Uint8Array([0xff, 0x20]) };
    assert.equal(
      prepareUrl('http://a.com:8080/p?z=1', p),
      'http://a.com:8080/p?z=1&q=x+y&q=%C3%A9&n=2&t=true&b=%FF+',
    );
    assert.equal(
      prepareUrl('http://A.com:8080/p?z=1', p),
      'http://a.com:8080/p?z=1&q=x+y&q=%C3%A9&n=2&t=true&b=%FF+',
    );
    assert.equal(prepareUrl('http://a.com:65535/'), 'http://a.com:65535/');
    assert.equal(prepareUrl('http://a.com/a/./b'), 'http://a.com/a/b');
    assert.equal(prepareUrl('http://a.com/a/..?x'), 'http://a.com/?x');
  });

  test('bad params raise a TypeError naming the forms', () => {
    assert.throws(() => prepareUrl('http://a.com/', [['a']] as never), /\[key, value\] pairs/);
    assert.throws(() => prepareUrl('http://a.com/', 5 as never), /params must be a record/);
  });
});

describe('requoteUri / unquoteUnreserved', () => {
  test('requoteUri as requests', () => {
    const cases: Array<[string, string]> = [
      ['http://example.com/a b%7E%41%2f', 'http://example.com/a%20b~A%2f'],
      ['http://example.com/%zz/a b', 'http://example.com/%25zz/a%20b'],
      ['http://e.com/%E2%82%AC€', 'http://e.com/%E2%82%AC%E2%82%AC'],
      ['http://e.com/?a=b c&d=%7e', 'http://e.com/?a=b%20c&d=~'],
      ['http://e.com/%', 'http://e.com/%'],
      [`http://e.com/a'b"c<>`, "http://e.com/a'b%22c%3C%3E"],
    ];
    for (const [input, expected] of cases) assert.equal(requoteUri(input), expected);
  });

  test('unquoteUnreserved as requests', () => {
    assert.equal(unquoteUnreserved('%7E%41%2f%25'), '~A%2f%25');
    assert.equal(unquoteUnreserved('a%4'), 'a%4');
    assert.equal(unquoteUnreserved('%E2%82'), '%E2%82');
    assert.throws(() => unquoteUnreserved('%zz'), {
      name: 'InvalidURL',
      message: "Invalid percent-escape sequence: 'zz'",
    });
  });
});

describe('URL helpers', () => {
  test('urlDefragAuth as requests', () => {
    const cases: Array<[string, string]> = [
      ['http://user:pass@host/p?q#f', 'http://host/p?q'],
      ['host/path#x', '//host/path'],
      ['http://host', 'http://host'],
      ['http://a@b@c/p#', 'http://c/p'],
      ['https://h:8080/a;b?c#d', 'https://h:8080/a;b?c'],
    ];
    for (const [url, expected] of cases) assert.equal(urlDefragAuth(url), expected, url);
  });

  test('pathUrlOf as requests path_url', () => {
    const cases: Array<[string, string]> = [
      ['http://h/p?q#f', '/p?q'],
      ['http://h', '/'],
      ['http://h?', '/'],
      ['http://h?x', '/?x'],
      ['http://h/#f', '/'],
      ['http://h/a/b?c=d&e', '/a/b?c=d&e'],
    ];
    for (const [url, expected] of cases) assert.equal(pathUrlOf(url), expected, url);
  });

  test('encodeParams as urlencode(doseq=True)', () => {
    assert.equal(
      encodeParams({ a: '1', b: ['2', '3'], c: null, d: 'é ü+&=/' }),
      'a=1&b=2&b=3&d=%C3%A9+%C3%BC%2B%26%3D%2F',
    );
    assert.equal(encodeParams({ a: "~-._*!'()" }), 'a=~-._%2A%21%27%28%29');
    assert.equal(encodeParams([['a', [null, 'x', undefined]]]), 'a=x');
    assert.equal(encodeParams('raw=string'), 'raw=string');
  });

  test('reprPy quotes as Python repr', () => {
    assert.equal(reprPy('a\rb'), "'a\\rb'");
    assert.equal(reprPy("it's"), `"it's"`);
    assert.equal(reprPy(`'"`), `'\\'"'`);
    assert.equal(reprPy('\x00é\u2028'), "'\\x00é\\u2028'");
    assert.equal(reprPy(new Uint8Array([10, 0x61, 0xff])), "b'\\na\\xff'");
  });
});
