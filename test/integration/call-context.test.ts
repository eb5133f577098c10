/**
 * Issue 10 "one call context": a call's deadline (`timeout.total`) is made once and spans the
 * whole call, redirects, retries, their sleeps and the body download included.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPAdapter, Retry, Session, TotalTimeout } from '../../src/index.js';
import { CallContext } from '../../src/pool/call-context.js';
import { startServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * /from answers 302 after 500 ms; /to answers 503 after 300 ms the first time, then 200 with a
 * body that trickles over 900 ms. The first hop (500 ms) and the second with its retry (1.2 s)
 * each fit in 1.5 s; the whole chain (1.7 s) does not.
 */
async function slowChain() {
  let tries = 0;
  return startServer(async (req, res) => {
    if (req.url === '/from') {
      await sleep(500);
      res.writeHead(302, { Location: '/to', 'Content-Length': '0' });
      return void res.end();
    }
    if (++tries === 1) {
      await sleep(300);
      res.writeHead(503, { 'Content-Length': '0' });
      return void res.end();
    }
    res.writeHead(200, { 'Content-Length': '6' });
    for (let i = 0; i < 6 && !res.destroyed; i++) {
      await sleep(150);
      res.write('.');
    }
    res.end();
  });
}

function retryingSession(): Session {
  const s = new Session();
  const maxRetries = new Retry({ total: 2, statusForcelist: [503], backoffFactor: 0 });
  s.mount('http://', new HTTPAdapter({ maxRetries }));
  return s;
}

describe('one call context', () => {
  test('a total timeout spans redirects, retries and a slow body with one deadline', async (t) => {
    const server = await slowChain();
    const s = retryingSession();
    t.after(() => Promise.all([s.close(), server.close()]));
    await assert.rejects(
      s.get(`${server.url}/from`, { timeout: { read: 5_000, total: 1_500 } }),
      (err: unknown) => {
        assert.ok(err instanceof TotalTimeout, String(err));
        assert.match((err as Error).message, /total timeout=1500 ms/);
        return true;
      },
    );
    // The deadline was reached on the last part: the redirect and the retry were under way.
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ['/from', '/to', '/to'],
    );
    // With room for all of it, the same chain succeeds.
    const r = await s.get(`${server.url}/from`, { timeout: { total: 10_000 } });
    assert.equal(r.text, '......');
  });

  test('a call without a total timeout or a signal makes no context', () => {
    assert.equal(CallContext.start(null, undefined), CallContext.NONE);
    assert.equal(CallContext.start(undefined, undefined).signal, undefined);
    const controller = new AbortController();
    const withSignal = CallContext.start(null, controller.signal);
    assert.equal(withSignal.signal, controller.signal, 'the caller signal, as it is');
    assert.equal(withSignal.deadline, null);
  });

  test('the deadline aborts the signal with TotalTimeoutError naming where the call was', async () => {
    const context = CallContext.start(20, undefined);
    context.at("HTTPConnectionPool(host='h', port=80)", 'http://h/x');
    await new Promise((resolve) => context.signal!.addEventListener('abort', resolve));
    const reason = context.signal!.reason as Error & { url: string };
    assert.equal(reason.name, 'TotalTimeoutError');
    assert.equal(reason.url, 'http://h/x');
    assert.match(reason.message, /^HTTPConnectionPool\(host='h', port=80\): .*total timeout=20 ms/);
    const ended = CallContext.start(10, undefined);
    ended.end();
    await sleep(40);
    assert.equal(ended.signal!.aborted, false, 'an ended call is no longer bounded');
  });
});
