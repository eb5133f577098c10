import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { after, before, describe, test } from 'node:test';
import { ConnectionError, HTTPAdapter, Retry, Session } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const CHANNELS = ['start', 'attempt', 'retry', 'redirect', 'end', 'error'] as const;

/** Subscribes to every request channel; returns what arrived, as [kind, message], in order. */
function listen(): { seen: Array<[string, Record<string, unknown>]>; stop: () => void } {
  const seen: Array<[string, Record<string, unknown>]> = [];
  const subs = CHANNELS.map((kind) => {
    const fn = (m: unknown) => seen.push([kind, m as Record<string, unknown>]);
    diagnostics.subscribe(`requests-ts:request:${kind}`, fn);
    return () => diagnostics.unsubscribe(`requests-ts:request:${kind}`, fn);
  });
  return {
    seen,
    stop: () => {
      for (const unsubscribe of subs) unsubscribe();
    },
  };
}

describe('request diagnostics channels', () => {
  let srv: TestServer;
  let tries = 0;
  before(async () => {
    srv = await startServer((req, res) => {
      if (req.url === '/flaky' && tries++ === 0) {
        res.writeHead(503, { 'Content-Length': '0' });
        res.end();
      } else if (req.url === '/moved') {
        res.writeHead(302, { Location: '/flaky', 'Content-Length': '0' });
        res.end();
      } else {
        res.writeHead(200, { 'Content-Length': '2' });
        res.end('ok');
      }
    });
  });
  after(() => srv.close());

  test('start, attempt, retry, redirect and end, in order, with redacted URLs', async () => {
    const s = new Session();
    s.trustEnv = false;
    s.mount(
      'http://',
      new HTTPAdapter({ maxRetries: new Retry({ total: 2, statusForcelist: [503] }) }),
    );
    const secretUrl = `http://user:s3cret@127.0.0.1:${srv.port}/moved`;
    const { seen, stop } = listen();
    try {
      const r = await s.get(secretUrl);
      assert.equal(r.statusCode, 200);
    } finally {
      stop();
      await s.close();
    }
    assert.deepEqual(
      seen.map(([kind, m]) =>
        [kind, m.url, m.attempt, m.status].filter((x) => x !== undefined && x !== null).join(' '),
      ),
      [
        `start http://127.0.0.1:${srv.port}/moved`,
        `attempt http://127.0.0.1:${srv.port}/moved 1`,
        `end http://127.0.0.1:${srv.port}/moved 302`,
        `redirect http://127.0.0.1:${srv.port}/moved 302`,
        `start http://127.0.0.1:${srv.port}/flaky`,
        `attempt http://127.0.0.1:${srv.port}/flaky 1`,
        `retry http://127.0.0.1:${srv.port}/flaky 1 503`,
        `attempt http://127.0.0.1:${srv.port}/flaky 2`,
        `end http://127.0.0.1:${srv.port}/flaky 200`,
      ],
    );
    const redirect = seen.find(([k]) => k === 'redirect')![1];
    assert.equal(redirect.location, `http://127.0.0.1:${srv.port}/flaky`);
    const [start, end] = [seen[0]![1], seen[2]![1]];
    assert.equal(start.request, end.request, 'start and end carry the same request object');
    assert.equal(typeof end.elapsed, 'number');
    const timings = end.timings as Record<string, number | null>;
    assert.equal(typeof timings.firstByte, 'number', 'the end message carries timings');
    assert.equal(typeof timings.total, 'number', 'the body was read before the end');
    assert.equal(end.attempts, 1);
    assert.equal(end.version, 11);
    const last = seen.at(-1)![1];
    assert.equal(last.attempts, 2, 'one retry: two tries');
    assert.equal((last.timings as { reused: boolean }).reused, true);
    assert.ok(!JSON.stringify(seen.map(([k, m]) => [k, m.url, m.location])).includes('s3cret'));
  });

  test('a failed request publishes error with the error', async () => {
    const s = new Session();
    s.trustEnv = false;
    const dead = await startServer();
    const port = dead.port;
    await dead.close();
    const { seen, stop } = listen();
    try {
      await assert.rejects(s.get(`http://127.0.0.1:${port}/`), ConnectionError);
    } finally {
      stop();
      await s.close();
    }
    const kinds = seen.map(([k]) => k);
    assert.deepEqual(kinds, ['start', 'attempt', 'error']);
    assert.ok(seen[2]![1].error instanceof ConnectionError);
  });
});
