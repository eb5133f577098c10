/**
 * Issue 16, audited bullet by bullet: the cases the feature files left out. Progress for the body
 * kinds not covered elsewhere (form, URLSearchParams, JSON, in-memory multipart, web
 * ReadableStream, async iterable, Blob) and after a failed call; server-sent events whose server
 * asks for a longer wait than the Retry allows, an abort while a stream is open, a one-shot POST
 * body whose stream drops; timings over a Unix socket; the retry message of a try that failed
 * with an error.
 */
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '../../src/adapters/progress.js';
import {
  ChunkedEncodingError,
  HTTPAdapter,
  type RequestRedirectMessage,
  type RequestRetryMessage,
  Retry,
  Session,
} from '../../src/index.js';
import { fileFromPath } from '../../src/models/body.js';
import { REAL_CLOCK, type RetryClock } from '../../src/retry.js';
import { recordingClock } from '../helpers/retry-clock.js';
import { startRawPeer, startServer, type TestServer } from '../helpers/server.js';
import { startUnixServer } from '../helpers/unix-server.js';

const SSE = { 'Content-Type': 'text/event-stream' };

let srv: TestServer;
before(async () => {
  srv = await startServer(async (req, res, record) => {
    if (req.url === '/drop') {
      res.writeHead(200, { 'Content-Length': '1000000' });
      res.write(Buffer.alloc(300_000, 1));
      await sleep(30);
      req.socket.destroy();
    } else if (req.url === '/sse-hold') {
      res.writeHead(200, SSE);
      res.write('data: a\n\n'); // and nothing more: the stream stays open
    } else if (req.url === '/sse-drop') {
      res.writeHead(200, SSE);
      res.write('id: 1\ndata: a\n\n');
      await sleep(30);
      req.socket.destroy();
    } else if (req.url === '/sse-long-retry') {
      res.writeHead(200, SSE);
      res.end('retry: 999999999999\ndata: a\n\n');
    } else if (req.url === '/sse-echo') {
      res.writeHead(200, SSE);
      res.end(`data: ${record.body.length}\n\n`);
    } else if (req.url === '/to-secret') {
      res.writeHead(302, { Location: `http://user:s3cret@127.0.0.1:${srv.port}/echo` });
      res.end();
    } else if (req.url === '/see-other') {
      res.writeHead(303, { Location: '/echo', 'Content-Length': '0' });
      res.end();
    } else {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(String(record.body.length));
    }
  });
});
after(() => srv.close());

function recorder() {
  const calls: Progress[] = [];
  return { calls, fn: (p: Progress) => calls.push({ ...p }) };
}

/** Non-decreasing, the last call the full count, no call after the promise settled. */
async function assertProgress(calls: Progress[], finalCount: number, what: string) {
  const atSettle = calls.length;
  assert.ok(calls.length >= 2, `${what}: ${calls.length} calls`);
  for (let i = 1; i < calls.length; i++)
    assert.ok(calls[i]!.transferred >= calls[i - 1]!.transferred, `${what}: call ${i} went back`);
  assert.deepEqual(calls.at(-1), { transferred: finalCount, total: finalCount }, what);
  await sleep(30);
  assert.equal(calls.length, atSettle, `${what}: a call came after the promise settled`);
}

describe('upload progress for every body kind', () => {
  const big = 'x'.repeat(200_000);
  const chunks = () => Array.from({ length: 5 }, (_, i) => new Uint8Array(50_000).fill(i));
  const kinds: [string, () => Record<string, unknown>, boolean][] = [
    ['a form record', () => ({ data: { a: big } }), true],
    ['URLSearchParams', () => ({ data: new URLSearchParams({ a: big }) }), true],
    ['json', () => ({ json: { a: big } }), true],
    ['in-memory multipart', () => ({ data: { k: 'v' }, files: { f: Buffer.from(big) } }), true],
    ['a Blob', () => ({ data: new Blob([Buffer.from(big)]) }), true],
    [
      'a web ReadableStream',
      () => ({
        data: new ReadableStream<Uint8Array>({
          start(c) {
            for (const chunk of chunks()) c.enqueue(chunk);
            c.close();
          },
        }),
      }),
      false,
    ],
    [
      'an async iterable',
      () => ({
        data: (async function* () {
          yield* chunks();
        })(),
      }),
      false,
    ],
  ];
  for (const [what, options, sized] of kinds) {
    test(`${what}: counted, total ${sized ? 'the Content-Length' : 'null until the end'}`, async () => {
      await using s = new Session();
      s.trustEnv = false;
      const up = recorder();
      const r = await s.post(`${srv.url}/echo`, { ...options(), onUploadProgress: up.fn });
      const sent = Number(r.text);
      assert.ok(sent >= 200_000, `${what}: the server got ${sent} bytes`);
      if (sized)
        assert.ok(
          up.calls.every((p) => p.total === sent),
          `${what}: total throughout`,
        );
      else
        assert.ok(
          up.calls.slice(0, -1).every((p) => p.total === null),
          what,
        );
      await assertProgress(up.calls, sent, what);
    });
  }
});

