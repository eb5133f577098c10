import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ConnectionError, HTTPError, RequestException, Retry, Session } from '../../src/index.js';
import type { ServerSentEvent } from '../../src/models/event-stream.js';
import { REAL_CLOCK, type RetryClock } from '../../src/retry.js';
import { recordingClock } from '../helpers/retry-clock.js';
import { type Handler, startServer, type TestServer } from '../helpers/server.js';

const SSE = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function take(source: AsyncIterable<ServerSentEvent>, n: number): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  if (n === 0) return out;
  for await (const e of source) {
    out.push(e);
    if (out.length >= n) break;
  }
  return out;
}

let s: Session;
before(() => {
  s = new Session();
  s.trustEnv = false;
});
after(() => s.close());

async function withServer(handler: Handler, fn: (srv: TestServer) => Promise<void>): Promise<void> {
  const srv = await startServer(handler);
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
}

describe('Response.iterEvents', () => {
  test('events arrive as the server writes them, split anywhere', async () => {
    await withServer(
      async (_req, res) => {
        res.writeHead(200, SSE);
        res.write('event: greet\nda');
        await sleep(20);
        res.write('ta: hello\r\n\r\nid: 1\ndata: a\ndata: b\n\n');
        await sleep(20);
        res.end('data: no blank line at the end');
      },
      async (srv) => {
        const r = await s.get(`${srv.url}/`, { stream: true });
        const events: ServerSentEvent[] = [];
        for await (const e of r.iterEvents()) events.push(e);
        assert.deepEqual(events, [
          { event: 'greet', data: 'hello', id: '', retry: null },
          { event: 'message', data: 'a\nb', id: '1', retry: null },
        ]);
      },
    );
  });

  test('a gzip-encoded event stream is decoded first', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { ...SSE, 'Content-Encoding': 'gzip' });
        res.end(gzipSync('data: zipped\n\n'));
      },
      async (srv) => {
        const r = await s.get(`${srv.url}/`, { stream: true });
        assert.deepEqual(
          (await take(r.iterEvents(), 5)).map((e) => e.data),
          ['zipped'],
        );
      },
    );
  });
});

