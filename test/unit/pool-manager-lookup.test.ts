import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseUrl } from '../../src/pool/parse-url.js';
import { PoolManager } from '../../src/pool/pool-manager.js';
import { tlsSettingsFrom } from '../../src/pool/tls.js';

describe('PoolManager.connectionFromUrl', () => {
  test('the same origin gets the same pool, another origin or port another one', async () => {
    const pm = new PoolManager({ numPools: 4 });
    const a = pm.connectionFromUrl('http://127.0.0.1:800/a');
    assert.equal(pm.connectionFromUrl('http://127.0.0.1:800?q=1'), a);
    assert.equal(pm.connectionFromUrl('http://127.0.0.1:800'), a);
    assert.notEqual(
      pm.connectionFromUrl('http://127.0.0.1:8001/'),
      a,
      'a longer port is another origin',
    );
    assert.notEqual(pm.connectionFromUrl('http://127.0.0.2:800/'), a);
    assert.equal(pm.connectionFromUrl('http://127.0.0.1:800/b'), a);
    await pm.close();
  });

  test('TLS settings pick the pool, and a closed manager makes new pools', async () => {
    const pm = new PoolManager();
    const verified = pm.connectionFromUrl('https://localhost:8443/');
    const unverified = pm.connectionFromUrl('https://localhost:8443/', {
      tls: tlsSettingsFrom(false),
    });
    assert.notEqual(verified, unverified);
    assert.equal(
      pm.connectionFromUrl('https://localhost:8443/x', { tls: tlsSettingsFrom(false) }),
      unverified,
    );
    await pm.close();
    assert.notEqual(
      pm.connectionFromUrl('https://localhost:8443/x', { tls: tlsSettingsFrom(false) }),
      unverified,
    );
    await pm.close();
  });

  test('an evicted pool is never handed out again', async () => {
    const pm = new PoolManager({ numPools: 1 });
    const a = pm.connectionFromUrl('http://127.0.0.1:8001/');
    pm.connectionFromUrl('http://127.0.0.2:8001/');
    const again = pm.connectionFromUrl('http://127.0.0.1:8001/');
    assert.notEqual(again, a);
    assert.equal(a.closed, true);
    await pm.close();
  });
});

describe('PoolManager.connectionFromTarget (the parsed URL a PreparedRequest carries)', () => {
  test('the same origin gets the same pool from any path; another socket another pool', async () => {
    const pm = new PoolManager({ numPools: 4 });
    const a = pm.connectionFromTarget(parseUrl('http://127.0.0.1:800/a'));
    assert.equal(pm.connectionFromTarget(parseUrl('http://127.0.0.1:800/b?c')), a);
    assert.notEqual(pm.connectionFromTarget(parseUrl('https://127.0.0.1:800/')), a);
    const one = pm.connectionFromTarget(parseUrl('http+unix://%2Ftmp%2Fone.sock/'));
    const two = pm.connectionFromTarget(parseUrl('http+unix://%2Ftmp%2Ftwo.sock/'));
    assert.notEqual(one, two, 'both are Host localhost:80, on different sockets');
    assert.equal(pm.connectionFromTarget(parseUrl('http+unix://%2Ftmp%2Ftwo.sock/x')), two);
    await pm.close();
  });

  test('TLS settings pick the pool; mixed with connectionFromUrl, each origin keeps its pool', async () => {
    const pm = new PoolManager();
    const target = parseUrl('https://localhost:8443/');
    const verified = pm.connectionFromTarget(target);
    const unverified = pm.connectionFromTarget(target, { tls: tlsSettingsFrom(false) });
    assert.notEqual(verified, unverified);
    assert.equal(pm.connectionFromTarget(target), verified);
    const a = pm.connectionFromUrl('http://127.0.0.1:801/');
    const b = pm.connectionFromTarget(parseUrl('http://127.0.0.2:801/'));
    assert.notEqual(a, b);
    assert.equal(pm.connectionFromUrl('http://127.0.0.1:801/x'), a);
    assert.equal(pm.connectionFromTarget(parseUrl('http://127.0.0.2:801/y')), b);
    await pm.close();
  });

  test('an evicted pool is never handed out again', async () => {
    const pm = new PoolManager({ numPools: 1 });
    const a = pm.connectionFromTarget(parseUrl('http://127.0.0.1:8001/'));
    pm.connectionFromTarget(parseUrl('http://127.0.0.2:8001/'));
    const again = pm.connectionFromTarget(parseUrl('http://127.0.0.1:8001/'));
    assert.notEqual(again, a);
    assert.equal(a.closed, true);
    await pm.close();
  });
});
