/**
 * HTTPDigestAuth's header computation against values produced by python requests 2.34's
 * `HTTPDigestAuth.build_digest_header` with the same challenge and client nonces (os.urandom and
 * time.ctime fixed there to make its cnonce reproducible; the cnonces are replayed here).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPDigestAuth, parseDictHeader } from '../../src/auth.js';

/** An HTTPDigestAuth whose client nonces come from a list, as python's were. */
class FixedCnonceAuth extends HTTPDigestAuth {
  readonly cnonces: string[];
  constructor(user: string, pass: string, cnonces: string[]) {
    super(user, pass);
    this.cnonces = [...cnonces];
  }
  protected override makeCnonce(): string {
    return this.cnonces.shift() ?? 'exhausted';
  }
}

// The cnonces python produced for nonce counts 1, 2, 3.
const CNONCES = ['16f1b6e92c102f71', 'fb5aa0e10bda6d1e', '97be8ec654ba7d20'];
const URL_1 = 'http://h:1/dir/index.html?x=1&y=2#frag';

// Each case: the challenge, then the headers for GET URL_1 twice and POST http://h (python's).
const PYTHON_CASES: { chal: Record<string, string>; headers: (string | null)[] }[] = [
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      qop: 'auth',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
    },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="361b71cc0b9d5ca781f737f30acb8bc6", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop="auth", nc=00000001, cnonce="16f1b6e92c102f71"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="f2ad9e5b09373b9391871aedb811592d", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop="auth", nc=00000002, cnonce="fb5aa0e10bda6d1e"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="5a006b3eadaf5b2fb03ec52fe8452f22", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop="auth", nc=00000003, cnonce="97be8ec654ba7d20"',
    ],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'MD5',
      qop: 'auth',
    },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="361b71cc0b9d5ca781f737f30acb8bc6", algorithm="MD5", qop="auth", nc=00000001, cnonce="16f1b6e92c102f71"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="f2ad9e5b09373b9391871aedb811592d", algorithm="MD5", qop="auth", nc=00000002, cnonce="fb5aa0e10bda6d1e"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="5a006b3eadaf5b2fb03ec52fe8452f22", algorithm="MD5", qop="auth", nc=00000003, cnonce="97be8ec654ba7d20"',
    ],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'MD5-sess',
      qop: 'auth',
      opaque: 'op',
    },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="9eb7057aa02eb228d7bd403fc7ac2d5b", opaque="op", algorithm="MD5-sess", qop="auth", nc=00000001, cnonce="16f1b6e92c102f71"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="d49cbfbf85e06bb83601f96a8d403ed5", opaque="op", algorithm="MD5-sess", qop="auth", nc=00000002, cnonce="fb5aa0e10bda6d1e"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="75546de3eb68f1285adde1cbdd9f72b9", opaque="op", algorithm="MD5-sess", qop="auth", nc=00000003, cnonce="97be8ec654ba7d20"',
    ],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'SHA',
      qop: 'auth',
    },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="acf009fdf16d7d2b522e8d9fabe772b08cb01b54", algorithm="SHA", qop="auth", nc=00000001, cnonce="16f1b6e92c102f71"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="ac7c2e442f33ce613f2e6a0e9a3fcbfd59a9ed0f", algorithm="SHA", qop="auth", nc=00000002, cnonce="fb5aa0e10bda6d1e"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="a9513b61a6d3a8c6a0898bb1a9ba0aec6edd0bd2", algorithm="SHA", qop="auth", nc=00000003, cnonce="97be8ec654ba7d20"',
    ],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'SHA-256',
      qop: 'auth',
      opaque: 'op',
    },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="7d24c0fb1d249a5500cf9952fb6afc97922efbe1329fb8a41245398f6e09f4af", opaque="op", algorithm="SHA-256", qop="auth", nc=00000001, cnonce="16f1b6e92c102f71"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="d4b7256be374a017e02d80c8177dbdc9a7b548f22f4955aa4005922c922e9855", opaque="op", algorithm="SHA-256", qop="auth", nc=00000002, cnonce="fb5aa0e10bda6d1e"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="ec6097d4faec05368bfcc06800586c2574fc9860f4a7e5ed7d77cd94c051ab55", opaque="op", algorithm="SHA-256", qop="auth", nc=00000003, cnonce="97be8ec654ba7d20"',
    ],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'SHA-512',
      qop: 'auth,auth-int',
    },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="2439f94ac9c0cfc1a558b472a3882c021a310ca5bd15c4b10ef265f039c3cbca05e4d3ae8a07a3286af0f23354eb8397b10060b25bc9ae63c9ea304f3b6b8049", algorithm="SHA-512", qop="auth", nc=00000001, cnonce="16f1b6e92c102f71"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="d7e767a7ea676c5ead16d14b7e79719ec01c45d6cc7da20b90ff3ca78f141c61dbbad6d768f840e033b4d473a35aadff31c89147909d914722ef3bb1b79f7f2f", algorithm="SHA-512", qop="auth", nc=00000002, cnonce="fb5aa0e10bda6d1e"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="74d43dd803f74b2b2183b2470602b7a65b6688d0fca825745529b89a09de1fc10a819ac50c52ab894d1341eae0617a7c5c82551a478b1c341a6290954be954fa", algorithm="SHA-512", qop="auth", nc=00000003, cnonce="97be8ec654ba7d20"',
    ],
  },
  {
    chal: { realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093' },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="f3e88a4e86ef8f71368c76dd2bad5183"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="f3e88a4e86ef8f71368c76dd2bad5183"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="39506efc66f619f3b8424bd95d95d082"',
    ],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'SHA-256',
      opaque: 'x',
    },
    headers: [
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="df46f7f97ffe622fe9629f60fd206a0da2cfd3833cd46d21a70b103489995ebc", opaque="x", algorithm="SHA-256"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html?x=1&y=2", response="df46f7f97ffe622fe9629f60fd206a0da2cfd3833cd46d21a70b103489995ebc", opaque="x", algorithm="SHA-256"',
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/", response="950590747cf3ee76fef7c52540a67d19ae71325de0008975aff26970babee655", opaque="x", algorithm="SHA-256"',
    ],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'MD5',
      qop: 'auth-int',
    },
    headers: [null, null, null],
  },
  {
    chal: {
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'SHA3',
      qop: 'auth',
    },
    headers: [null, null, null],
  },
];

