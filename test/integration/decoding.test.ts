import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { ContentDecodingError, HTTPAdapter, Session } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const BODY = Buffer.from(
  Array.from({ length: 2000 }, (_, i) => `row ${i}: données ✓ ${'x'.repeat(i % 50)}\n`).join(''),
);

// `zstd z1.txt` of ZSTD_TEXT, made with the zstd command line tool.
const ZSTD_TEXT = Buffer.from(
  `hello zstd world, ${Array.from({ length: 200 }, (_, i) => `line ${i + 1} of the zstd fixture\n`).join('')}`,
);
const ZSTD_BODY = Buffer.from(
  'KLUv/WROFU0IAAJPJRiQN+mAhaYOAmDc0P/HIqWUMqW05fmuG4Cld3d3d3dmZmZmZlVVVVVVREREREQzMzMzM////79t27bdtm3bkiRJspRSSimlFN7d3d3dmZmZmZlVVVVVVRERERERzczMzMz8////tm3bdtu2bUuSJMnCs6K5C1AgCBIGh0JhSJDCQUgKgYNBAggG4igghMTAATkMozAEgMmoIfR29juwo5JWAxEkCMG/QiDR+RjOKymtFLWUtFLRSlFLJSsVrZSyaiqh0F+5PIk8eTypeHJ4MnjS7yTv5O6kO3dUvPX3/D1/r9/r9/a9fd8NqkEzKAZ1QS1oBaWgE2Sz+8XisDjGA9YtoN6rrQK0aaxi',
  'base64',
);

/** Body and Content-Encoding of each route. */
const ENCODED: Record<string, [Buffer, string]> = {
  '/gzip': [zlib.gzipSync(BODY), 'gzip'],
  '/x-gzip': [zlib.gzipSync(BODY), 'x-gzip'],
  '/deflate': [zlib.deflateSync(BODY), 'deflate'],
  '/raw-deflate': [zlib.deflateRawSync(BODY), 'deflate'],
  '/br': [zlib.brotliCompressSync(BODY), 'br'],
  '/zstd': [ZSTD_BODY, 'zstd'],
  '/stacked': [zlib.brotliCompressSync(zlib.gzipSync(BODY)), 'gzip, br'],
  '/unknown': [BODY, 'compress'],
  '/corrupt': [Buffer.from('this is not gzip at all'), 'gzip'],
};

/** Writes `data` in small pieces, so decoding works on chunks cut anywhere. */
function dribble(res: http.ServerResponse, data: Buffer, piece = 997): void {
  let at = 0;
  const next = () => {
    if (at >= data.length) return res.end();
    res.write(data.subarray(at, at + piece));
    at += piece;
    setImmediate(next);
  };
  next();
}

/** 1 MB of zeros as one repeatable deflate segment (a full flush resets the dictionary). */
async function zeroSegment(): Promise<Buffer> {
  const z = zlib.createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  z.on('data', (c: Buffer) => parts.push(c));
  const flush = () =>
    new Promise<void>((resolve) => {
      z.write(Buffer.alloc(1 << 20), () => z.flush(zlib.constants.Z_FULL_FLUSH, () => resolve()));
    });
  await flush();
  parts.length = 0;
  await flush();
  z.destroy();
  return Buffer.concat(parts);
}

describe('Content-Encoding decoding through the whole pipeline', () => {
  let server: TestServer;
  let s: Session;
  let segment: Buffer;
  let bombBatchesSent = 0;
  const BOMB_BATCHES = 40;
  before(async () => {
    segment = await zeroSegment();
    server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/bomb') {
        sendBomb(res);
        return;
      }
      const entry = ENCODED[path];
      if (!entry) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, {
        'Content-Encoding': entry[1],
        'Content-Type': 'text/plain; charset=utf-8',
      });
      dribble(res, entry[0]);
    });
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
  });

  /** A gzip member of 10 GB of zeros (40 batches of 256 MB), written while the client reads. */
  function sendBomb(res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Encoding': 'gzip' });
    res.write(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]));
    const batch = Buffer.concat(Array.from({ length: 256 }, () => segment)); // 266 KB in
    const next = () => {
      if (res.destroyed || bombBatchesSent >= BOMB_BATCHES) {
        res.end();
        return;
      }
      bombBatchesSent++;
      if (res.write(batch)) setImmediate(next);
      else res.once('drain', next);
    };
    next();
  }

  for (const path of ['/gzip', '/x-gzip', '/deflate', '/raw-deflate', '/br', '/stacked']) {
    test(`${path}: content is the decoded body, read whole and streamed`, async () => {
      const r = await s.get(`${server.url}${path}`);
      assert.deepEqual(Buffer.from(r.content), BODY);
      assert.equal(r.text, BODY.toString());
      const streamed = await s.get(`${server.url}${path}`, { stream: true });
      const parts: Uint8Array[] = [];
      for await (const chunk of streamed.iterContent({ chunkSize: 4096 })) parts.push(chunk);
      assert.deepEqual(Buffer.concat(parts), BODY);
    });
  }

  test('/zstd: content is the decoded body', async () => {
    const r = await s.get(`${server.url}/zstd`);
    assert.deepEqual(Buffer.from(r.content), ZSTD_TEXT);
  });

  test('every coding we decode is offered in Accept-Encoding', async () => {
    const echo = await startServer();
    try {
      const r = await s.get(echo.url);
      assert.equal(
        (r.json() as { headers: Record<string, string> }).headers['accept-encoding'],
        'gzip, deflate, br, zstd',
      );
    } finally {
      await echo.close();
    }
  });

  test('an unknown coding is left as it came, as urllib3 does', async () => {
    const r = await s.get(`${server.url}/unknown`);
    assert.equal(r.headers.get('content-encoding'), 'compress');
    assert.deepEqual(Buffer.from(r.content), BODY);
  });

  test('corrupt data is ContentDecodingError naming the coding, read whole or streamed', async () => {
    await assert.rejects(s.get(`${server.url}/corrupt`), (err: unknown) => {
      assert.ok(err instanceof ContentDecodingError);
      assert.match(err.message, /content-encoding: gzip, but failed to decode it/);
      return true;
    });
    const r = await s.get(`${server.url}/corrupt`, { stream: true });
    await assert.rejects(r.read(), ContentDecodingError);
  });

  test('maxResponseSize stops a 10 GB gzip bomb early, with little memory', async (t) => {
    const bombSession = new Session();
    bombSession.mount('http://', new HTTPAdapter({ maxResponseSize: 32 * 1024 * 1024 }));
    try {
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      bombBatchesSent = 0;
      await assert.rejects(bombSession.get(`${server.url}/bomb`), (err: unknown) => {
        assert.ok(err instanceof ContentDecodingError, String(err));
        assert.match(
          err.message,
          /exceeds the maximum response size of 33554432 bytes \(maxResponseSize\)/,
        );
        return true;
      });
      const grown = process.memoryUsage().rss - before;
      t.diagnostic(
        `server wrote ${bombBatchesSent} batches; rss grew ${Math.round(grown / 2 ** 20)} MB`,
      );
      assert.ok(grown < 128 * 1024 * 1024, `rss grew by ${Math.round(grown / 2 ** 20)} MB`);
      // 32 MB decoded is an eighth of the first batch; what the server wrote besides sits in
      // socket buffers, unread.
      assert.ok(bombBatchesSent < BOMB_BATCHES, `the server wrote all ${BOMB_BATCHES} batches`);
    } finally {
      await bombSession.close();
    }
  });
});
