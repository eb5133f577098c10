/**
 * `Expect: 100-continue` (issue 6): the body waits for 100, is never sent after an early final
 * status, and goes out after the wait when the server says nothing.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { ReadTimeoutError } from '../../src/_internal/pool-errors.js';
import { ConnectionError, HTTPAdapter, ReadTimeout, Session } from '../../src/index.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { TimeoutConfig } from '../../src/timeout.js';
import { certs, startHttpsServer } from '../helpers/certs.js';
import { closedPort, startRawPeer } from '../helpers/server.js';

const HEAD_END = '\r\n\r\n';

/** What a raw peer saw on one connection. */
interface Seen {
  head: string;
  /** Bytes after the head that arrived before the peer answered. */
  early: number;
  /** Every byte after the head, until the client closed. */
  body: Buffer;
}

/**
 * A raw peer that reads the head, waits `pause` ms, writes `answer` (or nothing), answers
 * `final` once `bodyLength` body bytes came (or at once when `finalFirst`), and resolves `seen`
 * when the client closes.
 */
async function peer(options: {
  pause: number;
  answer: string | null;
  final: string | null;
  bodyLength: number;
}) {
  let resolveSeen!: (seen: Seen) => void;
  const seen = new Promise<Seen>((resolve) => {
    resolveSeen = resolve;
  });
  const raw = await startRawPeer((socket: Socket) => {
    let buffer = Buffer.alloc(0);
    let head: string | null = null;
    let early = -1;
    let answered = false;
    const bodyOf = () => buffer.subarray(Buffer.byteLength(head!) + HEAD_END.length);
    const answerFinal = () => {
      if (answered || options.final === null) return;
      answered = true;
      socket.write(options.final);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (head === null) {
        const end = buffer.indexOf(HEAD_END);
        if (end === -1) return;
        head = buffer.subarray(0, end).toString('latin1');
        setTimeout(() => {
          early = bodyOf().length;
          if (options.answer !== null) socket.write(options.answer);
          if (bodyOf().length >= options.bodyLength) answerFinal();
        }, options.pause);
      }
      if (early !== -1 && bodyOf().length >= options.bodyLength) answerFinal();
    });
    socket.on('close', () => resolveSeen({ head: head ?? '', early, body: bodyOf() }));
  });
  return { ...raw, seen };
}

function pool(port: number): ConnectionPool {
  return new ConnectionPool({ scheme: 'http', host: '127.0.0.1', port });
}

const EXPECT = { Expect: '100-continue', 'Content-Type': 'text/plain' };

