// onUploadProgress / onDownloadProgress against real node:http servers: every body kind up,
// chunked, sized and gzip bodies down; monotonic, a last call with the final count, and no call
// once the request's promise settled.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { HTTPAdapter } from '../../src/adapters/http-adapter.js';
import type { Progress } from '../../src/adapters/progress.js';
import { fileFromPath } from '../../src/models/body.js';
import { Retry } from '../../src/retry.js';
import { Session } from '../../src/sessions/session.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'requests-ts-progress-'));
const filePath = join(dir, 'four.bin');
const fileBytes = Buffer.alloc(4 * MiB, 7);
const gzipped = Buffer.alloc(512 * 1024, 'abc');
let server: TestServer;

before(async () => {
  writeFileSync(filePath, fileBytes);
  server = await startServer((req, res, record) => {
    if (req.url === '/chunked') {
      res.writeHead(200); // no Content-Length: chunked
      for (let i = 0; i < 8; i++) res.write(Buffer.alloc(64 * 1024, i));
      res.end();
    } else if (req.url === '/gzip') {
      const body = gzipSync(gzipped);
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      res.end(body);
    } else if (req.url === '/sized') {
      res.writeHead(200, { 'Content-Length': 3 * MiB });
      res.end(Buffer.alloc(3 * MiB, 1));
    } else if (req.url === '/small') {
      res.writeHead(200, { 'Content-Length': 13 });
      res.end('Hello, World!');
    } else if (req.url === '/redirect') {
      res.writeHead(307, { Location: '/echo-length', 'Content-Length': 0 });
      res.end();
    } else {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(String(record.body.length));
    }
  });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A recorder; `settle` snapshots the calls when the promise settled. */
function recorder() {
  const calls: Progress[] = [];
  return {
    calls,
    fn: (p: Progress) => calls.push({ ...p }),
  };
}

/** Non-decreasing, more than one call, the last one final; no call once the promise settled. */
async function assertProgress(calls: Progress[], finalCount: number): Promise<void> {
  const atSettle = calls.length;
  assert.ok(calls.length > 2, `expected several calls, got ${calls.length}`);
  for (let i = 1; i < calls.length; i++) {
    assert.ok(calls[i]!.transferred >= calls[i - 1]!.transferred, `call ${i} went backwards`);
  }
  assert.deepEqual(calls.at(-1), { transferred: finalCount, total: finalCount });
  await sleep(50);
  assert.equal(calls.length, atSettle, 'a progress call came after the promise settled');
}

test('upload: a 4 MiB multipart body from a file on disk', async () => {
  await using s = new Session();
  const up = recorder();
  const r = await s.post(`${server.url}/echo`, {
    files: { f: fileFromPath(filePath) },
    onUploadProgress: up.fn,
  });
  const sent = Number(r.text);
  assert.ok(sent > 4 * MiB);
  assert.equal(up.calls[0]!.total, sent, 'Content-Length of the multipart body is the total');
  assert.ok(
    up.calls.some((p) => p.transferred > 0 && p.transferred < sent),
    'no partial call',
  );
  await assertProgress(up.calls, sent);
});

test('upload: a stream body of unknown length reports total null until the last call', async () => {
  await using s = new Session();
  const up = recorder();
  async function* parts() {
    for (let i = 0; i < 10; i++) yield Buffer.alloc(10_000, i);
  }
  const r = await s.post(`${server.url}/echo`, {
    data: Readable.from(parts()),
    onUploadProgress: up.fn,
  });
  assert.equal(r.text, '100000');
  assert.ok(up.calls.slice(0, -1).every((p) => p.total === null));
  await assertProgress(up.calls, 100_000);
});

test('upload: bytes and string bodies report in slices with the total throughout', async () => {
  await using s = new Session();
  for (const data of [Buffer.alloc(MiB, 3), 'x'.repeat(300_000)]) {
    const up = recorder();
    const r = await s.put(`${server.url}/echo`, { data, onUploadProgress: up.fn });
    const size = Number(r.text);
    assert.ok(up.calls.every((p) => p.total === size));
    await assertProgress(up.calls, size);
  }
});

test('upload: a body of one 64 KiB slice at most goes to undici as bytes; 0, then whole', async () => {
  await using s = new Session();
  const adapter = s.getAdapter(server.url) as HTTPAdapter;
  const bodies: unknown[] = [];
  const pm = adapter.poolManager;
  const lookup = pm.connectionFromTarget.bind(pm);
  pm.connectionFromTarget = (target, settings) => {
    const pool = lookup(target, settings);
    const urlopen = pool.urlopen.bind(pool);
    pool.urlopen = (method, url, options) => {
      bodies.push(options?.body);
      return urlopen(method, url, options);
    };
    return pool;
  };
  const cases: Array<[string, { data?: Buffer | string; json?: unknown }, number]> = [
    ['bytes', { data: Buffer.alloc(64 * 1024, 1) }, 64 * 1024],
    ['text', { data: 'é'.repeat(1000) }, 2000],
    ['json', { json: { a: 'b' } }, 10],
  ];
  for (const [what, body, size] of cases) {
    const up = recorder();
    const r = await s.post(`${server.url}/echo`, { ...body, onUploadProgress: up.fn });
    assert.equal(r.text, String(size), what);
    const given = bodies.at(-1);
    assert.ok(typeof given === 'string' || given instanceof Uint8Array, `${what}: a plain body`);
    assert.deepEqual(up.calls, [
      { transferred: 0, total: size },
      { transferred: size, total: size },
    ]);
  }
});

test('upload: an Expect: 100-continue body refused before it went is not reported sent', async () => {
  const refusing = http.createServer((_req, res) => res.end('read'));
  refusing.on('checkContinue', (_req, res) => {
    res.writeHead(417);
    res.end();
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  try {
    await using s = new Session();
    const up = recorder();
    const { port } = refusing.address() as AddressInfo;
    const r = await s.post(`http://127.0.0.1:${port}/`, {
      data: Buffer.alloc(1000, 1),
      headers: { Expect: '100-continue' },
      onUploadProgress: up.fn,
    });
    assert.equal(r.statusCode, 417);
    assert.deepEqual(up.calls, [{ transferred: 0, total: 1000 }]);
  } finally {
    refusing.close();
  }
});

test('upload: a body sent again on a 307 redirect never reports backwards', async () => {
  await using s = new Session();
  const up = recorder();
  const r = await s.post(`${server.url}/redirect`, {
    data: Buffer.alloc(MiB, 5),
    onUploadProgress: up.fn,
  });
  assert.equal(r.text, String(MiB));
  assert.equal(r.history.length, 1);
  await assertProgress(up.calls, MiB);
});

test('download: a chunked body, decoded count, total known at the last call', async () => {
  await using s = new Session();
  const down = recorder();
  const r = await s.get(`${server.url}/chunked`, { onDownloadProgress: down.fn });
  assert.equal(r.content.length, 8 * 64 * 1024);
  assert.ok(down.calls.slice(0, -1).every((p) => p.total === null));
  await assertProgress(down.calls, r.content.length);
});

test('download: a gzip body counts decoded bytes; Content-Length is not the total', async () => {
  await using s = new Session();
  const down = recorder();
  const r = await s.get(`${server.url}/gzip`, { onDownloadProgress: down.fn });
  assert.equal(r.content.length, gzipped.length);
  assert.ok(down.calls.slice(0, -1).every((p) => p.total === null));
  await assertProgress(down.calls, gzipped.length);
});

test('download: an identity body with Content-Length has the total from the first call', async () => {
  await using s = new Session();
  const down = recorder();
  const r = await s.get(`${server.url}/sized`, { onDownloadProgress: down.fn });
  assert.ok(down.calls.every((p) => p.total === 3 * MiB));
  await assertProgress(down.calls, r.content.length);
});

test('download: a small body read whole reports 0, then the whole count once', async () => {
  await using s = new Session();
  const down = recorder();
  const r = await s.get(`${server.url}/small`, { onDownloadProgress: down.fn });
  assert.equal(r.text, 'Hello, World!');
  assert.deepEqual(down.calls, [
    { transferred: 0, total: 13 },
    { transferred: 13, total: 13 },
  ]);
});

test('download: a body partly iterated then read whole counts each byte once', async () => {
  await using s = new Session();
  const down = recorder();
  const r = await s.get(`${server.url}/chunked`, { stream: true, onDownloadProgress: down.fn });
  const it = r.iterContent({ chunkSize: null })[Symbol.asyncIterator]();
  const first = await it.next();
  assert.ok(!first.done && first.value.length > 0);
  // The rest, read by the raw response itself: the count goes on from the iterated bytes.
  const rest = await r.raw!.read();
  assert.equal(first.value.length + rest.length, 8 * 64 * 1024);
  await assertProgress(down.calls, 8 * 64 * 1024);
});

test('download with stream: true reports as the body is iterated', async () => {
  await using s = new Session();
  const down = recorder();
  const r = await s.get(`${server.url}/chunked`, { stream: true, onDownloadProgress: down.fn });
  let seen = 0;
  for await (const chunk of r.iterContent({ chunkSize: null })) {
    seen += chunk.length;
    assert.ok(down.calls.at(-1)!.transferred >= seen);
  }
  await assertProgress(down.calls, seen);
});

test('the body of a followed redirect is not counted as download', async () => {
  await using s = new Session();
  const down = recorder();
  const r = await s.get(`${server.url}/redirect`, { onDownloadProgress: down.fn });
  assert.equal(r.history.length, 1);
  assert.deepEqual(down.calls.at(-1), { transferred: r.content.length, total: r.content.length });
  assert.ok(down.calls.every((p) => p.transferred <= r.content.length));
});

test('upload: a bytes body sent again by a pool retry goes whole the second time', async () => {
  // The first connection reads the whole request, then closes without an answer; the second
  // answers with the body length it got. The retry must send the body again, counted.
  let connections = 0;
  const peer = createServer((socket) => {
    const n = ++connections;
    let got = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(got.subarray(0, end).toString())?.[1]);
      const body = got.length - end - 4;
      if (body < length) return;
      if (n === 1) socket.destroy();
      else socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${String(body).length}\r\n\r\n${body}`);
    });
  });
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
  try {
    await using s = new Session();
    s.mount('http://', new HTTPAdapter({ maxRetries: new Retry({ total: 1 }) }));
    const up = recorder();
    const { port } = peer.address() as AddressInfo;
    const r = await s.put(`http://127.0.0.1:${port}/`, {
      data: Buffer.alloc(200_000, 9),
      onUploadProgress: up.fn,
    });
    assert.equal(connections, 2);
    assert.equal(r.text, '200000');
    await assertProgress(up.calls, 200_000);
  } finally {
    peer.close();
  }
});
