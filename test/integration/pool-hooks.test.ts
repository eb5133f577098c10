/**
 * The hooks the proxy layer builds on: absolute-form request targets with extra headers (an HTTP
 * proxy), a custom connector factory (a tunnel), and pool-level response limits.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DecodeError } from '../../src/_internal/pool-errors.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { startServer } from '../helpers/server.js';

describe('pool hooks for proxies', () => {
  test("absolute mode sends the whole URL as target, the target's Host and the extra headers", async () => {
    const proxy = await startServer(); // echoes what a proxy would receive
    const pool = new ConnectionPool({
      scheme: 'http',
      host: '127.0.0.1',
      port: proxy.port,
      requestTargetMode: 'absolute',
      extraHeaders: { 'Proxy-Authorization': 'Basic dTpw' },
    });
    try {
      const r = await pool.urlopen('GET', 'http://user:pw@example.org:8080/a?b=1#frag', {
        headers: { Accept: '*/*' },
      });
      const got = JSON.parse(Buffer.from(r.data!).toString());
      assert.equal(got.url, 'http://example.org:8080/a?b=1');
      assert.equal(got.headers.host, 'example.org:8080');
      assert.equal(got.headers['proxy-authorization'], 'Basic dTpw');
      assert.equal(r.url, 'http://example.org:8080/a?b=1');
    } finally {
      await pool.close();
      await proxy.close();
    }
  });

  test('a custom connector factory opens the sockets, once per connection, with the connect timeout', async () => {
    const server = await startServer();
    const asked: (number | null)[] = [];
    let opened = 0;
    const pool = new ConnectionPool({
      scheme: 'http',
      host: 'target.invalid', // never resolved: the connector decides where to go
      port: 80,
      connectorFactory: ({ connectTimeout }) => {
        asked.push(connectTimeout);
        return (_options, callback) => {
          opened++;
          const socket = net.connect(server.port, '127.0.0.1');
          socket.once('connect', () => callback(null, socket));
          socket.once('error', (err) => callback(err, null));
        };
      },
    });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await pool.urlopen('GET', '/via-connector');
        assert.equal(JSON.parse(Buffer.from(r.data!).toString()).headers.host, 'target.invalid');
      }
      assert.deepEqual(asked, [null]);
      assert.equal(opened, 1);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});

describe('pool response limits', () => {
  test('maxResponseSize fails a body that decodes past it with DecodeError', async () => {
    const bomb = gzipSync(Buffer.alloc(1_000_000));
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length });
      res.end(bomb);
    });
    const pool = new ConnectionPool({ scheme: 'http', host: '127.0.0.1', port: server.port });
    try {
      await assert.rejects(pool.urlopen('GET', '/', { maxResponseSize: 10_000 }), (err: Error) => {
        assert.ok(err instanceof DecodeError);
        assert.match(err.message, /maxResponseSize/);
        return true;
      });
      const ok = await pool.urlopen('GET', '/', { maxResponseSize: 2_000_000 });
      assert.equal(ok.data!.length, 1_000_000);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
