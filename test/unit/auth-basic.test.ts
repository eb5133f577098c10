/**
 * Basic and proxy auth headers, compared with what python requests 2.34's `_basic_auth_str`
 * produces for the same credentials.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AuthBase,
  basicAuthStr,
  HTTPBasicAuth,
  HTTPDigestAuth,
  HTTPProxyAuth,
} from '../../src/auth.js';
import type { PreparedRequest } from '../../src/models/prepared-request.js';
import { CaseInsensitiveDict } from '../../src/structures.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('basicAuthStr matches python requests', () => {
  const cases: [string | Uint8Array, string | Uint8Array, string][] = [
    ['user', 'pass', 'Basic dXNlcjpwYXNz'],
    ['Aladdin', 'open sesame', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='],
    // str is encoded latin-1 ...
    ['üsér', 'pässwörd', 'Basic /HPpcjpw5HNzd/ZyZA=='],
    // ... bytes go as they are, so UTF-8 credentials are passed encoded
    [utf8('üsér'), utf8('pässwörd'), 'Basic w7xzw6lyOnDDpHNzd8O2cmQ='],
    ['', '', 'Basic Og=='],
    ['a:b', 'c:d', 'Basic YTpiOmM6ZA=='],
  ];
  for (const [user, pass, expected] of cases) {
    test(`${String(user)} / ${String(pass)}`, () => {
      assert.equal(basicAuthStr(user, pass), expected);
    });
  }

  test('a character latin-1 cannot encode throws, as python raises UnicodeEncodeError', () => {
    assert.throws(() => basicAuthStr('€', 'x'), {
      name: 'TypeError',
      message: /username contains "€" \(U\+20AC\) at position 0, which latin-1 cannot encode/,
    });
    assert.throws(() => basicAuthStr('x', 'ab\u{1F600}'), {
      name: 'TypeError',
      message: /password/,
    });
  });
});

/** The one member of PreparedRequest these handlers touch. */
function fakeRequest(): PreparedRequest & { headers: CaseInsensitiveDict<string> } {
  return { headers: new CaseInsensitiveDict<string>() } as unknown as PreparedRequest & {
    headers: CaseInsensitiveDict<string>;
  };
}

describe('auth handlers', () => {
  test('HTTPBasicAuth sets Authorization', () => {
    const r = fakeRequest();
    assert.equal(new HTTPBasicAuth('user', 'pass').call(r), r);
    assert.equal(r.headers.get('authorization'), 'Basic dXNlcjpwYXNz');
    assert.equal(r.headers.has('proxy-authorization'), false);
  });

  test('HTTPProxyAuth sets Proxy-Authorization only', () => {
    const r = fakeRequest();
    new HTTPProxyAuth('user', 'pass').call(r);
    assert.equal(r.headers.get('proxy-authorization'), 'Basic dXNlcjpwYXNz');
    assert.equal(r.headers.has('authorization'), false);
    assert.ok(new HTTPProxyAuth('a', 'b') instanceof HTTPBasicAuth);
  });

  test('equals compares credentials, as requests __eq__', () => {
    assert.ok(new HTTPBasicAuth('u', 'p').equals(new HTTPBasicAuth('u', 'p')));
    assert.ok(new HTTPBasicAuth('u', 'p').equals({ username: 'u', password: 'p' }));
    assert.ok(!new HTTPBasicAuth('u', 'p').equals(new HTTPBasicAuth('u', 'q')));
    assert.ok(
      new HTTPBasicAuth(utf8('u'), utf8('p')).equals(new HTTPBasicAuth(utf8('u'), utf8('p'))),
    );
    assert.ok(!new HTTPBasicAuth(utf8('u'), 'p').equals(new HTTPBasicAuth('u', 'p')));
    assert.ok(new HTTPDigestAuth('u', 'p').equals(new HTTPDigestAuth('u', 'p')));
    assert.ok(!new HTTPDigestAuth('u', 'p').equals(null));
  });

  test('a user subclass of AuthBase', () => {
    class TokenAuth extends AuthBase {
      call(r: PreparedRequest): PreparedRequest {
        (r as unknown as { headers: CaseInsensitiveDict<string> }).headers.set('X-Token', 't');
        return r;
      }
    }
    const r = fakeRequest();
    new TokenAuth().call(r);
    assert.equal(r.headers.get('x-token'), 't');
  });
});