describe('Expect: 100-continue on the pool', () => {
  test('the body goes out only after 100 Continue', async (t) => {
    const body = 'b'.repeat(5_000);
    const p = await peer({
      pause: 100,
      answer: 'HTTP/1.1 100 Continue\r\n\r\n',
      final: 'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok',
      bodyLength: body.length,
    });
    t.after(() => p.close());
    const cp = pool(p.port);
    const r = await cp.urlopen('POST', '/up', {
      body,
      headers: EXPECT,
      expectContinueTimeout: 10_000,
    });
    assert.equal(r.status, 201);
    assert.equal(Buffer.from(r.data!).toString(), 'ok');
    assert.equal(cp.stats.free, 1, 'the connection is kept alive for the next call');
    await cp.close(); // the peer reports once the socket closes
    const seen = await p.seen;
    assert.equal(seen.early, 0, 'no body byte before 100');
    assert.match(seen.head, /^POST \/up HTTP\/1\.1\r\n/);
    assert.match(seen.head, /\r\nExpect: 100-continue\r\n/);
    assert.match(seen.head, /\r\nContent-Length: 5000(\r\n|$)/i);
    assert.match(seen.head, /\r\nhost: 127\.0\.0\.1:\d+/i);
    assert.equal(seen.body.toString(), body);
  });

  for (const [status, reason] of [
    [417, 'Expectation Failed'],
    [401, 'Unauthorized'],
  ] as const) {
    test(`a ${status} before 100 is the response and the body is never sent`, async (t) => {
      const p = await peer({
        pause: 0,
        answer: `HTTP/1.1 ${status} ${reason}\r\nContent-Length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\nno`,
        final: null,
        bodyLength: 0,
      });
      t.after(() => p.close());
      const r = await pool(p.port).urlopen('PUT', '/up', {
        body: 'x'.repeat(1_000),
        headers: EXPECT,
        // Long: on a loaded machine a short wait could end before the answer is read.
        expectContinueTimeout: 5_000,
      });
      assert.equal(r.status, status);
      assert.equal(r.reason, reason);
      assert.deepEqual(r.headers['x-a'], ['1', '2']);
      assert.equal(Buffer.from(r.data!).toString(), 'no');
      const seen = await p.seen; // the client closes the socket after the response
      assert.equal(seen.body.length, 0);
    });
  }

  test('a server that never sends 100 gets the body after expectContinueTimeout', async (t) => {
    const p = await peer({
      pause: 0,
      answer: null,
      final: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
      bodyLength: 3,
    });
    t.after(() => p.close());
    const cp = pool(p.port);
    const r = await cp.urlopen('POST', '/', {
      body: new Uint8Array([1, 2, 3]),
      headers: { expect: '100-Continue' },
      expectContinueTimeout: 50,
    });
    assert.equal(r.status, 200);
    await cp.close();
    assert.deepEqual([...(await p.seen).body], [1, 2, 3]);
  });

  test('a server silent after the body is a ReadTimeoutError', async (t) => {
    const p = await peer({
      pause: 0,
      answer: 'HTTP/1.1 100 Continue\r\n\r\n',
      final: null,
      bodyLength: 1,
    });
    t.after(() => p.close());
    await assert.rejects(
      pool(p.port).urlopen('POST', '/', {
        body: 'x',
        headers: EXPECT,
        retries: false,
        timeout: new TimeoutConfig({ read: 100 }),
      }),
      ReadTimeoutError,
    );
  });

  test('the signal aborts a call waiting for 100; the body never goes', async (t) => {
    const p = await peer({ pause: 0, answer: null, final: null, bodyLength: 1 });
    t.after(() => p.close());
    const reason = new Error('stop');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(
      pool(p.port).urlopen('POST', '/', {
        body: 'x',
        headers: EXPECT,
        expectContinueTimeout: null,
        signal: controller.signal,
      }),
      (err: unknown) => err === reason,
    );
    assert.equal((await p.seen).body.length, 0);
  });

  test('a stream body is chunked, with backpressure, after 100', async (t) => {
    const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(1, 2), Buffer.alloc(90_000, 3)];
    const server = http.createServer();
    let continued = 0;
    let te: string | undefined;
    server.on('checkContinue', async (req, res) => {
      continued++;
      te = req.headers['transfer-encoding'];
      res.writeContinue();
      let n = 0;
      for await (const chunk of req) n += (chunk as Buffer).length;
      res.end(String(n));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const r = await pool(port).urlopen('POST', '/', {
      body: Readable.from(parts),
      headers: { Expect: '100-continue' },
    });
    assert.equal(Buffer.from(r.data!).toString(), '160001');
    assert.equal(continued, 1);
    assert.equal(te, 'chunked');
  });

  test('a stream body with Content-Length goes after 100, on a connection kept alive', async (t) => {
    const server = http.createServer((_req, res) => res.end('plain'));
    let length: string | undefined;
    server.on('checkContinue', async (req, res) => {
      length = req.headers['content-length'];
      res.writeContinue();
      let n = 0;
      for await (const chunk of req) n += (chunk as Buffer).length;
      res.end(String(n));
    });
    let connections = 0;
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const cp = pool(port);
    t.after(() => cp.close());
    const r = await cp.urlopen('PUT', '/', {
      body: Readable.from([Buffer.alloc(0), Buffer.alloc(3, 1), Buffer.alloc(4, 2)]),
      headers: { Expect: '100-continue', 'Content-Length': '7' },
    });
    assert.equal(Buffer.from(r.data!).toString(), '7');
    assert.equal(length, '7');
    assert.equal(Buffer.from((await cp.urlopen('GET', '/')).data!).toString(), 'plain');
    assert.equal(connections, 1);
  });

  test('an empty body framed by its head: the connection of an early 417 is reused', async (t) => {
    // A raw peer: node:http closes the connection after a 417 of its own.
    let connections = 0;
    const p = await startRawPeer((socket: Socket) => {
      connections++;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        for (let end = buffered.indexOf(HEAD_END); end !== -1; end = buffered.indexOf(HEAD_END)) {
          const head = buffered.slice(0, end);
          buffered = buffered.slice(end + HEAD_END.length);
          socket.write(
            head.startsWith('POST ')
              ? 'HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n'
              : 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain',
          );
        }
      });
    });
    t.after(() => p.close());
    const cp = pool(p.port);
    t.after(() => cp.close());
    const r = await cp.urlopen('POST', '/', { body: '', headers: EXPECT });
    assert.equal(r.status, 417);
    assert.equal(Buffer.from((await cp.urlopen('GET', '/')).data!).toString(), 'plain');
    assert.equal(connections, 1);
  });

  test('a stream body is never sent after an early 417, and its connection is closed', async (t) => {
    const p = await peer({
      pause: 0,
      answer: 'HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n',
      final: null,
      bodyLength: 0,
    });
    t.after(() => p.close());
    const cp = pool(p.port);
    t.after(() => cp.close());
    let pulled = 0;
    async function* body() {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield Buffer.alloc(1_000, 7);
      }
    }
    const r = await cp.urlopen('POST', '/up', {
      body: body(),
      headers: EXPECT,
      expectContinueTimeout: 5_000,
    });
    assert.equal(r.status, 417);
    const seen = await p.seen; // not reused: the head announced a body that never came
    assert.equal(seen.body.length, 0);
    assert.equal(pulled, 1, 'only the first chunk was taken from the source');
    assert.equal(cp.stats.connected, 0);
  });
});

