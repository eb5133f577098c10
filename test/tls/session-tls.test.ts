/** verify / cert through a Session, with certificates the tests generate. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ConnectionError,
  type HTTPAdapter,
  Session,
  SSLError,
  TLSFileError,
} from '../../src/index.js';
import { certs, startHttpsServer, type TestHttpsServer } from '../helpers/certs.js';
import { startServer } from '../helpers/server.js';

function adapterOf(s: Session, url: string): HTTPAdapter {
  return s.getAdapter(url) as HTTPAdapter;
}

describe('verify through a Session', () => {
  let server: TestHttpsServer;
  let s: Session;
  before(async () => {
    server = await startHttpsServer();
    s = new Session();
    s.trustEnv = false;
  });
  after(async () => {
    await s.close();
    await server.close();
  });

  test('a CA bundle file or directory makes the server trusted', async () => {
    assert.equal((await s.get(server.url, { verify: certs().caFile })).statusCode, 200);
    assert.equal((await s.get(server.url, { verify: certs().caDir })).statusCode, 200);
  });

  test('verify: true (the default trust store) rejects the test CA with SSLError', async () => {
    await assert.rejects(s.get(server.url), (err: unknown) => {
      assert.ok(err instanceof SSLError, String(err));
      assert.ok(err instanceof ConnectionError);
      return true;
    });
  });

  test('verify: false accepts it, and never shares a connection with a verified request', async () => {
    const local = new Session();
    local.trustEnv = false;
    await local.get(server.url, { verify: false });
    await local.get(server.url, { verify: certs().caFile });
    assert.equal(adapterOf(local, server.url).poolManager.pools.size, 2);
    const before = server.connections();
    await assert.rejects(local.get(server.url), SSLError);
    assert.equal(
      server.connections(),
      before,
      'a verify:true request opened no trusted connection',
    );
    await local.close();
  });

  test('a CA bundle path that does not exist raises before any connection', async () => {
    const before = server.connections();
    await assert.rejects(s.get(server.url, { verify: '/nonexistent/ca.pem' }), (err: unknown) => {
      assert.ok(err instanceof TLSFileError);
      assert.match(
        (err as Error).message,
        /Could not find a suitable TLS CA certificate bundle, invalid path: \/nonexistent\/ca.pem/,
      );
      return true;
    });
    assert.equal(server.connections(), before);
  });

  test('REQUESTS_CA_BUNDLE is honoured when trustEnv is on', async () => {
    const saved = process.env['REQUESTS_CA_BUNDLE'];
    process.env['REQUESTS_CA_BUNDLE'] = certs().caFile;
    const local = new Session();
    try {
      assert.equal((await local.get(server.url)).statusCode, 200);
      local.trustEnv = false;
      await assert.rejects(local.get(`${server.url}/again`), SSLError);
    } finally {
      if (saved === undefined) delete process.env['REQUESTS_CA_BUNDLE'];
      else process.env['REQUESTS_CA_BUNDLE'] = saved;
      await local.close();
    }
  });
});

describe('certificate failures name their cause', () => {
  for (const [which, pattern] of [
    ['expired', /expired/i],
    ['wrongHost', /host ?name|altname|wrong host|does not match/i],
    ['selfSigned', /self[- ]signed|untrusted|not trusted/i],
  ] as const) {
    test(`${which}`, async () => {
      const server = await startHttpsServer({ which });
      const s = new Session();
      try {
        await assert.rejects(s.get(server.url, { verify: certs().caFile }), (err: unknown) => {
          assert.ok(err instanceof SSLError, String(err));
          assert.match((err as Error).message, pattern);
          return true;
        });
      } finally {
        await s.close();
        await server.close();
      }
    });
  }

  test('TLS spoken to a plain HTTP port is an SSLError', async () => {
    const plain = await startServer();
    const s = new Session();
    try {
      await assert.rejects(s.get(`https://127.0.0.1:${plain.port}/`, { verify: false }), SSLError);
    } finally {
      await s.close();
      await plain.close();
    }
  });
});

describe('client certificates through a Session', () => {
  let server: TestHttpsServer;
  before(async () => {
    server = await startHttpsServer({ requireClientCert: true });
  });
  after(() => server.close());

  test('each cert form is presented to the server', async () => {
    const c = certs();
    const s = new Session();
    // As in requests, REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE would override Session.verify.
    s.trustEnv = false;
    s.verify = c.caFile;
    const forms = [
      c.client.combinedFile,
      [c.client.certFile, c.client.keyFile] as [string, string],
      { cert: c.client.certFile, key: c.client.encryptedKeyFile, passphrase: c.passphrase },
    ];
    for (const cert of forms) {
      const r = await s.get(server.url, { cert });
      assert.equal(r.statusCode, 200);
    }
    assert.equal(server.clientNames.filter((n) => n !== '').length, 3);
    await s.close();
  });

  test('without a certificate the handshake fails with a ConnectionError', async () => {
    const s = new Session();
    await assert.rejects(s.get(server.url, { verify: certs().caFile }), ConnectionError);
    await s.close();
  });

  test('a missing certificate file is a clear error (https only: see requests-parity.test.ts)', async () => {
    const s = new Session();
    await assert.rejects(
      s.get(server.url, { cert: '/nonexistent/client.pem', verify: certs().caFile }),
      /Could not find the TLS certificate file, invalid path: \/nonexistent\/client.pem/,
    );
    await assert.rejects(
      s.get(server.url, { cert: ['/nonexistent/c.pem', '/nonexistent/k.pem'] }),
      TLSFileError,
    );
    await s.close();
  });
});
