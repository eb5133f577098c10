/**
 * `iterContent({ chunkSize })` of a `stream: true` response against raw node:net peers that send
 * the body in odd pieces with pauses between them: pieces of exactly `chunkSize` bytes but the
 * last (as urllib3 2.7's `stream(amt)` gives them, decoded bodies too), no byte lost or repeated
 * at a border, pieces that lie within one wire chunk handed out as views of it (not copies), and
 * a `read()` after a partial iteration getting every byte the iteration did not hand out.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { Session } from '../../src/index.js';
import { startRawPeer } from '../helpers/server.js';

/** A body whose bytes all differ from their neighbours' (i mod 251), so a shifted byte shows. */
function bodyOf(length: number): Buffer {
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = i % 251;
  return body;
}

const SIZES = [1, 7, 1000, 3333, 17, 40_000, 2, 8191, 8193];

/**
 * A peer answering each request with `payload` (Content-Length, and Content-Encoding when given),
 * the head alone first, then the payload in writes of SIZES bytes in turn, `pauseMs` apart, so
 * that they arrive as separate chunks.
 */
async function peerSending(payload: Buffer, { encoding = '', pauseMs = 3 } = {}) {
  return startRawPeer((socket: net.Socket) => {
    let buffered = '';
    socket.on('data', async (data) => {
      buffered += data.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      buffered = buffered.slice(end + 4);
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Length: ${payload.length}\r\n` +
          `${encoding ? `Content-Encoding: ${encoding}\r\n` : ''}Connection: close\r\n\r\n`,
      );
      for (let at = 0, i = 0; at < payload.length && !socket.destroyed; i++) {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        const n = SIZES[i % SIZES.length] as number;
        socket.write(payload.subarray(at, at + n));
        at += n;
      }
      socket.end();
    });
  });
}

async function piecesOf(url: string, chunkSize: number | null): Promise<Uint8Array[]> {
  const s = new Session();
  try {
    const r = await s.get(url, { stream: true });
    const pieces: Uint8Array[] = [];
    for await (const piece of r.iterContent({ chunkSize })) pieces.push(piece);
    return pieces;
  } finally {
    await s.close();
  }
}

function assertExact(pieces: readonly Uint8Array[], chunkSize: number, body: Buffer): void {
  const sizes = pieces.map((p) => p.length);
  const last = body.length % chunkSize || chunkSize;
  assert.equal(pieces.length, Math.ceil(body.length / chunkSize), `piece count; sizes ${sizes}`);
  assert.ok(
    sizes.slice(0, -1).every((n) => n === chunkSize),
    `every piece but the last is ${chunkSize} bytes`,
  );
  assert.equal(sizes.at(-1), last);
  assert.ok(Buffer.concat(pieces).equals(body), 'the pieces are the body, in order');
}

describe('iterContent pieces from a body sent in odd chunks', () => {
  const body = bodyOf(150_000);

  for (const chunkSize of [1, 7, 1000, 4096, 8192, 65_536, 1 << 20]) {
    test(`chunkSize ${chunkSize}: exact pieces, the last one shorter, no byte lost`, async (t) => {
      // A shorter body for tiny pieces: one piece per byte is slow to iterate, not to check.
      const sent = chunkSize < 100 ? body.subarray(0, 45_000) : body;
      const peer = await peerSending(sent);
      t.after(() => peer.close());
      assertExact(await piecesOf(`${peer.url}/`, chunkSize), chunkSize, sent);
    });
  }

  test('chunkSize null: the chunks as they arrive, none empty, nothing lost', async (t) => {
    const peer = await peerSending(body);
    t.after(() => peer.close());
    const pieces = await piecesOf(`${peer.url}/`, null);
    assert.ok(pieces.length > 1, 'the body came in several chunks');
    assert.ok(pieces.every((p) => p.length > 0));
    assert.ok(Buffer.concat(pieces).equals(body));
  });

  test('a gzip body: decoded pieces of exactly chunkSize, as urllib3 decode_content gives', async (t) => {
    const peer = await peerSending(zlib.gzipSync(body), { encoding: 'gzip' });
    t.after(() => peer.close());
    assertExact(await piecesOf(`${peer.url}/`, 4096), 4096, body);
  });

  test('pieces within one wire chunk are views of it, not copies', async (t) => {
    // One 60,000-byte write after the head: 7 pieces of 8 KiB lie within it (larger than
    // Buffer's pool, so a copy would be a buffer of its own).
    const big = bodyOf(60_000);
    const peer = await startRawPeer((socket: net.Socket) => {
      socket.once('data', async () => {
        socket.write(
          `HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n`,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
        socket.end(big);
      });
    });
    t.after(() => peer.close());
    const pieces = await piecesOf(`${peer.url}/`, 8192);
    assertExact(pieces, 8192, big);
    const buffers = new Set(pieces.map((p) => p.buffer));
    assert.ok(
      buffers.size < pieces.length,
      `${pieces.length} pieces in ${buffers.size} buffers: pieces of one chunk share its memory`,
    );
  });

  test('read() after a partial iteration gets every byte not handed out yet', async (t) => {
    const peer = await peerSending(body, { pauseMs: 1 });
    t.after(() => peer.close());
    const s = new Session();
    t.after(() => s.close());
    const r = await s.get(`${peer.url}/`, { stream: true });
    const it = r.iterContent({ chunkSize: 1000 })[Symbol.asyncIterator]();
    const first = await it.next();
    const second = await it.next();
    const rest = await r.read();
    const got = Buffer.concat([first.value as Uint8Array, second.value as Uint8Array, rest]);
    assert.equal(got.length, body.length);
    assert.ok(got.equals(body));
    assert.ok(Buffer.from(r.content).equals(rest), 'content is what read() returned');
    assert.equal((await it.next()).done, true, 'the iteration has nothing left to give');
  });
});