describe('Expect: 100-continue through a Session', () => {
  test('http: the server sees Expect and the whole body after writeContinue', async (t) => {
    const server = http.createServer((_req, res) => res.end('unexpected'));
    const bodies: string[] = [];
    server.on('checkContinue', async (req, res) => {
      res.writeContinue();
      let body = '';
      for await (const chunk of req) body += String(chunk);
      bodies.push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ expect: req.headers.expect, length: body.length }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const s = new Session();
    s.trustEnv = false;
    t.after(() => s.close());
    const r = await s.post(`http://127.0.0.1:${port}/p`, {
      data: 'x'.repeat(1000),
      headers: { Expect: '100-continue' },
    });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { expect: '100-continue', length: 1000 });
    const streamed = await s.post(`http://127.0.0.1:${port}/p`, {
      data: Readable.from([Buffer.from('ab'), Buffer.from('cd')]),
      headers: { Expect: '100-continue' },
    });
    assert.deepEqual(streamed.json(), { expect: '100-continue', length: 4 });
    assert.deepEqual(bodies, ['x'.repeat(1000), 'abcd']);
  });

  test('HTTPAdapter({ expectContinueTimeout }) sets the wait for a Session', async (t) => {
    // The peer never sends 100 and looks at what came 600 ms after the head: with a 50 ms wait
    // the body is there (with room for a late timer on a loaded machine); with the default 1 s
    // it would not be.
    const p = await peer({
      pause: 600,
      answer: null,
      final: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
      bodyLength: 3,
    });
    t.after(() => p.close());
    const s = new Session();
    s.mount('http://', new HTTPAdapter({ expectContinueTimeout: 50 }));
    t.after(() => s.close());
    const url = `http://127.0.0.1:${p.port}/`;
    const r = await s.post(url, { data: 'abc', headers: { Expect: '100-continue' } });
    assert.equal(r.statusCode, 200);
    await s.close();
    const seen = await p.seen;
    assert.equal(seen.early, 3);
    assert.equal(seen.body.toString(), 'abc');
  });

  test('a 417 answer reaches the user and the body is never read', async (t) => {
    const server = http.createServer((_req, res) => res.end('unexpected'));
    let bodyBytes = 0;
    server.on('checkContinue', (req, res) => {
      req.on('data', (chunk: Buffer) => {
        bodyBytes += chunk.length;
      });
      res.writeHead(417, { 'Content-Length': '4' });
      res.end('nope');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const s = new Session();
    s.trustEnv = false;
    t.after(() => s.close());
    const r = await s.post(`http://127.0.0.1:${port}/`, {
      data: 'x'.repeat(1000),
      headers: { Expect: '100-continue' },
    });
    assert.equal(r.statusCode, 417);
    assert.equal(r.text, 'nope');
    assert.equal(bodyBytes, 0);
  });

  test('https with the test CA', async (t) => {
    const server = await startHttpsServer();
    t.after(() => server.close());
    const s = new Session();
    s.trustEnv = false;
    t.after(() => s.close());
    const r = await s.post(`${server.url}/tls`, {
      data: 'y'.repeat(1000),
      headers: { Expect: '100-continue' },
      verify: certs().caFile,
    });
    assert.equal(r.statusCode, 200);
    const echoed = r.json() as { headers: Record<string, string>; body: string };
    assert.equal(echoed.headers.expect, '100-continue');
    assert.equal(echoed.body, 'y'.repeat(1000));
  });

  test('a read timeout is ReadTimeout, a refused connection ConnectionError', async (t) => {
    const p = await peer({
      pause: 0,
      answer: 'HTTP/1.1 100 Continue\r\n\r\n',
      final: null,
      bodyLength: 1,
    });
    t.after(() => p.close());
    const s = new Session();
    s.trustEnv = false;
    t.after(() => s.close());
    const headers = { Expect: '100-continue' };
    await assert.rejects(
      s.post(p.url, { data: 'x', headers, timeout: { connect: 1_000, read: 100 } }),
      ReadTimeout,
    );
    const port = await closedPort();
    await assert.rejects(
      s.post(`http://127.0.0.1:${port}/`, { data: 'x', headers }),
      (err: unknown) => err instanceof ConnectionError && !(err instanceof ReadTimeout),
    );
  });
});
