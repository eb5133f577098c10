/**
 * A URL with an IPv6 zone ID (RFC 6874, `http://[fe80::1%25eth0]/`) connects through the interface
 * it names, as urllib3 2.7 does: the zone ID keeps its case (Linux's interface names are
 * case-sensitive), the Host header leaves it out (Python's http.client), TLS sends no SNI for the
 * address and checks the certificate against the address. Tested on ::1 through the loopback
 * interface, whose name the system gives.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { type HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { echo, startServer, type TestServer } from '../helpers/server.js';

/** The loopback interface holding ::1 (`lo` on Linux, `lo0` on macOS), or null. */
const loopback =
  Object.entries(os.networkInterfaces()).find(([, addresses]) =>
    addresses?.some((a) => a.address === '::1'),
  )?.[0] ?? null;

describe('a URL with an IPv6 zone ID', {
  skip: loopback === null && 'no interface holds ::1',
}, () => {
  const zone = loopback!;
  let server: TestServer;
  before(async () => {
    server = await startServer(echo, '::1');
  });
  after(async () => {
    await server.close();
  });

  test('connects to the scoped address; the Host header has no zone ID', async () => {
    const s = new Session();
    try {
      for (const written of [`%25${zone}`, `%${zone}`]) {
        const url = `http://[::1${written}]:${server.port}/z`;
        const r = await s.get(url);
        assert.equal(r.statusCode, 200, url);
        assert.equal(r.url, `http://[::1%25${zone}]:${server.port}/z`);
        assert.equal(server.requests.at(-1)!.headers.host, `[::1]:${server.port}`);
      }
    } finally {
      await s.close();
    }
  });

  test('the zone ID keeps its case: another case names another interface, so another pool', () => {
    const s = new Session();
    const adapter = s.getAdapter('http://x') as HTTPAdapter;
    const pm = adapter.poolManager;
    const lower = pm.connectionFromUrl(`http://[::1%25${zone}]:${server.port}/`);
    const again = pm.connectionFromUrl(`http://[::1%${zone}]:${server.port}/`);
    const upper = pm.connectionFromUrl(`http://[::1%25${zone.toUpperCase()}]:${server.port}/`);
    assert.equal(lower.host, `[::1%${zone}]`);
    assert.equal(again, lower, "'%25' and a bare '%' are one zone ID");
    assert.equal(upper.host, `[::1%${zone.toUpperCase()}]`);
    assert.notEqual(upper, lower);
    assert.notEqual(pm.connectionFromUrl(`http://[::1]:${server.port}/`), lower);
    return s.close();
  });

  test('https: the certificate is checked against the address, no SNI is sent', async () => {
    const c = certs();
    const seen: Array<string | false> = [];
    const tlsServer = https.createServer(
      { key: c.read(c.server.key), cert: c.read(c.server.cert) },
      (req, res) => {
        seen.push((req.socket as net.Socket & { servername: string | false }).servername);
        res.end(req.headers.host);
      },
    );
    await new Promise<void>((resolve) => tlsServer.listen(0, '::1', resolve));
    const port = (tlsServer.address() as net.AddressInfo).port;
    const s = new Session();
    try {
      const r = await s.get(`https://[::1%25${zone}]:${port}/`, { verify: c.caFile });
      assert.equal(r.statusCode, 200);
      assert.equal(r.text, `[::1]:${port}`);
      assert.deepEqual(seen, [false]);
    } finally {
      await s.close();
      tlsServer.close();
    }
  });
});
