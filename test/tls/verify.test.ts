/**
 * requests' `verify` through the pool layer: settings from tlsSettingsFrom (a CA file, a CA
 * directory, true, false) on ConnectionPools with the TLS connector, against https servers with
 * generated certificates; every failure is a PoolSSLError saying which failure it was.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PoolSSLError } from '../../src/_internal/pool-errors.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { PoolManager } from '../../src/pool/pool-manager.js';
import { tlsConnectorFactory, tlsSettingsFrom, type VerifyInput } from '../../src/pool/tls.js';
import { certs, type HttpsServerOptions, startHttpsServer } from '../helpers/certs.js';
import { startServer } from '../helpers/server.js';

type Which = NonNullable<HttpsServerOptions['which']>;

/** One GET with `verify` to a server presenting `which`: the status, or the error. */
async function get(which: Which, verify: VerifyInput): Promise<number | Error> {
  const server = await startHttpsServer({ which });
  const tls = tlsSettingsFrom(verify);
  const pool = new ConnectionPool({
    scheme: 'https',
    host: '127.0.0.1',
    port: server.port,
    tls,
    connectorFactory: tlsConnectorFactory(tls),
  });
  try {
    return (await pool.urlopen('GET', '/', { retries: false })).status;
  } catch (err) {
    return err as Error;
  } finally {
    await pool.close();
    await server.close();
  }
}

describe('verify through the TLS connector', () => {
  test('a server signed by the CA is trusted through the bundle file and the directory', async () => {
    const c = certs();
    assert.equal(await get('server', c.caFile), 200);
    assert.equal(await get('server', c.caDir), 200);
  });

  test('verify false accepts anything; an unrelated CA trusts nothing of ours', async () => {
    const c = certs();
    assert.equal(await get('selfSigned', false), 200);
    assert.equal(await get('expired', false), 200);
    const other = await get('server', c.otherCaFile);
    assert.ok(other instanceof PoolSSLError, String(other));
    assert.match(other.message, /not trusted/);
  });

  const failures: [Which, string, RegExp][] = [
    [
      'server',
      'the default store',
      /certificate verify failed: the server's certificate is not trusted/,
    ],
    ['selfSigned', 'the CA file', /not trusted/],
    ['expired', 'the CA file', /certificate verify failed: the server's certificate has expired/],
    [
      'wrongHost',
      'the CA directory',
      /Hostname mismatch, certificate is not valid for '127\.0\.0\.1'/,
    ],
  ];
  for (const [which, trust, expected] of failures) {
    test(`${which} with ${trust}: PoolSSLError ${expected}`, async () => {
      const c = certs();
      const verify =
        trust === 'the default store' ? true : trust === 'the CA file' ? c.caFile : c.caDir;
      const err = await get(which, verify);
      assert.ok(err instanceof PoolSSLError, String(err));
      assert.match(err.message, expected);
    });
  }

  test('TLS to a plain http port says the server does not speak TLS', async (t) => {
    const plain = await startServer();
    const tls = tlsSettingsFrom(certs().caFile);
    const pool = new ConnectionPool({
      scheme: 'https',
      host: '127.0.0.1',
      port: plain.port,
      connectorFactory: tlsConnectorFactory(tls),
    });
    t.after(() => Promise.all([pool.close(), plain.close()]));
    await assert.rejects(pool.urlopen('GET', '/', { retries: false }), (err) => {
      assert.ok(err instanceof PoolSSLError, String(err));
      assert.match(err.message, /plain http:\/\/ port/);
      return true;
    });
    assert.equal(plain.requests.length, 0);
  });
});

describe('pools are keyed by TLS settings', () => {
  test('verify true after verify false to the same host opens a new connection and fails', async (t) => {
    const server = await startHttpsServer({ which: 'selfSigned' });
    const pm = new PoolManager();
    t.after(() => Promise.all([pm.close(), server.close()]));
    const url = `${server.url}/`;
    assert.equal((await pm.urlopen('GET', url, { tls: tlsSettingsFrom(false) })).status, 200);
    await assert.rejects(
      pm.urlopen('GET', url, { tls: tlsSettingsFrom(true), retries: false }),
      PoolSSLError,
    );
    assert.equal(server.connections(), 1, 'the unverified connection was not reused');
    assert.equal(pm.pools.size, 2);
  });

  test('verify false, then a CA bundle: two connections; the same bundle again: reused', async (t) => {
    const server = await startHttpsServer();
    const pm = new PoolManager();
    t.after(() => Promise.all([pm.close(), server.close()]));
    const url = `${server.url}/`;
    await pm.urlopen('GET', url, { tls: tlsSettingsFrom(false) });
    await pm.urlopen('GET', url, { tls: tlsSettingsFrom(certs().caFile) });
    await pm.urlopen('GET', url, { tls: tlsSettingsFrom(certs().caFile) });
    assert.equal(server.connections(), 2);
    assert.equal(pm.pools.size, 2);
  });
});
