/**
 * The pool's default connector over TLS with generated certificates: TlsSettings reach the
 * handshake, and every TLS failure is a PoolSSLError that says which failure it was.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { MaxRetryError, PoolSSLError } from '../../src/_internal/pool-errors.js';
import { PoolManager } from '../../src/pool/pool-manager.js';
import type { TlsSettings } from '../../src/pool/types.js';
import { certs, type HttpsServerOptions, startHttpsServer } from '../helpers/certs.js';
import { startServer } from '../helpers/server.js';

function trusting(): TlsSettings {
  const c = certs();
  return { rejectUnauthorized: true, ca: c.read(c.caFile), caId: c.caFile };
}

/** The error of one GET to an https server presenting `which`, with `tls`. */
async function failure(
  which: NonNullable<HttpsServerOptions['which']>,
  tls: TlsSettings | undefined,
) {
  const server = await startHttpsServer({ which });
  const pm = new PoolManager();
  try {
    await pm.urlopen('GET', `${server.url}/`, { retries: false, ...(tls ? { tls } : {}) });
    return null;
  } catch (err) {
    return err as Error;
  } finally {
    await pm.close();
    await server.close();
  }
}

describe('pool over TLS', () => {
  test('a server signed by the trusted CA answers; the connection is kept alive', async () => {
    const server = await startHttpsServer();
    const pm = new PoolManager();
    try {
      const tls = trusting();
      for (let i = 0; i < 2; i++) {
        const r = await pm.urlopen('POST', `${server.url}/t`, { body: 'x', tls });
        assert.equal(JSON.parse(Buffer.from(r.data!).toString()).body, 'x');
      }
      assert.equal(server.connections(), 1);
      assert.match([...pm.pools.keys()][0]!, /^https:\/\/127\.0\.0\.1:\d+\|tls:verify:/);
    } finally {
      await pm.close();
      await server.close();
    }
  });

  test('http2: ALPN picks h2; version 20, standard reason, connection reused', async () => {
    const c = certs();
    const server = http2.createSecureServer(
      { cert: c.read(c.server.cert), key: c.read(c.server.key), allowHTTP1: true },
      (req, res) => res.end(`over ${req.httpVersion}`),
    );
    let sessions = 0;
    server.on('session', () => sessions++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const pm = new PoolManager({ http2: true, tls: trusting() });
    try {
      for (let i = 0; i < 2; i++) {
        const r = await pm.urlopen('GET', `https://127.0.0.1:${port}/`);
        assert.equal(Buffer.from(r.data!).toString(), 'over 2.0');
        assert.equal(r.version, 20);
        assert.equal(r.reason, 'OK');
      }
      assert.equal(sessions, 1);
    } finally {
      await pm.close();
      server.close();
    }
  });

  test('rejectUnauthorized false accepts an untrusted certificate', async () => {
    assert.equal(await failure('selfSigned', { rejectUnauthorized: false }), null);
  });

  test('untrusted, expired and wrong-host certificates say so', async () => {
    const untrusted = await failure('server', undefined);
    assert.ok(untrusted instanceof PoolSSLError);
    assert.match(
      untrusted.message,
      /certificate verify failed: the server's certificate is not trusted/,
    );
    const selfSigned = await failure('selfSigned', trusting());
    assert.ok(selfSigned instanceof PoolSSLError);
    assert.match(selfSigned.message, /not trusted/);
    const expired = await failure('expired', trusting());
    assert.ok(expired instanceof PoolSSLError);
    assert.match(expired.message, /has expired/);
    const wrongHost = await failure('wrongHost', trusting());
    assert.ok(wrongHost instanceof PoolSSLError);
    assert.match(
      wrongHost.message,
      /Hostname mismatch, certificate is not valid for '127\.0\.0\.1'/,
    );
  });

  test('https to a plain http port says the server does not speak TLS', async () => {
    const plain = await startServer();
    const pm = new PoolManager();
    try {
      await assert.rejects(
        pm.urlopen('GET', `https://127.0.0.1:${plain.port}/`, { retries: 1 }),
        (err: Error) => {
          assert.ok(err instanceof MaxRetryError);
          assert.ok(err.reason instanceof PoolSSLError);
          assert.match(err.reason.message, /did not answer in TLS; is it a plain http:\/\/ port\?/);
          return true;
        },
      );
    } finally {
      await pm.close();
      await plain.close();
    }
  });
});