describe('Session.events', () => {
  test('asks for text/event-stream and reconnects with Last-Event-ID after the server retry', async () => {
    let n = 0;
    await withServer(
      (_req, res) => {
        n++;
        res.writeHead(200, SSE);
        if (n === 1) res.end('retry: 250\nid: 5\ndata: first\n\n');
        else res.end('data: second\n\n');
      },
      async (srv) => {
        const clock = recordingClock();
        const events = await take(
          s.events(`${srv.url}/feed`, { retry: new Retry({ total: 3, clock }) }),
          2,
        );
        assert.deepEqual(
          events.map((e) => e.data),
          ['first', 'second'],
        );
        assert.equal(srv.requests[0]!.headers.accept, 'text/event-stream');
        assert.equal(srv.requests[0]!.headers['last-event-id'], undefined);
        assert.equal(srv.requests[1]!.headers['last-event-id'], '5');
        assert.deepEqual(clock.waits, [250]);
      },
    );
  });

  test('a connection dropped mid-stream (chunked body cut) reconnects with the last id', async () => {
    let n = 0;
    await withServer(
      async (req, res) => {
        n++;
        res.writeHead(200, SSE);
        if (n === 1) {
          res.write('id: 9\ndata: before\n\ndata: half');
          await sleep(20);
          req.socket.destroy();
        } else res.end('data: after\n\n');
      },
      async (srv) => {
        const clock = recordingClock();
        const events = await take(
          s.events(`${srv.url}/`, { retry: new Retry({ total: 2, clock }), reconnectDelay: 5 }),
          2,
        );
        assert.deepEqual(
          events.map((e) => e.data),
          ['before', 'after'],
        );
        assert.equal(srv.requests[1]!.headers['last-event-id'], '9');
      },
    );
  });

  test('lastEventId resumes the first connection; the caller headers are kept', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, SSE);
        res.end('data: x\n\n');
      },
      async (srv) => {
        await take(s.events(`${srv.url}/`, { lastEventId: 'abc', headers: { 'X-Token': 't' } }), 1);
        assert.equal(srv.requests[0]!.headers['last-event-id'], 'abc');
        assert.equal(srv.requests[0]!.headers['x-token'], 't');
      },
    );
  });

  test('a 204 ends the iteration without reconnecting', async () => {
    let n = 0;
    await withServer(
      (_req, res) => {
        n++;
        if (n === 1) {
          res.writeHead(200, SSE);
          res.end('data: last\n\n');
        } else {
          res.writeHead(204);
          res.end();
        }
      },
      async (srv) => {
        const clock = recordingClock();
        const events = await take(
          s.events(`${srv.url}/`, { retry: new Retry({ total: 5, clock }), reconnectDelay: 10 }),
          10,
        );
        assert.deepEqual(
          events.map((e) => e.data),
          ['last'],
        );
        assert.equal(srv.requests.length, 2);
      },
    );
  });

  test('an answer that is not text/event-stream is a clear error, not retried', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      },
      async (srv) => {
        await assert.rejects(take(s.events(`${srv.url}/`), 1), (err: unknown) => {
          assert.ok(err instanceof RequestException);
          assert.match(String((err as Error).message), /text\/event-stream.*application\/json/);
          assert.equal((err as RequestException).response?.statusCode, 200);
          return true;
        });
        assert.equal(srv.requests.length, 1);
      },
    );
  });

  test('an HTTP error status raises HTTPError', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(403, SSE);
        res.end();
      },
      async (srv) => {
        await assert.rejects(take(s.events(`${srv.url}/`), 1), HTTPError);
      },
    );
  });

  test('a POST with a replayable JSON body is sent again on reconnection', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, SSE);
        res.end('data: tok\n\n');
      },
      async (srv) => {
        const clock = recordingClock();
        await take(
          s.events(`${srv.url}/chat`, {
            method: 'POST',
            json: { prompt: 'hi' },
            retry: new Retry({ total: 3, clock }),
          }),
          2,
        );
        assert.equal(srv.requests.length, 2);
        for (const rec of srv.requests) {
          assert.equal(rec.method, 'POST');
          assert.deepEqual(JSON.parse(rec.body.toString()), { prompt: 'hi' });
        }
      },
    );
  });

  test('a POST whose body is a one-shot stream is never re-sent: the stream end ends it', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, SSE);
        res.end('data: tok\n\n');
      },
      async (srv) => {
        const events = await take(
          s.events(`${srv.url}/chat`, { method: 'POST', data: Readable.from([Buffer.from('q')]) }),
          5,
        );
        assert.deepEqual(
          events.map((e) => e.data),
          ['tok'],
        );
        assert.equal(srv.requests.length, 1);
      },
    );
  });

  test('consecutive failed connections are bounded by the Retry, then the error is raised', async () => {
    await withServer(
      (req) => {
        req.socket.destroy(); // no answer at all
      },
      async (srv) => {
        const clock = recordingClock();
        await assert.rejects(
          take(
            s.events(`${srv.url}/`, { retry: new Retry({ total: 2, clock }), reconnectDelay: 7 }),
            1,
          ),
          ConnectionError,
        );
        assert.equal(srv.requests.length, 3);
        assert.deepEqual(clock.waits, [7, 7]);
      },
    );
  });

  test('retry: 0 never reconnects: the end of the stream ends the iteration', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, SSE);
        res.end('data: once\n\n');
      },
      async (srv) => {
        const events = await take(s.events(`${srv.url}/`, { retry: 0 }), 5);
        assert.deepEqual(
          events.map((e) => e.data),
          ['once'],
        );
        assert.equal(srv.requests.length, 1);
      },
    );
  });

  test('aborting the signal while waiting to reconnect stops with its reason', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, SSE);
        res.end('retry: 60000\ndata: a\n\n');
      },
      async (srv) => {
        const ac = new AbortController();
        const reason = new Error('shutting down');
        const seen: string[] = [];
        const run = (async () => {
          for await (const e of s.events(`${srv.url}/`, { signal: ac.signal })) {
            seen.push(e.data);
            setTimeout(() => ac.abort(reason), 20);
          }
        })();
        await assert.rejects(run, (err) => err === reason);
        assert.deepEqual(seen, ['a']);
        assert.equal(srv.requests.length, 1);
      },
    );
  });
});
