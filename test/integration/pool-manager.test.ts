/**
 * PoolManager against real servers on 127.0.0.1/2/3: one pool per origin and settings, the LRU
 * of numPools, URL checks, clear and close.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClosedPoolError, LocationParseError } from '../../src/_internal/pool-errors.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { PoolManager } from '../../src/pool/pool-manager.js';
import { type Handler, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

describe('PoolManager', () => {
  const servers: TestServer[] = [];
  before(async () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '127.0.0.3'])
      servers.push(await startServer(undefined, host));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('one pool per origin, reused; urlopen parses the URL and sends its path', async () => {
    const pm = new PoolManager();
    try {
      const [a] = servers;
      const r1 = await pm.urlopen('GET', `${a!.url}/one?x=1`);
      const r2 = await pm.urlopen('GET', `${a!.url.replace('127.0.0.1', '127.0.0.1')}/two`);
      assert.equal(JSON.parse(Buffer.from(r1.data!).toString()).url, '/one?x=1');
      assert.equal(JSON.parse(Buffer.from(r2.data!).toString()).connectionId, 0);
      assert.equal(pm.pools.size, 1);
      const [key] = pm.pools.keys();
      assert.equal(key, `http://127.0.0.1:${a!.port}`);
      assert.equal(pm.connectionFromUrl(`${a!.url}/other`), [...pm.pools.values()][0]);
    } finally {
      await pm.close();
    }
  });

  test('pools get the manager options: maxsize, block, headers', async () => {
    const pm = new PoolManager({ maxsize: 3, block: true, headers: { 'X-Default': 'yes' } });
    try {
      const pool = pm.connectionFromUrl(servers[0]!.url);
      assert.ok(pool instanceof ConnectionPool);
      assert.equal(pool.maxsize, 3);
      assert.equal(pool.block, true);
      const r = await pm.urlopen('GET', `${servers[0]!.url}/`);
      assert.equal(JSON.parse(Buffer.from(r.data!).toString()).headers['x-default'], 'yes');
    } finally {
      await pm.close();
    }
  });

  test('numPools 2 with 3 hosts: the least recently used pool is evicted and closed', async () => {
    const pm = new PoolManager({ numPools: 2 });
    try {
      const [a, b, c] = servers as [TestServer, TestServer, TestServer];
      await pm.urlopen('GET', `${a.url}/`);
      await pm.urlopen('GET', `${b.url}/`);
      await pm.urlopen('GET', `${a.url}/`); // a is now the most recent: b goes first
      const poolB = pm.connectionFromUrl(b.url);
      const poolA = pm.connectionFromUrl(a.url); // touch order: b, a
      await pm.urlopen('GET', `${c.url}/`);
      assert.deepEqual(
        [...pm.pools.keys()],
        [`http://127.0.0.1:${a.port}`, `http://127.0.0.3:${c.port}`],
      );
      assert.equal(poolB.closed, true);
      assert.equal(poolA.closed, false);
      await assert.rejects(poolB.urlopen('GET', '/'), ClosedPoolError);
      await waitFor(() => poolB.stats.connected === 0);
      assert.equal(poolB.stats.connected, 0);
      // b again: a fresh pool, and a (now least recent) is evicted
      const again = await pm.urlopen('GET', `${b.url}/`);
      assert.equal(again.status, 200);
      assert.notEqual(pm.connectionFromUrl(b.url), poolB);
      assert.equal(poolA.closed, true);
    } finally {
      await pm.close();
    }
  });

  test('an evicted pool lets its call under way finish, then closes the connection', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Handler = async (_req, res) => {
      await gate;
      res.writeHead(200, { 'Content-Length': '4' });
      res.end('slow');
    };
    const s1 = await startServer(slow, '127.0.0.1');
    const pm = new PoolManager({ numPools: 1 });
    try {
      const pending = pm.urlopen('GET', `${s1.url}/`);
      const pool = pm.connectionFromUrl(s1.url);
      await waitFor(() => s1.requests.length >= 1);
      await pm.urlopen('GET', `${servers[1]!.url}/`); // evicts s1's pool
      assert.equal(pool.closed, true);
      release();
      const r = await pending;
      assert.equal(Buffer.from(r.data!).toString(), 'slow');
      await waitFor(() => pool.stats.connected === 0);
      assert.deepEqual(pool.stats, {
        connected: 0,
        free: 0,
        pending: 0,
        running: 0,
        size: 0,
        streams: 0,
      });
    } finally {
      await pm.close();
      await s1.close();
    }
  });

  test('TLS settings and proxies make different pools; TLS settings do not split http pools', () => {
    const pm = new PoolManager();
    const plain = pm.connectionFromUrl('https://example.org/');
    const noVerify = pm.connectionFromUrl('https://example.org/', {
      tls: { rejectUnauthorized: false },
    });
    const proxied = pm.connectionFromUrl('https://example.org/', {
      proxy: { url: 'http://proxy:3128' },
    });
    assert.notEqual(plain, noVerify);
    assert.notEqual(plain, proxied);
    assert.equal(pm.connectionFromUrl('https://EXAMPLE.org:443/x'), plain);
    const http1 = pm.connectionFromUrl('http://example.org/');
    assert.equal(
      pm.connectionFromUrl('http://example.org/', { tls: { rejectUnauthorized: false } }),
      http1,
    );
    assert.equal(pm.pools.size, 4);
    pm.clear();
    assert.equal(pm.pools.size, 0);
    assert.equal(plain.closed, true);
  });

  test('a URL that is not http(s) or has no host is LocationParseError with a clear message', async () => {
    const pm = new PoolManager();
    await assert.rejects(pm.urlopen('GET', 'ftp://example.org/'), (err: Error) => {
      assert.ok(err instanceof LocationParseError);
      assert.match(err.message, /only http:\/\/, https:\/\/, http\+unix:\/\/ and https\+unix:\/\//);
      return true;
    });
    await assert.rejects(pm.urlopen('GET', 'http:///path'), /no host specified/);
    await assert.rejects(pm.urlopen('GET', '/relative'), /no scheme/);
    await assert.rejects(pm.urlopen('GET', 'http://h:99999/'), /port '99999'/);
    assert.throws(() => pm.connectionFromUrl('mailto:x@y'), LocationParseError);
    assert.equal(pm.pools.size, 0);
    await pm.close();
  });
});
