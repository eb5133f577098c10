/**
 * ProxyManager through a real SOCKS server on 127.0.0.1: SOCKS4 and SOCKS5 resolve names here,
 * SOCKS4a and SOCKS5h hand them to the proxy; user/password; https origins with TLS inside.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectTimeoutError, NewConnectionError } from '../../src/_internal/pool-errors.js';
import { ProxyManager } from '../../src/pool/proxy-manager.js';
import { tlsSettingsFrom } from '../../src/pool/tls.js';
import { TimeoutConfig } from '../../src/timeout.js';
import { certs, startHttpsServer } from '../helpers/certs.js';
import { closedPort, startRawPeer, startServer } from '../helpers/server.js';
import { startSocksServer } from '../helpers/socks.js';
import { waitFor } from '../helpers/wait.js';

function text(r: { data: Uint8Array | null }): string {
  return Buffer.from(r.data ?? []).toString();
}

describe('SOCKS proxies', () => {
  const cases = [
    { scheme: 'socks5', host: 'localhost', version: 5, addressType: 'ipv4', seen: '127.0.0.1' },
    { scheme: 'socks5h', host: 'localhost', version: 5, addressType: 'domain', seen: 'localhost' },
    { scheme: 'socks4', host: 'localhost', version: 4, addressType: 'ipv4', seen: '127.0.0.1' },
    { scheme: 'socks4a', host: 'localhost', version: 4, addressType: 'domain', seen: 'localhost' },
    { scheme: 'socks5', host: '127.0.0.1', version: 5, addressType: 'ipv4', seen: '127.0.0.1' },
  ] as const;
  for (const c of cases) {
    test(`${c.scheme} to http://${c.host}: the proxy sees ${c.addressType} ${c.seen}`, async (t) => {
      const origin = await startServer();
      const socks = await startSocksServer();
      const pm = new ProxyManager(socks.url(c.scheme));
      t.after(() => Promise.all([pm.close(), socks.close(), origin.close()]));
      const url = `http://${c.host}:${origin.port}/via?${c.scheme}`;
      for (let i = 0; i < 2; i++) {
        const r = await pm.urlopen('GET', url);
        assert.equal(JSON.parse(text(r)).url, `/via?${c.scheme}`, 'origin-form through SOCKS');
      }
      assert.equal(socks.records.length, 1, 'the SOCKS connection is kept alive');
      const seen = socks.records[0];
      assert.equal(seen?.version, c.version);
      assert.equal(seen?.addressType, c.addressType);
      assert.equal(seen?.host, c.seen);
      assert.equal(seen?.port, origin.port);
    });
  }

  test('socks5h with user and password; the credentials never reach the origin', async (t) => {
    const origin = await startServer();
    const socks = await startSocksServer({ auth: ['alice', 's3cret'] });
    const pm = new ProxyManager(socks.url('socks5h'));
    t.after(() => Promise.all([pm.close(), socks.close(), origin.close()]));
    const r = await pm.urlopen('GET', `http://localhost:${origin.port}/`);
    const seen = JSON.parse(text(r));
    assert.equal(seen.headers['proxy-authorization'], undefined);
    assert.ok(!JSON.stringify(seen).includes('s3cret'));
    assert.equal(socks.records[0]?.user, 'alice');
    assert.ok([...pm.pools.keys()].every((k) => !k.includes('s3cret')));
  });

  test('socks4 sends the user id', async (t) => {
    const origin = await startServer();
    const socks = await startSocksServer({ auth: ['bob', 'unused'] });
    const pm = new ProxyManager(socks.url('socks4'));
    t.after(() => Promise.all([pm.close(), socks.close(), origin.close()]));
    const r = await pm.urlopen('GET', `http://127.0.0.1:${origin.port}/`);
    assert.equal(r.status, 200);
    assert.equal(socks.records[0]?.user, 'bob');
  });

  test('wrong credentials: NewConnectionError, as urllib3 raises', async (t) => {
    const socks = await startSocksServer({ auth: ['alice', 's3cret'] });
    const pm = new ProxyManager(`socks5h://alice:wrong@127.0.0.1:${socks.port}`);
    t.after(() => Promise.all([pm.close(), socks.close()]));
    await assert.rejects(pm.urlopen('GET', 'http://localhost:1/', { retries: false }), (err) => {
      assert.ok(err instanceof NewConnectionError, String(err));
      assert.match(err.message, /Failed to establish a new connection: .*Authentication failed/i);
      assert.ok(!err.message.includes('wrong'));
      return true;
    });
  });

  test('a destination the proxy cannot reach: NewConnectionError', async (t) => {
    const socks = await startSocksServer();
    const pm = new ProxyManager(socks.url('socks5'));
    t.after(() => Promise.all([pm.close(), socks.close()]));
    const port = await closedPort();
    await assert.rejects(
      pm.urlopen('GET', `http://127.0.0.1:${port}/`, { retries: false }),
      NewConnectionError,
    );
    assert.equal(socks.records[0]?.granted, false);
  });

  test('an unreachable SOCKS proxy: NewConnectionError', async (t) => {
    const pm = new ProxyManager(`socks5://127.0.0.1:${await closedPort()}`);
    t.after(() => pm.close());
    await assert.rejects(pm.urlopen('GET', 'http://localhost:1/', { retries: false }), {
      name: 'NewConnectionError',
      message: /Failed to establish a new connection/,
    });
  });

  test('a SOCKS proxy that never answers: the connect timeout, and the socket is closed', async (t) => {
    let closed = false;
    const peer = await startRawPeer((socket) => {
      socket.resume(); // read the greeting (and the EOF) but never answer
      socket.on('close', () => {
        closed = true;
      });
    });
    const pm = new ProxyManager(`socks5h://127.0.0.1:${peer.port}`);
    t.after(() => Promise.all([pm.close(), peer.close()]));
    const timeout = new TimeoutConfig({ connect: 100 });
    await assert.rejects(
      pm.urlopen('GET', 'http://localhost:1/', { retries: false, timeout }),
      ConnectTimeoutError,
    );
    await waitFor(() => closed);
    assert.equal(closed, true);
  });

  test('https origin through socks5h: TLS to the origin inside, verified with the CA', async (t) => {
    const origin = await startHttpsServer();
    const socks = await startSocksServer();
    const pm = new ProxyManager(socks.url('socks5h'));
    t.after(() => Promise.all([pm.close(), socks.close(), origin.close()]));
    const tls = tlsSettingsFrom(certs().caFile);
    const r = await pm.urlopen('GET', `https://localhost:${origin.port}/tls`, { tls });
    assert.equal(JSON.parse(text(r)).url, '/tls');
    assert.equal(socks.records[0]?.host, 'localhost');
    await assert.rejects(
      pm.urlopen('GET', `https://localhost:${origin.port}/`, {
        retries: false,
        tls: tlsSettingsFrom(certs().otherCaFile),
      }),
      { name: 'SSLError' },
    );
  });
});
