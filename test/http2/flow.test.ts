/**
 * HTTP/2 flow control, memory and limits (issue 13): a large streamed download stays flat and
 * pauses the server while the caller does not read; timeouts, abort and maxResponseSize behave
 * as on HTTP/1.1.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContentDecodingError, HTTPAdapter, ReadTimeout, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { startH2Server } from '../helpers/h2-server.js';

const MiB = 1024 * 1024;
const SIZE = 256 * MiB;
const verify = (): string => certs().caFile;

function h2Session(options: ConstructorParameters<typeof HTTPAdapter>[0] = {}): Session {
  const s = new Session();
  s.mount('https://', new HTTPAdapter({ http2: true, ...options }));
  return s;
}

describe('HTTP/2 flow control and limits', () => {
  test('a 256 MiB streamed download: flat memory, the server paused while nobody reads', async () => {
    let written = 0;
    const chunk = Buffer.alloc(MiB, 7);
    const srv = await startH2Server({
      raw: (stream) => {
        stream.respond({ ':status': 200, 'content-length': String(SIZE) });
        const pump = (): void => {
          while (written < SIZE) {
            written += chunk.length;
            if (!stream.write(chunk)) {
              stream.once('drain', pump);
              return;
            }
          }
          stream.end();
        };
        pump();
      },
    });
    const s = h2Session();
    try {
      const r = await s.get(`${srv.url}/big`, { stream: true, verify: verify() });
      assert.equal(r.raw?.version, 20);
      // Not reading: the server must stall after the flow-control windows and buffers fill.
      // Filling them takes longer on a loaded machine, so wait for `written` to hold still for
      // 300 ms (bounded); a server that never pauses writes all of SIZE, caught just below.
      await new Promise((resolve) => setTimeout(resolve, 400));
      let stalled = -1;
      for (let i = 0; i < 40 && written !== stalled; i++) {
        stalled = written;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      assert.equal(written, stalled, 'the server is paused');
      assert.ok(stalled < 32 * MiB, `at most a few windows sent, got ${stalled / MiB} MiB`);
      const base = process.memoryUsage().rss;
      let peak = base;
      let got = 0;
      let n = 0;
      for await (const piece of r.iterContent({ chunkSize: 256 * 1024 })) {
        got += (piece as Uint8Array).length;
        if (++n % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
      assert.equal(got, SIZE);
      assert.ok(peak - base < 128 * MiB, `rss grew by ${(peak - base) / MiB} MiB`);
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('read timeout per wait; the connection serves the next request', async () => {
    const srv = await startH2Server({
      handler: (s) => {
        if (s.headers[':path'] === '/slow') return; // never answers
        s.stream.respond({ ':status': 200 });
        s.stream.end('fast');
      },
    });
    const s = h2Session();
    try {
      await assert.rejects(
        s.get(`${srv.url}/slow`, { timeout: { connect: 5_000, read: 200 }, verify: verify() }),
        ReadTimeout,
      );
      const r = await s.get(`${srv.url}/fast`, { verify: verify() });
      assert.equal(r.text, 'fast');
      assert.equal(srv.sessions(), 1);
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('an AbortSignal cancels its stream only; the others on the connection go on', async () => {
    const srv = await startH2Server({
      handler: (s) => {
        const wait = s.headers[':path'] === '/hang' ? 5_000 : 100;
        const t = setTimeout(() => {
          if (s.stream.destroyed) return;
          s.stream.respond({ ':status': 200 });
          s.stream.end('done');
        }, wait);
        s.stream.on('close', () => clearTimeout(t));
      },
    });
    const s = h2Session({ poolMaxsize: 1 });
    try {
      const controller = new AbortController();
      const hung = s.get(`${srv.url}/hang`, { signal: controller.signal, verify: verify() });
      const other = s.get(`${srv.url}/other`, { verify: verify() });
      setTimeout(() => controller.abort(new Error('stop')), 30);
      await assert.rejects(hung, /stop/);
      assert.equal((await other).text, 'done');
      assert.equal(srv.sessions(), 1);
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('maxResponseSize stops an h2 body', async () => {
    const srv = await startH2Server({
      handler: (s) => {
        s.stream.respond({ ':status': 200 });
        s.stream.end(Buffer.alloc(MiB));
      },
    });
    const s = h2Session({ maxResponseSize: 1000 });
    try {
      await assert.rejects(
        s.get(`${srv.url}/`, { verify: verify() }),
        (err: Error) => err instanceof ContentDecodingError || /maxResponseSize/.test(err.message),
      );
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('total timeout covers an h2 call', async () => {
    const srv = await startH2Server({ handler: () => {} });
    const s = h2Session();
    try {
      const started = Date.now();
      await assert.rejects(
        s.get(`${srv.url}/`, { timeout: { total: 200 }, verify: verify() }),
        /total timeout/,
      );
      assert.ok(Date.now() - started < 4_000);
    } finally {
      s.close();
      await srv.close();
    }
  });
});
