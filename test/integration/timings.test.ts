/**
 * Response.timings against real servers that delay each phase by a known amount: every phase is
 * checked within a generous tolerance (at least the delay less a few ms, and not absurdly more).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheAdapter, HTTPAdapter, MockAdapter, Session } from '../../src/index.js';
import { certs, startHttpsServer, type TestHttpsServer } from '../helpers/certs.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startSocksServer, type TestSocksServer } from '../helpers/socks.js';

// Long enough that the bounds which compare phases (a redirect's empty body, an unqueued first
// call) hold when a loaded machine deschedules the client for tens of ms.
const HEAD_DELAY = 150;
const BODY_DELAY = 200;
/**
 * Lower bound slack (timers may fire a little early relative to our clock) and upper bound: wide,
 * since a loaded CI machine has been seen to take 700 ms over a 140 ms request; it still catches
 * a wrong unit (µs) or clock (epoch).
 */
const EARLY = 5;
const LATE = 5_000;

function within(actual: number | null, atLeast: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} should be a number, got ${actual}`);
  assert.ok(actual! >= atLeast - EARLY, `${what} = ${actual} ms, expected >= ${atLeast} ms`);
  assert.ok(actual! < atLeast + LATE, `${what} = ${actual} ms, expected about ${atLeast} ms`);
}

const PHASES = ['queued', 'dns', 'connect', 'tls', 'request', 'firstByte', 'download', 'total'];

describe('Response.timings', () => {
  let srv: TestServer;
  let s: Session;
  before(async () => {
    srv = await startServer(async (req, res) => {
      if (req.url === '/slow') {
        await sleep(HEAD_DELAY);
        res.writeHead(200, { 'Content-Length': '4' });
        res.write('ab');
        await sleep(BODY_DELAY);
        res.end('cd');
      } else if (req.url === '/cached') {
        res.writeHead(200, { 'Content-Length': '2', 'Cache-Control': 'max-age=60' });
        res.end('ok');
      } else if (req.url === '/hop') {
        await sleep(HEAD_DELAY);
        res.writeHead(302, { Location: '/slow', 'Content-Length': '0' });
        res.end();
      } else {
        res.writeHead(200, { 'Content-Length': '2' });
        res.end('ok');
      }
    });
    s = new Session();
    s.trustEnv = false;
  });
  after(async () => {
    await s.close();
    await srv.close();
  });

  test('each phase within tolerance of the server delays; a new connection says so', async () => {
    const fresh = new Session();
    try {
      const r = await fresh.get(`${srv.url}/slow`, { allowRedirects: false });
      const t = r.timings;
      assert.deepEqual(Object.keys(t).sort(), [...PHASES, 'reused'].sort());
      assert.equal(t.reused, false);
      assert.equal(t.dns, null, 'an IP address is not resolved');
      assert.equal(t.tls, null, 'plain TCP');
      assert.equal(typeof t.connect, 'number');
      assert.ok(t.connect! >= 0 && t.connect! < LATE);
      assert.ok(t.queued! >= 0 && t.queued! < LATE);
      assert.ok(t.request! >= 0 && t.request! < LATE);
      within(t.firstByte, HEAD_DELAY, 'firstByte');
      // A busy client may see the head late and the rest on time: the sum is what is certain.
      within(t.firstByte! + t.download!, HEAD_DELAY + BODY_DELAY, 'firstByte + download');
      assert.ok(t.download! > 0);
      within(t.total, HEAD_DELAY + BODY_DELAY, 'total');
      const parts = t.queued! + t.connect! + t.request! + t.firstByte! + t.download!;
      assert.ok(parts <= t.total! + 0.001, `phases ${parts} ms fit in total ${t.total} ms`);
      assert.strictEqual(r.timings, t, 'computed once the body is read');
      // requests' elapsed: sending to headers, on the same clock, so it covers firstByte. That it
      // ends before the body is test/socket/abandoned-streams.test.ts's, with a 1 s body: here a
      // client starved for BODY_DELAY gets head and body at once, and elapsed (which starts
      // before the try) then exceeds total (seen under load: elapsed 699.9 ms).
      assert.ok(r.elapsed >= t.firstByte!, `elapsed ${r.elapsed}, firstByte ${t.firstByte}`);
    } finally {
      await fresh.close();
    }
  });

  test('a reused connection reports no dns, connect or tls, and reused: true', async () => {
    await s.get(`${srv.url}/fast`);
    const r = await s.get(`${srv.url}/fast`);
    const t = r.timings;
    assert.equal(t.reused, true);
    assert.equal(t.dns, null);
    assert.equal(t.connect, null);
    assert.equal(t.tls, null);
    assert.equal(typeof t.firstByte, 'number');
    assert.equal(typeof t.total, 'number');
  });

  test('localhost is resolved: dns is a number', async () => {
    const fresh = new Session();
    try {
      const r = await fresh.get(`http://localhost:${srv.port}/fast`);
      assert.equal(r.timings.reused, false);
      assert.equal(typeof r.timings.dns, 'number');
      assert.ok(r.timings.dns! >= 0 && r.timings.dns! < LATE);
      assert.equal(typeof r.timings.connect, 'number');
    } finally {
      await fresh.close();
    }
  });

  test('each hop of a redirect chain has its own timings', async () => {
    const r = await s.get(`${srv.url}/hop`);
    assert.equal(r.history.length, 1);
    const hop = r.history[0]!.timings;
    within(hop.firstByte, HEAD_DELAY, 'hop firstByte');
    assert.ok(hop.download! < BODY_DELAY, 'the redirect has no slow body');
    within(r.timings.firstByte, HEAD_DELAY, 'final firstByte');
    const { firstByte, download } = r.timings;
    within(firstByte! + download!, HEAD_DELAY + BODY_DELAY, 'final firstByte + download');
    assert.notStrictEqual(r.timings, hop);
    assert.equal(r.timings.reused, true, 'the final hop reuses the first hop connection');
  });

  test('stream: true: download and total wait for the body to be read', async () => {
    const r = await s.get(`${srv.url}/slow`, { stream: true });
    assert.equal(r.timings.download, null);
    assert.equal(r.timings.total, null);
    within(r.timings.firstByte, HEAD_DELAY, 'firstByte');
    await sleep(BODY_DELAY + 100);
    await r.read();
    within(r.timings.download, BODY_DELAY + 100, 'download until read');
  });

  test('request covers writing a slow body', async () => {
    async function* body() {
      yield Buffer.from('a');
      await sleep(BODY_DELAY);
      yield Buffer.from('b');
    }
    const r = await s.post(`${srv.url}/fast`, { data: body() });
    within(r.timings.request, BODY_DELAY, 'request');
    assert.ok(r.timings.firstByte! >= 0);
  });

  test('Expect: 100-continue requests are measured too', async () => {
    const fresh = new Session();
    try {
      const r = await fresh.post(`${srv.url}/slow`, {
        data: 'payload',
        headers: { Expect: '100-continue' },
      });
      assert.equal(r.statusCode, 200);
      const t = r.timings;
      assert.equal(t.reused, false);
      assert.equal(typeof t.connect, 'number');
      assert.equal(t.dns, null);
      within(t.firstByte, HEAD_DELAY, 'firstByte');
      within(t.firstByte! + t.download!, HEAD_DELAY + BODY_DELAY, 'firstByte + download');
    } finally {
      await fresh.close();
    }
  });

  test('queued: a blocking pool at maxsize makes the second call wait', async () => {
    const blocking = new Session();
    blocking.mount('http://', new HTTPAdapter({ poolMaxsize: 1, poolBlock: true }));
    try {
      const [a, b] = await Promise.all([
        blocking.get(`${srv.url}/slow`),
        blocking.get(`${srv.url}/slow`),
      ]);
      const [first, second] = a.timings.queued! <= b.timings.queued! ? [a, b] : [b, a];
      assert.ok(first.timings.queued! < HEAD_DELAY);
      within(second.timings.queued, HEAD_DELAY + BODY_DELAY, 'queued');
      assert.equal(second.timings.reused, true);
    } finally {
      await blocking.close();
    }
  });

  test('CacheAdapter: the network answer is measured, one from the store is not', async () => {
    const cached = new Session();
    cached.mount('http://', new CacheAdapter());
    try {
      const first = await cached.get(`${srv.url}/cached`);
      assert.equal(first.fromCache, false);
      assert.equal(typeof first.timings.firstByte, 'number');
      const again = await cached.get(`${srv.url}/cached`);
      assert.equal(again.fromCache, true);
      const t = again.timings;
      for (const phase of PHASES.filter((p) => p !== 'total'))
        assert.equal(t[phase as keyof typeof t], null, phase);
      assert.equal(t.reused, false);
      assert.equal(typeof t.total, 'number');
    } finally {
      await cached.close();
    }
  });

  test('MockAdapter: nothing on the wire, every phase null, total measured', async () => {
    const mocked = new Session();
    const mock = new MockAdapter();
    mock.register('GET', 'http://mock.test/a', { body: 'x' });
    mocked.mount('http://mock.test/', mock);
    const r = await mocked.get('http://mock.test/a');
    const t = r.timings;
    for (const phase of PHASES.filter((p) => p !== 'total'))
      assert.equal(t[phase as keyof typeof t], null, phase);
    assert.equal(t.reused, false);
    assert.equal(typeof t.total, 'number');
  });
});

