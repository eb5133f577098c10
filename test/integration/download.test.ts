import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ReadTimeout, Session } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MB = 1024 * 1024;

/** A full garbage collection, so that memory still held can be told from garbage. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/**
 * The bytes of ArrayBuffers still alive. V8 frees the memory of collected buffers after the
 * collection, off the main thread, so one reading straight after gc() can count 20 MB of garbage
 * (more so on a loaded machine): the least of a few readings, a collection and a pause apart.
 */
async function liveArrayBuffers(): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 4; i++) {
    collectGarbage();
    await delay(10);
    least = Math.min(least, process.memoryUsage().arrayBuffers);
  }
  return least;
}
const SIZE = 48 * MB;

/** Deterministic bytes: block i is filled with (i * 7) & 0xff. */
function block(i: number): Buffer {
  return Buffer.alloc(64 * 1024, (i * 7) & 0xff);
}

function expectedDigest(): string {
  const h = createHash('sha256');
  for (let i = 0; i < SIZE / (64 * 1024); i++) h.update(block(i));
  return h.digest('hex');
}

/** Writes SIZE bytes with backpressure. */
function sendLarge(res: http.ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(SIZE),
  });
  let i = 0;
  const blocks = SIZE / (64 * 1024);
  const next = () => {
    while (i < blocks) {
      if (res.destroyed) return;
      if (!res.write(block(i++))) {
        res.once('drain', next);
        return;
      }
    }
    res.end();
  };
  next();
}

describe('Streamed downloads', () => {
  let server: TestServer;
  let s: Session;
  before(async () => {
    server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/large') {
        sendLarge(res);
      } else if (path === '/stall') {
        res.writeHead(200, { 'Content-Length': '1000' });
        res.write('some bytes, then nothing');
      } else {
        res.writeHead(200, { 'Content-Length': '5' });
        res.end('small');
      }
    });
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
  });

  test('48 MB through iterContent: every byte, in chunks of the asked size, not held', async (t) => {
    const baseline = await liveArrayBuffers();
    let heldMidway = Number.NaN;
    const r = await s.get(`${server.url}/large`, { stream: true });
    const hash = createHash('sha256');
    let total = 0;
    let oddSizes = 0;
    for await (const chunk of r.iterContent({ chunkSize: 256 * 1024 })) {
      hash.update(chunk);
      total += chunk.length;
      if (chunk.length !== 256 * 1024) oddSizes++;
      if (total === 32 * MB) heldMidway = (await liveArrayBuffers()) - baseline;
    }
    assert.equal(total, SIZE);
    assert.equal(oddSizes, 0);
    assert.equal(hash.digest('hex'), expectedDigest());
    t.diagnostic(`${(heldMidway / MB).toFixed(1)} MB held midway`);
    // Had the body been kept, 32 MB would be held here; a stream holds a few buffers.
    assert.ok(heldMidway < 12 * MB, `${Math.round(heldMidway / MB)} MB held after 32 MB were read`);
  });

  test('a download read in full through read() is the same bytes', async () => {
    const r = await s.get(`${server.url}/large`, { stream: true });
    const body = await r.read();
    assert.equal(body.length, SIZE);
    assert.equal(createHash('sha256').update(body).digest('hex'), expectedDigest());
    assert.equal(r.content, body);
  });

  test('await using closes a download left half-read; the next request still works', async () => {
    const connectionsBefore = server.connections();
    {
      await using r = await s.get(`${server.url}/large`, { stream: true });
      const it = r.iterContent({ chunkSize: MB })[Symbol.asyncIterator]();
      assert.equal(((await it.next()).value as Uint8Array).length, MB);
    }
    const small = await s.get(`${server.url}/small`);
    assert.equal(small.text, 'small');
    // The half-read connection could not be reused: the small request needed a new one.
    assert.ok(server.connections() > connectionsBefore);
  });

  test('a fully read download gives its connection back for the next request', async () => {
    const first = await s.get(`${server.url}/small`);
    assert.equal(first.text, 'small');
    const connectionsBefore = server.connections();
    const r = await s.get(`${server.url}/small`, { stream: true });
    for await (const _ of r.iterContent({ chunkSize: 2 })) {
      // read it all
    }
    const again = await s.get(`${server.url}/small`);
    assert.equal(again.text, 'small');
    assert.equal(server.connections(), connectionsBefore);
  });

  test('a body that stalls past the read timeout fails the iteration with ReadTimeout', async () => {
    // The same read timeout first bounds the wait for the headers: 600 ms leaves a loaded
    // machine room to answer them (150 ms raced it), and the stall never ends.
    const r = await s.get(`${server.url}/stall`, { stream: true, timeout: 600 });
    await assert.rejects(async () => {
      for await (const _ of r.iterContent({ chunkSize: null })) {
        // the first bytes arrive, then nothing
      }
    }, ReadTimeout);
    r.close();
  });
});