test('upload progress of a request without a body: one call, its final count 0 of 0', async () => {
  await using s = new Session();
  s.trustEnv = false;
  const calls: [string, Progress[]][] = [];
  for (const [what, send] of [
    ['GET', (fn: (p: Progress) => void) => s.get(`${srv.url}/echo`, { onUploadProgress: fn })],
    ['HEAD', (fn: (p: Progress) => void) => s.head(`${srv.url}/echo`, { onUploadProgress: fn })],
    [
      'an empty body',
      (fn: (p: Progress) => void) =>
        s.post(`${srv.url}/echo`, { data: Buffer.alloc(0), onUploadProgress: fn }),
    ],
  ] as const) {
    const up = recorder();
    await send(up.fn);
    calls.push([what, up.calls]);
  }
  for (const [what, seen] of calls)
    assert.deepEqual(seen, [{ transferred: 0, total: 0 }], `${what}: a bar that ends`);
});

test('upload progress through a 303: the POST body counted, the bodyless GET never goes back', async () => {
  await using s = new Session();
  s.trustEnv = false;
  const up = recorder();
  const r = await s.post(`${srv.url}/see-other`, {
    data: Buffer.alloc(100_000, 1),
    onUploadProgress: up.fn,
  });
  assert.equal(r.request?.method, 'GET');
  assert.equal(r.history.length, 1);
  await assertProgress(up.calls, 100_000, '303');
});

test('download progress: no call once a call failed mid-body', async () => {
  await using s = new Session();
  s.trustEnv = false;
  const down = recorder();
  await assert.rejects(
    s.get(`${srv.url}/drop`, { onDownloadProgress: down.fn }),
    ChunkedEncodingError,
  );
  const atReject = down.calls.length;
  assert.ok(atReject > 0 && down.calls.at(-1)!.transferred > 0, 'some bytes were counted');
  assert.ok(down.calls.every((p) => p.transferred <= 300_000 && p.total === 1_000_000));
  await sleep(50);
  assert.equal(down.calls.length, atReject, 'a progress call came after the rejection');
});

describe('Session.events, the remaining rules', () => {
  test("the server's retry is bounded by the Retry's backoffMax", async () => {
    await using s = new Session();
    s.trustEnv = false;
    const clock = recordingClock();
    let got = 0;
    for await (const _ of s.events(`${srv.url}/sse-long-retry`, {
      retry: new Retry({ total: 3, backoffMax: 400, clock }),
    })) {
      if (++got === 2) break;
    }
    assert.deepEqual(clock.waits, [400]);
  });

  test('an abort while a stream is open stops the iteration with its reason, no reconnection', async () => {
    await using s = new Session();
    s.trustEnv = false;
    const before = srv.requests.length;
    const ac = new AbortController();
    const reason = new Error('user left');
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of s.events(`${srv.url}/sse-hold`, { signal: ac.signal })) {
          seen.push(e.data);
          setTimeout(() => ac.abort(reason), 20);
        }
      })(),
      (err) => err === reason,
    );
    assert.deepEqual(seen, ['a']);
    await sleep(50);
    assert.equal(srv.requests.length - before, 1, 'one connection, none after the abort');
  });

  test('a one-shot POST body whose stream drops is never re-sent: the drop is raised', async () => {
    await using s = new Session();
    s.trustEnv = false;
    const before = srv.requests.length;
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of s.events(`${srv.url}/sse-drop`, {
          method: 'POST',
          data: Readable.from([Buffer.from('prompt')]),
          retry: new Retry({ total: 5, clock: recordingClock() }),
        }))
          seen.push(e.data);
      })(),
      ChunkedEncodingError, // requests' class for a body cut mid-way
    );
    assert.deepEqual(seen, ['a']);
    assert.equal(srv.requests.length - before, 1, 'the stream body went out once');
    assert.equal(srv.requests.at(-1)!.body.toString(), 'prompt');
  });
});

