import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { poolKey, unixPoolKey } from '../../src/pool/pool-key.js';

describe('poolKey', () => {
  test('a Unix socket pool is keyed by its decoded path; TLS settings count for https only', () => {
    assert.equal(unixPoolKey('http', '/run/a.sock'), 'http+unix://%2Frun%2Fa.sock');
    assert.notEqual(unixPoolKey('http', '/run/a.sock'), unixPoolKey('http', '/run/b.sock'));
    assert.notEqual(unixPoolKey('http', '/run/a.sock'), unixPoolKey('https', '/run/a.sock'));
    assert.notEqual(unixPoolKey('http', '/run/a.sock'), poolKey('http', '%2Frun%2Fa.sock', 80));
    const verify = unixPoolKey('https', '/s', { rejectUnauthorized: true });
    assert.notEqual(verify, unixPoolKey('https', '/s', { rejectUnauthorized: false }));
    assert.equal(
      unixPoolKey('http', '/s', { rejectUnauthorized: false }),
      unixPoolKey('http', '/s'),
    );
  });

  test('origin only for http, TLS settings ignored there', () => {
    assert.equal(poolKey('http', 'h', 80), 'http://h:80');
    assert.equal(poolKey('http', 'h', 80, { rejectUnauthorized: false }), 'http://h:80');
  });

  test('https keys differ by verification, CA id and client certificate id', () => {
    const base = poolKey('https', 'h', 443, { rejectUnauthorized: true });
    assert.notEqual(base, poolKey('https', 'h', 443, { rejectUnauthorized: false }));
    assert.notEqual(
      base,
      poolKey('https', 'h', 443, { rejectUnauthorized: true, caId: '/etc/ca.pem' }),
    );
    assert.notEqual(base, poolKey('https', 'h', 443, { rejectUnauthorized: true, certId: 'c1' }));
    assert.equal(base, poolKey('https', 'h', 443, { rejectUnauthorized: true }));
  });

  test('CA bytes without an id are keyed by a digest, never by the bytes', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const a = poolKey('https', 'h', 443, { rejectUnauthorized: true, ca: pem });
    const b = poolKey('https', 'h', 443, { rejectUnauthorized: true, ca: Buffer.from(pem) });
    const c = poolKey('https', 'h', 443, { rejectUnauthorized: true, ca: `${pem}x` });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.ok(!a.includes('BEGIN'));
  });

  test('proxy URL and headers are part of the key, header order and case do not matter', () => {
    const p1 = poolKey('https', 'h', 443, null, {
      url: 'http://proxy:3128',
      headers: { A: '1', b: '2' },
    });
    const p2 = poolKey('https', 'h', 443, null, {
      url: 'http://proxy:3128',
      headers: { B: '2', a: '1' },
    });
    const p3 = poolKey('https', 'h', 443, null, { url: 'http://proxy:3128', headers: { a: '9' } });
    assert.equal(p1, p2);
    assert.notEqual(p1, p3);
    assert.notEqual(p1, poolKey('https', 'h', 443));
  });
});