describe('Response.timings over TLS and proxies', () => {
  let secure: TestHttpsServer;
  let proxy: TestProxy;
  let socks: TestSocksServer;
  before(async () => {
    secure = await startHttpsServer();
    proxy = await startProxy();
    socks = await startSocksServer();
  });
  after(async () => {
    await Promise.all([secure.close(), proxy.close(), socks.close()]);
  });

  async function fresh(run: (s: Session) => Promise<void>): Promise<void> {
    const s = new Session();
    s.trustEnv = false;
    s.verify = certs().caFile;
    try {
      await run(s);
    } finally {
      await s.close();
    }
  }

  test('https: the TLS handshake is its own phase, then reused', () =>
    fresh(async (s) => {
      const r = await s.get(`${secure.url}/`);
      assert.equal(r.timings.dns, null);
      assert.equal(typeof r.timings.connect, 'number');
      assert.equal(typeof r.timings.tls, 'number');
      assert.ok(r.timings.tls! > 0 && r.timings.tls! < LATE);
      const again = await s.get(`${secure.url}/`);
      assert.equal(again.timings.reused, true);
      assert.equal(again.timings.tls, null);
    }));

  test('https through a CONNECT tunnel: connect until the tunnel is open, then tls', () =>
    fresh(async (s) => {
      const r = await s.get(`${secure.url}/`, { proxies: { https: proxy.url } });
      assert.equal(r.statusCode, 200);
      assert.equal(r.timings.dns, null, 'the proxy is an IP address');
      assert.ok(r.timings.connect! > 0);
      assert.ok(r.timings.tls! > 0);
      assert.equal(r.timings.reused, false);
    }));

  test('https through SOCKS5: connect until established, then tls', () =>
    fresh(async (s) => {
      const r = await s.get(`${secure.url}/`, { proxies: { https: socks.url('socks5') } });
      assert.equal(r.statusCode, 200);
      assert.equal(r.timings.dns, null);
      assert.ok(r.timings.connect! > 0);
      assert.ok(r.timings.tls! > 0);
    }));
});
