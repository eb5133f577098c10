/**
 * requests' `cert` through the pool layer: an https server that requires a client certificate
 * signed by the CA gets it in every form (combined file, [cert, key], { cert, key, passphrase },
 * PEM contents), and refuses the connection without one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PoolSSLError, ProtocolError } from '../../src/_internal/pool-errors.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { type CertInput, tlsConnectorFactory, tlsSettingsFrom } from '../../src/pool/tls.js';
import { certs, startHttpsServer } from '../helpers/certs.js';

async function withClientCert(cert: CertInput | null) {
  const server = await startHttpsServer({ requireClientCert: true });
  const tls = tlsSettingsFrom(certs().caFile, cert);
  const pool = new ConnectionPool({
    scheme: 'https',
    host: '127.0.0.1',
    port: server.port,
    tls,
    connectorFactory: tlsConnectorFactory(tls),
  });
  try {
    const r = await pool.urlopen('GET', '/', { retries: false });
    return { status: r.status, names: server.clientNames };
  } finally {
    await pool.close();
    await server.close();
  }
}

describe('client certificates', () => {
  const forms: [string, () => CertInput][] = [
    ['a combined PEM file', () => certs().client.combinedFile],
    ['[certPath, keyPath]', () => [certs().client.certFile, certs().client.keyFile]],
    [
      '{ cert, key, passphrase } with an encrypted key',
      () => ({
        cert: certs().client.certFile,
        key: certs().client.encryptedKeyFile,
        passphrase: certs().passphrase,
      }),
    ],
    [
      '{ cert, key } as PEM contents',
      () => ({
        cert: certs().read(certs().client.certFile),
        key: Buffer.from(certs().read(certs().client.keyFile)),
      }),
    ],
  ];
  for (const [name, cert] of forms) {
    test(`${name} is presented to the server`, async () => {
      const { status, names } = await withClientCert(cert());
      assert.equal(status, 200);
      assert.deepEqual(names, ['client']);
    });
  }

  test('without a certificate the server refuses the connection', async () => {
    await assert.rejects(withClientCert(null), (err) => {
      // TLS 1.3 reports the refusal as an alert (SSL) or as a reset right after the handshake.
      assert.ok(err instanceof PoolSSLError || err instanceof ProtocolError, String(err));
      return true;
    });
  });

  test('a wrong passphrase fails the connect with a PoolSSLError', async () => {
    const c = certs();
    const cert = { cert: c.client.certFile, key: c.client.encryptedKeyFile, passphrase: 'wrong' };
    await assert.rejects(withClientCert(cert), (err) => {
      assert.ok(err instanceof PoolSSLError, String(err));
      assert.match(err.message, /client certificate or key/);
      return true;
    });
  });
});
