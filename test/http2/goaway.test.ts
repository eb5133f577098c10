/**
 * Nothing lost, nothing doubled (issue 13): after a GOAWAY the streams the server did not process
 * (above its last-stream-id) and refused streams are sent again whatever the method; a POST the
 * server may have processed is never re-sent. The server counts how often each body arrived.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { describe, test } from 'node:test';
import { ChunkedEncodingError, ConnectionError, HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { type H2Stream, startH2Server } from '../helpers/h2-server.js';

function h2Session(options: ConstructorParameters<typeof HTTPAdapter>[0] = {}) {
  const s = new Session();
  s.mount('https://', new HTTPAdapter({ http2: true, ...options }));
  return s;
}

const verify = (): string => certs().caFile;

function answer(s: H2Stream): void {
  s.stream.respond({ ':status': 200 });
  s.stream.end(`got ${s.body.toString()}`);
}

describe('HTTP/2 GOAWAY and stream errors', () => {
  test('GOAWAY with requests queued: every POST answered, each body processed once', async () => {
    const processed = new Map<string, number>();
    let first = true;
    let held: H2Stream[] = [];
    const srv = await startH2Server({
      settings: { maxConcurrentStreams: 4 },
      handler: (s) => {
        if (!first) {
          processed.set(s.body.toString(), (processed.get(s.body.toString()) ?? 0) + 1);
          return answer(s);
        }
        held.push(s);
        if (held.length < 4) return;
        // The first session: process two of its four streams, refuse the others with GOAWAY.
        first = false;
        const sorted = held.sort((a, b) => a.stream.id! - b.stream.id!);
        const last = sorted[1]!.stream.id!;
        s.session.goaway(http2.constants.NGHTTP2_NO_ERROR, last);
        for (const h of sorted) {
          if (h.stream.id! <= last) {
            processed.set(h.body.toString(), (processed.get(h.body.toString()) ?? 0) + 1);
            answer(h);
          }
        }
        held = [];
      },
    });
    const s = h2Session({ poolMaxsize: 1, poolBlock: true });
    try {
      const all = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          s.post(`${srv.url}/p`, { data: `b${i}`, verify: verify() }),
        ),
      );
      for (const [i, r] of all.entries()) assert.equal(r.text, `got b${i}`);
      assert.equal(processed.size, 12);
      for (const [body, n] of processed) assert.equal(n, 1, `${body} processed ${n} times`);
      assert.equal(srv.sessions(), 2, 'the rest went on a new connection');
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('REFUSED_STREAM: a POST is sent again; the body reaches the handler once', async () => {
    let refused = 0;
    const srv = await startH2Server({
      raw: (stream, headers) => {
        if (refused === 0 && headers[':path'] === '/r') {
          refused++;
          stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
          return;
        }
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          stream.respond({ ':status': 200 });
          stream.end(`got ${Buffer.concat(chunks).toString()}`);
        });
      },
    });
    const s = h2Session();
    try {
      const r = await s.post(`${srv.url}/r`, { data: 'once', verify: verify() });
      assert.equal(r.text, 'got once');
      assert.equal(refused, 1);
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('a stream reset after the server read the POST: ConnectionError, never re-sent', async () => {
    let arrivals = 0;
    const srv = await startH2Server({
      handler: (s) => {
        arrivals++;
        s.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      },
    });
    const s = h2Session({ maxRetries: 3 });
    try {
      await assert.rejects(
        s.post(`${srv.url}/x`, { data: 'keep', verify: verify() }),
        (err: Error) => err instanceof ConnectionError && /Connection aborted/.test(err.message),
      );
      assert.equal(arrivals, 1);
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('a stream reset in the middle of the body: ChunkedEncodingError; the connection lives on', async () => {
    const srv = await startH2Server({
      handler: (s) => {
        if (s.headers[':path'] === '/ok') return answer(s);
        s.stream.respond({ ':status': 200, 'content-length': '100' });
        s.stream.write('x'.repeat(10), () =>
          s.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR),
        );
      },
    });
    const s = h2Session();
    try {
      await assert.rejects(s.get(`${srv.url}/cut`, { verify: verify() }), ChunkedEncodingError);
      const r = await s.get(`${srv.url}/ok`, { verify: verify() });
      assert.equal(r.statusCode, 200);
      assert.equal(srv.sessions(), 1, 'a stream error does not close the connection');
    } finally {
      s.close();
      await srv.close();
    }
  });
});
