/**
 * Unix domain sockets at the pool layer (requests-ts/urllib3): ConnectionPool with `socketPath`,
 * PoolManager and ProxyManager with http+unix URLs, the connect timeout, a full listen queue and
 * Expect: 100-continue, against servers on sockets in temporary directories.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import requests, { ConnectionError } from '../../src/index.js';
import {
  ConnectionPool,
  ConnectTimeoutError,
  PoolManager,
  ProxyManager,
  Timeout,
} from '../../src/urllib3.js';
import { socketDir, startUnixServer } from '../helpers/unix-server.js';

describe('Unix sockets in the pool layer', () => {
  test('a ConnectionPool with socketPath keeps its connection alive and names the path', async () => {
    const server = await startUnixServer();
    const pool = new ConnectionPool({
      scheme: 'http',
      host: 'localhost',
      port: 80,
      socketPath: server.path,
    });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await pool.urlopen('GET', `/p${i}`);
        assert.equal(r.status, 200);
        assert.equal(r.url, `${server.url}/p${i}`);
      }
      assert.equal(server.connections(), 1);
      assert.equal(pool.poolName, `UnixHTTPConnectionPool(path='${server.path}')`);
      assert.equal(pool.key, server.url);
    } finally {
      await pool.destroy();
      await server.close();
    }
  });

  test('PoolManager routes http+unix URLs by socket; a ProxyManager never proxies them', async () => {
    const server = await startUnixServer();
    const pm = new PoolManager();
    // A proxy nobody answers: a request that went through it would fail.
    const proxied = new ProxyManager('http://127.0.0.1:9');
    try {
      const r = await pm.urlopen('GET', `${server.url}/pm`);
      assert.equal(JSON.parse(Buffer.from(r.data!).toString()).url, '/pm');
      assert.deepEqual([...pm.pools.keys()], [server.url]);
      const p = await proxied.urlopen('GET', `${server.url}/direct`);
      assert.equal(JSON.parse(Buffer.from(p.data!).toString()).url, '/direct');
      assert.equal([...proxied.pools.values()][0]?.proxy, null);
    } finally {
      await Promise.all([pm.close(), proxied.close()]);
      await server.close();
    }
  });

  test('the connect timeout applies to a socket connector, its message naming the path', async () => {
    const pool = new ConnectionPool({
      scheme: 'http',
      host: 'localhost',
      port: 80,
      socketPath: '/run/never.sock',
      // A connector that never answers: only the pool's connect timeout ends the wait.
      connectorFactory: () => () => {},
      retries: false,
    });
    try {
      await assert.rejects(
        pool.urlopen('GET', '/', { timeout: new Timeout({ connect: 50 }) }),
        (err: Error) => {
          assert.ok(err instanceof ConnectTimeoutError, String(err));
          assert.match(err.message, /Connection to \/run\/never\.sock timed out/);
          return true;
        },
      );
    } finally {
      await pool.destroy();
    }
  });

  test('a socket whose listen queue is full fails at once (EAGAIN), a ConnectionError naming it', async () => {
    const dir = socketDir();
    const path = join(dir, 'full.sock');
    // listen(0) and never accept: one connection fills the queue, the next one is refused.
    const holder = spawn('python3', [
      '-c',
      'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(0); print("ready", flush=True); sys.stdin.read()',
      path,
    ]);
    const filler: net.Socket[] = [];
    try {
      await once(holder.stdout, 'data');
      const settled: Promise<unknown>[] = [];
      for (let i = 0; i < 2; i++) {
        const c = net.connect({ path });
        c.on('error', () => {});
        filler.push(c);
        // Connected (queued) or refused: either way the queue is full once both have settled.
        settled.push(new Promise((done) => c.once('connect', done).once('error', done)));
      }
      await Promise.all(settled);
      const err = await requests.get(`http+unix://${encodeURIComponent(path)}/`).then(
        () => assert.fail('no error'),
        (e: unknown) => e as Error,
      );
      assert.ok(err instanceof ConnectionError, String(err));
      assert.ok(err.message.includes(path), err.message);
      // A connect failure (nothing was sent, so a Retry may try again), not a broken exchange.
      assert.match(err.message, /Failed to establish a new connection: connect EAGAIN/);
    } finally {
      for (const c of filler) c.destroy();
      holder.stdin.end();
      if (holder.exitCode === null) await once(holder, 'exit');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Expect: 100-continue works over a socket', async () => {
    const server = await startUnixServer();
    try {
      const r = await requests.post(`${server.url}/upload`, {
        data: 'x'.repeat(1000),
        headers: { Expect: '100-continue' },
      });
      assert.equal(r.statusCode, 200);
      const echo = r.json<{ body: string; headers: Record<string, string> }>();
      assert.equal(echo.body.length, 1000);
      assert.equal(echo.headers['expect'], '100-continue');
      assert.equal(echo.headers['host'], 'localhost');
    } finally {
      await server.close();
    }
  });
});
