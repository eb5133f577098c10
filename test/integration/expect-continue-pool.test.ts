/**
 * Issue 10 item 11: `Expect: 100-continue` calls take their place in the pool: `maxsize` with
 * `block`, `stats`, and close() bound them as any other call.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { ClosedPoolError } from '../../src/_internal/pool-errors.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { waitFor } from '../helpers/wait.js';

const EXPECT = { Expect: '100-continue', 'Content-Type': 'text/plain' };

/** A node:http server that answers 100 after `pause` ms and counts connections server-side. */
async function countingServer(pause: number) {
  const counts = { opened: 0, active: 0, maxActive: 0, continued: 0 };
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      res.end(`got ${Buffer.concat(parts).length}`);
      counts.active--;
    });
  });
  // In flight from the head to the answer, on any connection: a socket the client just closed
  // may still look open here for a moment, a request in flight cannot.
  server.on('request', () => {
    counts.active++;
    counts.maxActive = Math.max(counts.maxActive, counts.active);
  });
  server.on('checkContinue', (req, res) => {
    counts.active++;
    counts.maxActive = Math.max(counts.maxActive, counts.active);
    setTimeout(() => {
      counts.active--; // counted again as a request
      counts.continued++;
      res.writeContinue();
      server.emit('request', req, res);
    }, pause);
  });
  server.on('connection', () => {
    counts.opened++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    counts,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}

function blockingPool(port: number): ConnectionPool {
  return new ConnectionPool({ scheme: 'http', host: '127.0.0.1', port, maxsize: 1, block: true });
}

describe('Expect: 100-continue obeys the pool', () => {
  test('maxsize 1 + block: at most one connection open at the server', async (t) => {
    const server = await countingServer(30);
    t.after(() => server.close());
    const pool = blockingPool(server.port);
    t.after(() => pool.close());
    // A plain call first leaves a kept-alive connection in the pool; the Expect calls must
    // take its place, not open sockets beside it.
    assert.equal((await pool.urlopen('GET', '/')).status, 200);
    const calls = [];
    for (let i = 0; i < 5; i++) {
      calls.push(
        pool.urlopen('POST', '/up', { body: 'x'.repeat(100 + i), headers: EXPECT }),
        pool.urlopen('POST', '/plain', { body: 'y' }),
      );
    }
    const responses = await Promise.all(calls);
    assert.deepEqual(
      responses.map((r) => Buffer.from(r.data!).toString()),
      [
        'got 100',
        'got 1',
        'got 101',
        'got 1',
        'got 102',
        'got 1',
        'got 103',
        'got 1',
        'got 104',
        'got 1',
      ],
    );
    assert.equal(server.counts.continued, 5);
    assert.equal(server.counts.maxActive, 1, 'never more than one connection busy at once');
    // One exchange engine: the Expect calls run on the same kept-alive connection as the rest.
    assert.equal(server.counts.opened, 1, `${server.counts.opened} connections`);
  });

  test('five Expect calls on maxsize 1 + block use exactly one connection', async (t) => {
    const server = await countingServer(5);
    t.after(() => server.close());
    const pool = blockingPool(server.port);
    t.after(() => pool.close());
    const calls = [];
    for (let i = 0; i < 5; i++) {
      calls.push(pool.urlopen('POST', '/up', { body: 'x'.repeat(10 + i), headers: EXPECT }));
    }
    const texts = (await Promise.all(calls)).map((r) => Buffer.from(r.data!).toString());
    assert.deepEqual(texts, ['got 10', 'got 11', 'got 12', 'got 13', 'got 14']);
    assert.equal(server.counts.continued, 5);
    assert.equal(server.counts.opened, 1, 'one connection at the server');
  });

  test('the connection of an Expect call is kept alive and reused; stats count it', async (t) => {
    const server = await countingServer(5);
    t.after(() => server.close());
    const pool = new ConnectionPool({ scheme: 'http', host: '127.0.0.1', port: server.port });
    t.after(() => pool.close());
    const r = await pool.urlopen('POST', '/up', { body: 'abc', headers: EXPECT });
    assert.equal(Buffer.from(r.data!).toString(), 'got 3');
    assert.deepEqual(pool.stats, {
      connected: 1,
      free: 1,
      pending: 0,
      running: 0,
      size: 0,
      streams: 0,
    });
    const again = await pool.urlopen('POST', '/up', { body: 'abcd', headers: EXPECT });
    assert.equal(Buffer.from(again.data!).toString(), 'got 4');
    assert.equal((await pool.urlopen('GET', '/')).status, 200);
    assert.equal(server.counts.opened, 1, 'the same connection served all three');
    assert.deepEqual(pool.stats, {
      connected: 1,
      free: 1,
      pending: 0,
      running: 0,
      size: 0,
      streams: 0,
    });
  });

  test('stats count an Expect call, and destroy() stops it with ClosedPoolError', async (t) => {
    const server = await countingServer(10_000);
    t.after(() => server.close());
    const pool = blockingPool(server.port);
    const first = pool.urlopen('POST', '/up', {
      body: 'abc',
      headers: EXPECT,
      expectContinueTimeout: null,
    });
    const second = pool.urlopen('POST', '/up', { body: 'abc', headers: EXPECT });
    await waitFor(() => server.counts.active === 1 && pool.stats.connected === 1);
    assert.deepEqual(pool.stats, {
      connected: 1,
      free: 0,
      pending: 1,
      running: 1,
      size: 2,
      streams: 0,
    });
    const rejected = [
      assert.rejects(first, ClosedPoolError),
      assert.rejects(second, ClosedPoolError),
    ];
    await pool.destroy();
    await Promise.all(rejected);
    assert.equal(server.counts.opened, 1);
  });
});
