/**
 * ConnectionPool against real node:http servers on 127.0.0.1: round trips, keep-alive reuse,
 * maxsize and block, close, stats, timeouts and aborts.
 */
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import {
  ClosedPoolError,
  ConnectTimeoutError,
  EmptyPoolError,
  MaxRetryError,
  TotalTimeoutError,
} from '../../src/_internal/pool-errors.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { TimeoutConfig } from '../../src/timeout.js';
import { type Handler, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

interface Echoed {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  connectionId: number;
}

function poolFor(
  server: TestServer,
  options: Partial<ConstructorParameters<typeof ConnectionPool>[0]> = {},
) {
  return new ConnectionPool({ scheme: 'http', host: '127.0.0.1', port: server.port, ...options });
}

async function echoed(pool: ConnectionPool, method: string, path: string, options = {}) {
  const r = await pool.urlopen(method, path, options);
  return JSON.parse(Buffer.from(r.data!).toString()) as Echoed;
}

/** A handler that answers after `gate` resolves, so requests overlap. */
function gated(gate: Promise<void>): Handler {
  return async (_req, res) => {
    await gate;
    res.writeHead(200, { 'Content-Length': '2' });
    res.end('ok');
  };
}

describe('ConnectionPool round trips', () => {
  let server: TestServer;
  let pool: ConnectionPool;
  after(async () => {
    await pool?.close();
    await server?.close();
  });

  test('method, path, query, headers and a bytes body arrive as sent', async () => {
    server = await startServer();
    pool = poolFor(server);
    const got = await echoed(pool, 'PUT', '/a/b?x=1&y=%20', {
      body: new Uint8Array([104, 105]),
      headers: { 'X-Custom': 'v1', Accept: '*/*' },
    });
    assert.equal(got.method, 'PUT');
    assert.equal(got.url, '/a/b?x=1&y=%20');
    assert.equal(got.headers['x-custom'], 'v1');
    assert.equal(got.headers.host, `127.0.0.1:${server.port}`);
    assert.equal(got.headers['content-length'], '2');
    assert.equal(got.body, 'hi');
  });

  test('a string body is sent as UTF-8 with its byte length', async () => {
    const got = await echoed(pool, 'POST', '/', { body: 'héllo' });
    assert.equal(got.headers['content-length'], '6');
    assert.equal(Buffer.from(got.body, 'latin1').toString('utf8'), 'héllo');
  });

  test('a stream body of unknown length is sent chunked, even with requests-style Transfer-Encoding', async () => {
    const got = await echoed(pool, 'POST', '/', {
      body: Readable.from([Buffer.from('ab'), Buffer.from('cd')]),
      headers: { 'Transfer-Encoding': 'chunked' },
    });
    assert.equal(got.headers['transfer-encoding'], 'chunked');
    assert.equal(got.body, 'abcd');
  });

  test('an async iterable body with Content-Length is sent with that length', async () => {
    async function* parts() {
      yield new TextEncoder().encode('xyz');
    }
    const got = await echoed(pool, 'POST', '/', {
      body: parts(),
      headers: { 'Content-Length': '3' },
    });
    assert.equal(got.headers['content-length'], '3');
    assert.equal(got.body, 'xyz');
  });

  test('an absolute URL given to an origin pool sends its path', async () => {
    const got = await echoed(pool, 'GET', `${server.url}/abs?q=1#frag`);
    assert.equal(got.url, '/abs?q=1');
  });

  test('status, reason, lower-cased headers, repeated headers as arrays, url', async () => {
    const s = await startServer((_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(201, 'Made It', { 'X-One': '1', 'Content-Length': '0' });
      res.end();
    });
    const p = poolFor(s);
    try {
      const r = await p.urlopen('GET', '/here');
      assert.equal(r.status, 201);
      assert.equal(r.reason, 'Made It');
      assert.equal(r.headers['x-one'], '1');
      assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(r.url, `${s.url}/here`);
      assert.equal(r.data!.length, 0);
    } finally {
      await p.close();
      await s.close();
    }
  });
});

describe('ConnectionPool bodies', () => {
  test('a gzip body is decoded; decodeContent false leaves it as sent', async () => {
    const zipped = gzipSync('hello gzip');
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': zipped.length });
      res.end(zipped);
    });
    const pool = poolFor(server);
    try {
      const r = await pool.urlopen('GET', '/');
      assert.equal(Buffer.from(r.data!).toString(), 'hello gzip');
      const raw = await pool.urlopen('GET', '/', { decodeContent: false });
      assert.deepEqual(Buffer.from(raw.data!), zipped);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('preloadContent false streams the body; the connection is reused once it was read', async () => {
    const big = Buffer.alloc(300_000, 97);
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': big.length });
      res.end(big);
    });
    const pool = poolFor(server);
    try {
      const r = await pool.urlopen('GET', '/', { preloadContent: false });
      assert.equal(r.data, null);
      assert.equal(pool.stats.running, 1);
      let size = 0;
      for await (const chunk of r.stream()) size += chunk.length;
      assert.equal(size, big.length);
      assert.equal(r.closed, true);
      assert.deepEqual(pool.stats, {
        connected: 1,
        free: 1,
        pending: 0,
        running: 0,
        size: 0,
        streams: 0,
      });
      await pool.urlopen('GET', '/');
      assert.equal(server.connections(), 1);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('closing a response before its end closes its connection instead of reusing it', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 1_000_000 });
      res.write(Buffer.alloc(1000));
      // the rest never comes
    });
    const pool = poolFor(server);
    try {
      const r = await pool.urlopen('GET', '/', { preloadContent: false });
      r.close();
      assert.equal(r.closed, true);
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
      await pool.close();
      await server.close();
    }
  });

  test('a read that stopped part-way goes on: read() gives the rest of the stream', async () => {
    let sendRest!: () => void;
    const rest = new Promise<void>((resolve) => (sendRest = resolve));
    const server = await startServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Length': 8 });
      res.write('first');
      await rest; // only once the client has read 'first'
      res.end('end');
    });
    const pool = poolFor(server);
    try {
      const r = await pool.urlopen('GET', '/', { preloadContent: false });
      const first = await r.stream()[Symbol.asyncIterator]().next();
      assert.equal(Buffer.from(first.value!).toString(), 'first');
      sendRest();
      assert.equal(Buffer.from(await r.read()).toString(), 'end');
      assert.equal(pool.stats.free, 1);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('drain() reads the rest so the connection goes back to the pool', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 5 });
      res.end('12345');
    });
    const pool = poolFor(server);
    try {
      const r = await pool.urlopen('GET', '/', { preloadContent: false });
      await r.drain();
      assert.equal(pool.stats.free, 1);
      await pool.urlopen('GET', '/');
      assert.equal(server.connections(), 1);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});

