/**
 * getNetrcAuth and the netrc parser against python requests 2.34's get_netrc_auth on the same
 * files (results recorded from python; the file is named by the NETRC environment variable).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { refreshEnvironment } from '../../src/utils/environment.js';
import { getNetrcAuth, NetrcParseError, parseNetrc } from '../../src/utils/netrc.js';

const URLS = [
  'http://example.org/',
  'https://EXAMPLE.org:8443/x',
  'http://user@example.org/',
  'http://nothere.net/',
  'http://[::1]:80/',
  'http://127.0.0.1:9/',
  'example.org/x',
];

// For each file: python's get_netrc_auth(url) for every URL of URLS, and the message of the
// error get_netrc_auth(URLS[0], raise_errors=True) raised (null when none).
const PYTHON_CASES: {
  name: string;
  text: string;
  expected: ([string, string] | null)[];
  error: string | null;
}[] = [
  {
    name: 'basic',
    text: 'machine example.org login me password s3cret\nmachine other.org login you password pw\n',
    expected: [['me', 's3cret'], ['me', 's3cret'], ['me', 's3cret'], null, null, null, null],
    error: null,
  },
  {
    name: 'default',
    text: 'machine example.org login me password s3cret\ndefault login anon password guest\n',
    expected: [
      ['me', 's3cret'],
      ['me', 's3cret'],
      ['me', 's3cret'],
      ['anon', 'guest'],
      ['anon', 'guest'],
      ['anon', 'guest'],
      null,
    ],
    error: null,
  },
  {
    name: 'account',
    text: 'machine example.org account acct password pw\n',
    expected: [['acct', 'pw'], ['acct', 'pw'], ['acct', 'pw'], null, null, null, null],
    error: null,
  },
  {
    name: 'quoted',
    text: 'machine example.org login "my name" password "pa ss\\"word"\n',
    expected: [
      ['my name', 'pa ss"word'],
      ['my name', 'pa ss"word'],
      ['my name', 'pa ss"word'],
      null,
      null,
      null,
      null,
    ],
    error: null,
  },
  {
    name: 'comments',
    text: '# top comment\nmachine example.org # trailing\n  login me # c\n  password pw\n',
    expected: [['me', 'pw'], ['me', 'pw'], ['me', 'pw'], null, null, null, null],
    error: null,
  },
  {
    name: 'macdef',
    text: 'macdef init\ncd /pub\nbin\n\nmachine example.org login me password pw\n',
    expected: [['me', 'pw'], ['me', 'pw'], ['me', 'pw'], null, null, null, null],
    error: null,
  },
  {
    name: 'user',
    text: 'machine example.org user me password pw',
    expected: [['me', 'pw'], ['me', 'pw'], ['me', 'pw'], null, null, null, null],
    error: null,
  },
  {
    name: 'nopass',
    text: 'machine example.org login me',
    expected: [['me', ''], ['me', ''], ['me', ''], null, null, null, null],
    error: null,
  },
  {
    name: 'bad',
    text: 'machine example.org login me bogus x\n',
    expected: [null, null, null, null, null, null, null],
    error: "bad follower token 'bogus' (<FILE>, line 1)",
  },
  {
    name: 'ipv6',
    text: 'machine ::1 login six password pw\nmachine 127.0.0.1 login four password pw4\n',
    expected: [null, null, null, null, ['six', 'pw'], ['four', 'pw4'], null],
    error: null,
  },
  {
    name: 'later',
    text: 'machine example.org login first password 1\nmachine example.org login second password 2\n',
    expected: [['second', '2'], ['second', '2'], ['second', '2'], null, null, null, null],
    error: null,
  },
  {
    name: 'upper',
    text: 'machine Example.ORG login me password pw\n',
    expected: [null, null, null, null, null, null, null],
    error: null,
  },
  {
    name: 'macnoend',
    text: 'macdef init\ncd /pub',
    expected: [null, null, null, null, null, null, null],
    error: 'Macro definition missing null line terminator. (<FILE>, line 2)',
  },
];

const dir = mkdtempSync(join(tmpdir(), 'requests-ts-netrc-'));
const savedNetrc = process.env['NETRC'];
after(() => {
  if (savedNetrc === undefined) delete process.env['NETRC'];
  else process.env['NETRC'] = savedNetrc;
  rmSync(dir, { recursive: true, force: true });
});

function useNetrc(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  process.env['NETRC'] = file;
  return file;
}

describe('getNetrcAuth matches python requests', () => {
  for (const { name, text, expected, error } of PYTHON_CASES) {
    test(name, () => {
      const file = useNetrc(name, text);
      assert.deepEqual(
        URLS.map((u) => getNetrcAuth(u)),
        expected,
      );
      if (error === null) {
        assert.doesNotThrow(() => getNetrcAuth(URLS[0]!, true));
      } else {
        assert.throws(
          () => getNetrcAuth(URLS[0]!, true),
          (err: unknown) => {
            assert.ok(err instanceof NetrcParseError);
            assert.equal(err.message, error.replace('<FILE>', file));
            return true;
          },
        );
      }
    });
  }
});

describe('getNetrcAuth', () => {
  test('no file at NETRC: null', () => {
    process.env['NETRC'] = join(dir, 'missing');
    assert.equal(getNetrcAuth('http://example.org/'), null);
    assert.equal(getNetrcAuth('http://example.org/', true), null);
  });

  test('an unreadable path (a directory) is null, or its error with raiseErrors', () => {
    process.env['NETRC'] = dir;
    assert.equal(getNetrcAuth('http://example.org/'), null);
    assert.throws(() => getNetrcAuth('http://example.org/', true), { code: 'EISDIR' });
  });

  test('a rewritten file is read again after refreshEnvironment() (or within a second)', () => {
    useNetrc('rewritten', 'machine example.org login a password 1\n');
    assert.deepEqual(getNetrcAuth('http://example.org/'), ['a', '1']);
    useNetrc('rewritten', 'machine example.org login bb password 22\n');
    refreshEnvironment();
    assert.deepEqual(getNetrcAuth('http://example.org/'), ['bb', '22']);
  });

  test('~/.netrc when NETRC is unset', () => {
    const home = mkdtempSync(join(dir, 'home-'));
    writeFileSync(join(home, '.netrc'), 'machine example.org login h password hp\n');
    const savedHome = process.env['HOME'];
    delete process.env['NETRC'];
    process.env['HOME'] = home;
    try {
      assert.deepEqual(getNetrcAuth('http://example.org/'), ['h', 'hp']);
    } finally {
      if (savedHome === undefined) delete process.env['HOME'];
      else process.env['HOME'] = savedHome;
    }
  });
});

describe('parseNetrc', () => {
  test('machines, default, account, macros', () => {
    const netrc = parseNetrc(
      'machine a login la password pa account aa\ndefault login d password pd\nmacdef m\nline 1\nline 2\n\nmachine b password pb\n',
    );
    assert.deepEqual(netrc.hosts.get('a'), { login: 'la', account: 'aa', password: 'pa' });
    assert.deepEqual(netrc.hosts.get('default'), { login: 'd', account: '', password: 'pd' });
    assert.deepEqual(netrc.hosts.get('b'), { login: '', account: '', password: 'pb' });
    assert.deepEqual(netrc.macros.get('m'), ['line 1\n', 'line 2\n']);
  });

  test('backslash escapes outside quotes', () => {
    const netrc = parseNetrc('machine h login a\\ b password c\\\\d');
    assert.deepEqual(netrc.hosts.get('h'), { login: 'a b', account: '', password: 'c\\d' });
  });

  test('errors name the file and line', () => {
    assert.throws(() => parseNetrc('\n\nlogin x', 'f'), {
      name: 'NetrcParseError',
      message: "bad toplevel token 'login' (f, line 3)",
    });
    assert.throws(() => parseNetrc('machine', 'f'), {
      message: "missing 'machine' name (f, line 1)",
    });
  });
});