test('timings over a Unix socket: no dns, a connect, then reused', async () => {
  const unix = await startUnixServer();
  const s = new Session();
  try {
    const first = await s.get(`${unix.url}/a`);
    assert.equal(first.timings.reused, false);
    assert.equal(first.timings.dns, null, 'a socket path is not resolved');
    assert.equal(typeof first.timings.connect, 'number');
    assert.equal(first.timings.tls, null);
    const again = await s.get(`${unix.url}/b`);
    assert.equal(again.timings.reused, true);
    assert.deepEqual(
      [again.timings.dns, again.timings.connect, again.timings.tls],
      [null, null, null],
    );
    assert.equal(unix.connections(), 1);
  } finally {
    await s.close();
    await unix.close();
  }
});

test('diagnostics: the retry of a try that failed with an error carries it, status null', async () => {
  let n = 0;
  const peer = await startRawPeer((socket) => {
    socket.once('data', () => {
      if (n++ === 0)
        socket.destroy(); // the first try: no answer at all
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
  });
  const retries: RequestRetryMessage[] = [];
  const attempts: number[] = [];
  const onRetry = (m: unknown) => retries.push(m as RequestRetryMessage);
  const onAttempt = (m: unknown) => attempts.push((m as { attempt: number }).attempt);
  diagnostics.subscribe('requests-ts:request:retry', onRetry);
  diagnostics.subscribe('requests-ts:request:attempt', onAttempt);
  const s = new Session();
  s.trustEnv = false;
  s.mount('http://', new HTTPAdapter({ maxRetries: new Retry({ total: 1 }) }));
  try {
    const r = await s.get(`${peer.url}/x`);
    assert.equal(r.text, 'ok');
  } finally {
    diagnostics.unsubscribe('requests-ts:request:retry', onRetry);
    diagnostics.unsubscribe('requests-ts:request:attempt', onAttempt);
    await s.close();
    await peer.close();
  }
  assert.deepEqual(attempts, [1, 2]);
  assert.equal(retries.length, 1);
  assert.equal(retries[0]!.attempt, 1);
  assert.equal(retries[0]!.status, null);
  assert.ok(retries[0]!.error instanceof Error, String(retries[0]!.error));
  assert.equal(retries[0]!.method, 'GET');
  assert.equal(retries[0]!.url, `${peer.url}/x`);
});

test('Session.events: a multipart body from disk is built again and re-sent on each reconnection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rts-audit-'));
  const path = join(dir, 'prompt.txt');
  writeFileSync(path, 'p'.repeat(1000));
  await using s = new Session();
  s.trustEnv = false;
  const before = srv.requests.length;
  try {
    const clock = {
      now: REAL_CLOCK.now,
      sleep: (_ms: number, signal?: AbortSignal) => REAL_CLOCK.sleep(1, signal),
    };
    const sizes: string[] = [];
    for await (const e of s.events(`${srv.url}/sse-echo`, {
      method: 'POST',
      files: { prompt: fileFromPath(path) },
      retry: new Retry({ total: 3, clock }),
    })) {
      sizes.push(e.data);
      if (sizes.length === 3) break;
    }
    assert.equal(srv.requests.length - before, 3);
    assert.ok(Number(sizes[0]) > 1000, `the whole multipart body: ${sizes[0]}`);
    assert.deepEqual(new Set(sizes).size, 1, `the same body each time: ${sizes}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('diagnostics: the redirect message redacts credentials in the Location', async () => {
  const seen: RequestRedirectMessage[] = [];
  const fn = (m: unknown) => seen.push(m as RequestRedirectMessage);
  diagnostics.subscribe('requests-ts:request:redirect', fn);
  await using s = new Session();
  s.trustEnv = false;
  try {
    const r = await s.get(`${srv.url}/to-secret`);
    assert.equal(r.statusCode, 200);
  } finally {
    diagnostics.unsubscribe('requests-ts:request:redirect', fn);
  }
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.status, 302);
  assert.doesNotMatch(seen[0]!.location, /s3cret/);
  assert.match(seen[0]!.location, new RegExp(`127\\.0\\.0\\.1:${srv.port}/echo$`));
});