describe('HTTPDigestAuth.buildDigestHeader matches python requests', () => {
  for (const { chal, headers } of PYTHON_CASES) {
    const name = `algorithm=${chal['algorithm'] ?? '(none)'} qop=${chal['qop'] ?? '(none)'} opaque=${chal['opaque'] ?? '(none)'}`;
    test(name, () => {
      const auth = new FixedCnonceAuth('Mufasa', 'Circle of Life', CNONCES);
      auth.chal = { ...chal };
      assert.equal(auth.buildDigestHeader('GET', URL_1), headers[0]);
      assert.equal(auth.buildDigestHeader('GET', URL_1), headers[1]);
      assert.equal(auth.buildDigestHeader('POST', 'http://h'), headers[2]);
    });
  }

  test('non-ASCII credentials and URI are hashed as UTF-8', () => {
    const auth = new FixedCnonceAuth('üsér', 'pässwörd€', ['82a691b21f5966e7']);
    auth.chal = { realm: 'r', nonce: 'n', qop: 'auth', algorithm: 'SHA-256' };
    assert.equal(
      auth.buildDigestHeader('GET', 'http://h/ü?q=é'),
      'Digest username="üsér", realm="r", nonce="n", uri="/ü?q=é", response="6fddfc56417e4084c5b12e7860247e4e3f9787090d6155df431488b21a65233d", algorithm="SHA-256", qop="auth", nc=00000001, cnonce="82a691b21f5966e7"',
    );
  });
});

describe('HTTPDigestAuth.buildDigestHeader', () => {
  test('RFC 2617 section 3.5 example', () => {
    const auth = new FixedCnonceAuth('Mufasa', 'Circle Of Life', ['0a4f113b']);
    auth.chal = parseDictHeader(
      'realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const header = auth.buildDigestHeader('GET', 'http://www.nowhere.org/dir/index.html');
    assert.match(header ?? '', /response="6629fae49393a05397450978507c4ef1"/);
    assert.match(header ?? '', /nc=00000001, cnonce="0a4f113b"$/);
  });

  test('a new nonce restarts the nonce count', () => {
    const auth = new FixedCnonceAuth('u', 'p', ['a', 'b', 'c']);
    auth.chal = { realm: 'r', nonce: 'n1', qop: 'auth' };
    auth.buildDigestHeader('GET', 'http://h/');
    assert.match(auth.buildDigestHeader('GET', 'http://h/') ?? '', /nc=00000002/);
    auth.chal = { realm: 'r', nonce: 'n2', qop: 'auth' };
    assert.match(auth.buildDigestHeader('GET', 'http://h/') ?? '', /nc=00000001/);
    assert.equal(auth.lastNonce, 'n2');
  });

  test('no realm or nonce: no header', () => {
    const auth = new HTTPDigestAuth('u', 'p');
    auth.chal = { nonce: 'n' };
    assert.equal(auth.buildDigestHeader('GET', 'http://h/'), null);
    auth.chal = { realm: 'r' };
    assert.equal(auth.buildDigestHeader('GET', 'http://h/'), null);
  });

  test('the default client nonce is 16 hex digits and changes', () => {
    const auth = new HTTPDigestAuth('u', 'p');
    auth.chal = { realm: 'r', nonce: 'n', qop: 'auth' };
    const a = /cnonce="([0-9a-f]{16})"/.exec(auth.buildDigestHeader('GET', 'http://h/') ?? '');
    const b = /cnonce="([0-9a-f]{16})"/.exec(auth.buildDigestHeader('GET', 'http://h/') ?? '');
    assert.ok(a && b);
    assert.notEqual(a[1], b[1]);
  });
});

describe('parseDictHeader (requests.utils.parse_dict_header)', () => {
  test('quoted commas, escaped quotes, flags', () => {
    // python: {'realm': 'a, b', 'nonce': 'x"y', 'qop': 'auth,auth-int', 'stale': 'true', 'flag': None}
    assert.deepEqual(
      parseDictHeader('realm="a, b", nonce="x\\"y", qop="auth,auth-int", stale=true, flag'),
      { realm: 'a, b', nonce: 'x"y', qop: 'auth,auth-int', stale: 'true', flag: null },
    );
  });
});