describe('ConnectionPool keep-alive and maxsize', () => {
  test('sequential requests reuse one connection (server ids and stats agree)', async () => {
    const server = await startServer();
    const pool = poolFor(server, { maxsize: 2 });
    try {
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await echoed(pool, 'GET', '/')).connectionId);
      assert.deepEqual(ids, [0, 0, 0, 0]);
      assert.equal(server.connections(), 1);
      assert.deepEqual(pool.stats, {
        connected: 1,
        free: 1,
        pending: 0,
        running: 0,
        size: 0,
        streams: 0,
      });
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('block false: 5 concurrent requests with maxsize 2 open 5 connections, keep 2, close 3', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await startServer(gated(gate));
    const closedSockets: number[] = [];
    server.server.on('connection', (socket) => socket.on('close', () => closedSockets.push(1)));
    const pool = poolFor(server, { maxsize: 2 });
    const discarded: unknown[] = [];
    const onDiscard = (message: unknown) => discarded.push(message);
    diagnostics.subscribe('requests-ts:pool:connection-discarded', onDiscard);
    try {
      const calls = Array.from({ length: 5 }, () => pool.urlopen('GET', '/'));
      await waitFor(() => server.requests.length >= 5);
      assert.equal(server.connections(), 5);
      assert.equal(pool.stats.running, 5);
      open();
      await Promise.all(calls);
      await waitFor(() => closedSockets.length >= 3);
      assert.equal(closedSockets.length, 3);
      assert.equal(pool.stats.free, 2);
      assert.equal(pool.stats.connected, 2);
      assert.equal(discarded.length, 3);
      assert.deepEqual(Object.keys(discarded[0] as object), ['pool', 'connection', 'maxsize']);
    } finally {
      diagnostics.unsubscribe('requests-ts:pool:connection-discarded', onDiscard);
      await pool.close();
      await server.close();
    }
  });

  test('block true: requests wait for a free connection and never open more than maxsize', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await startServer(gated(gate));
    const pool = poolFor(server, { maxsize: 2, block: true });
    try {
      const calls = Array.from({ length: 5 }, () => pool.urlopen('GET', '/'));
      await waitFor(() => server.requests.length >= 2);
      assert.deepEqual(pool.stats, {
        connected: 2,
        free: 0,
        pending: 3,
        running: 2,
        size: 5,
        streams: 0,
      });
      open();
      const responses = await Promise.all(calls);
      assert.equal(responses.length, 5);
      assert.equal(server.connections(), 2);
      assert.equal(pool.stats.free, 2);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('block true: no connection within timeout.pool is EmptyPoolError', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await startServer(gated(gate));
    const pool = poolFor(server, { maxsize: 1, block: true });
    try {
      const first = pool.urlopen('GET', '/');
      const second = pool.urlopen('GET', '/', { timeout: new TimeoutConfig({ pool: 50 }) });
      await assert.rejects(second, (err: Error) => {
        assert.ok(err instanceof EmptyPoolError);
        assert.match(err.message, /blocking mode/);
        return true;
      });
      assert.equal(pool.stats.pending, 0);
      open();
      assert.equal((await first).status, 200);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('block true: an abort while waiting for a connection rejects with the reason', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await startServer(gated(gate));
    const pool = poolFor(server, { maxsize: 1, block: true });
    try {
      const first = pool.urlopen('GET', '/');
      const controller = new AbortController();
      const waiting = pool.urlopen('GET', '/', { signal: controller.signal });
      await waitFor(() => pool.stats.pending >= 1);
      assert.equal(pool.stats.pending, 1);
      const reason = new Error('no longer needed');
      controller.abort(reason);
      await assert.rejects(waiting, (e) => e === reason);
      assert.equal(pool.stats.pending, 0);
      open();
      assert.equal((await first).status, 200);
      assert.equal(server.requests.length, 1);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('close(): waiting calls and new calls get ClosedPoolError; the busy call still finishes', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await startServer(gated(gate));
    const pool = poolFor(server, { maxsize: 1, block: true });
    try {
      const busy = pool.urlopen('GET', '/');
      const waiting = pool.urlopen('GET', '/');
      await waitFor(() => server.requests.length >= 1);
      await pool.close();
      await assert.rejects(waiting, ClosedPoolError);
      await assert.rejects(pool.urlopen('GET', '/'), /Pool is closed/);
      open();
      assert.equal((await busy).status, 200);
      await waitFor(() => pool.stats.connected === 0);
      assert.equal(pool.stats.connected, 0);
    } finally {
      await server.close();
    }
  });

  test('a connection the server closed while idle is dropped; the next request opens a new one', async () => {
    const server = await startServer();
    const pool = poolFor(server);
    try {
      await echoed(pool, 'GET', '/');
      server.server.closeIdleConnections(); // the server's keep-alive expiry: FIN on an idle socket
      await waitFor(() => pool.stats.connected === 0);
      assert.deepEqual(pool.stats, {
        connected: 0,
        free: 0,
        pending: 0,
        running: 0,
        size: 0,
        streams: 0,
      });
      const got = await echoed(pool, 'POST', '/', { body: 'x', retries: false });
      assert.equal(got.connectionId, 1);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('keepAliveTimeout closes idle connections', async () => {
    const server = await startServer();
    const pool = poolFor(server, { keepAliveTimeout: 30 });
    try {
      await echoed(pool, 'GET', '/');
      await waitFor(() => pool.stats.connected === 0, { within: 2_000 }); // the default is 4 s
      assert.equal(pool.stats.connected, 0);
      assert.equal(pool.stats.free, 0);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});

describe('ConnectionPool timeouts and aborts', () => {
  test('timeout.total aborts a slow response with TotalTimeoutError (not retried)', async () => {
    const server = await startServer(async (_req, res) => {
      await sleep(300);
      res.end('late');
    });
    const pool = poolFor(server);
    try {
      const call = pool.urlopen('GET', '/slow', { timeout: new TimeoutConfig({ total: 50 }) });
      await assert.rejects(call, (err: Error) => {
        assert.ok(err instanceof TotalTimeoutError);
        assert.match(err.message, /total timeout=50 ms/);
        assert.equal((err as TotalTimeoutError).url, `${server.url}/slow`);
        return true;
      });
      await sleep(20);
      assert.ok(server.requests.length <= 1, 'a total timeout is not retried');
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('an aborted signal rejects with its reason, before and during the call', async () => {
    const server = await startServer(async (_req, res) => {
      await sleep(300);
      res.end('late');
    });
    const pool = poolFor(server);
    try {
      const reason = new Error('stop');
      await assert.rejects(
        pool.urlopen('GET', '/', { signal: AbortSignal.abort(reason) }),
        (e) => e === reason,
      );
      const controller = new AbortController();
      const call = pool.urlopen('GET', '/', { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 30);
      await assert.rejects(call, (e) => e === reason);
      assert.equal(pool.stats.running, 0);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('an abort while the body streams fails the stream with the reason', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': 100 });
      res.write('partial');
    });
    const pool = poolFor(server);
    try {
      const controller = new AbortController();
      const r = await pool.urlopen('GET', '/', {
        signal: controller.signal,
        preloadContent: false,
      });
      const reason = new Error('user gave up');
      setTimeout(() => controller.abort(reason), 30);
      await assert.rejects(r.read(), (e) => e === reason);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  test('a connect that never completes fails with ConnectTimeoutError after timeout.connect', async () => {
    const server = await startServer();
    let asked: number | null | undefined;
    const pool = poolFor(server, {
      // A connector that never calls back: the pool's connect timeout must end the wait.
      connectorFactory: ({ connectTimeout }) => {
        asked = connectTimeout;
        return () => {};
      },
    });
    try {
      const call = pool.urlopen('GET', '/', {
        timeout: new TimeoutConfig({ connect: 40 }),
        retries: 1,
      });
      await assert.rejects(call, (err: Error) => {
        assert.ok(err instanceof MaxRetryError);
        assert.ok(err.reason instanceof ConnectTimeoutError);
        assert.match(err.reason.message, /connect timeout=40 ms/);
        return true;
      });
      assert.equal(asked, 40);
      assert.equal(server.requests.length, 0);
      assert.equal(pool.stats.running, 0);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
