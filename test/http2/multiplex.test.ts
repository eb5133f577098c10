/**
 * HTTP/2 multiplexing within urllib3's pool rules (issue 13): one connection carries many
 * requests, `maxsize` counts connections, `block` decides when every stream is taken.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClosedPoolError, EmptyPoolError } from '../../src/_internal/pool-errors.js';
import { HTTPAdapter, Session } from '../../src/index.js';
import { ConnectionPool } from '../../src/pool/connection-pool.js';
import { TimeoutConfig } from '../../src/timeout.js';
import { certs, startHttpsServer } from '../helpers/certs.js';
import { type H2Stream, startH2Server, trustingTls } from '../helpers/h2-server.js';
import { waitFor } from '../helpers/wait.js';

/** Holds every answer until `count` streams are open, so they are provably concurrent. */
function gate(count: () => number, want: number) {
  const held: H2Stream[] = [];
  const answer = (s: H2Stream) => {
    s.stream.respond({ ':status': 200 });
    s.stream.end(s.body.length > 0 ? s.body : 'ok');
  };
  let open = false;
  return (s: H2Stream) => {
    if (open) return answer(s);
    held.push(s);
    if (count() >= want || held.length >= want) {
      open = true;
      for (const h of held.splice(0)) answer(h);
    }
  };
}

function pool(port: number, extra: Partial<ConstructorParameters<typeof ConnectionPool>[0]> = {}) {
  return new ConnectionPool({
    scheme: 'https',
    host: '127.0.0.1',
    port,
    tls: trustingTls(),
    http2: true,
    ...extra,
  });
}

describe('HTTP/2 multiplexing', () => {
  test('poolMaxsize 1: one connection carries 48 concurrent requests', async () => {
    let streams = 0;
    const srv = await startH2Server({
      handler: (s) => {
        streams++;
        held(s);
      },
    });
    const held = gate(() => streams, 48);
    const s = new Session();
    const adapter = new HTTPAdapter({ http2: true, poolMaxsize: 1 });
    s.mount('https://', adapter);
    const verify = certs().caFile;
    try {
      const all = await Promise.all(
        Array.from({ length: 48 }, (_, i) => s.post(`${srv.url}/n`, { data: `body ${i}`, verify })),
      );
      for (const [i, r] of all.entries()) {
        assert.equal(r.text, `body ${i}`);
        assert.equal(r.raw?.version, 20);
      }
      assert.equal(srv.sessions(), 1, 'one connection');
      assert.ok(srv.peak() >= 32, `at least 32 streams at once, saw ${srv.peak()}`);
      const stats = [...adapter.poolManager.pools.values()][0]!.stats;
      assert.equal(stats.streams, 0);
      assert.equal(stats.connected, 1);
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('the server limit caps streams; blocking pool waits, stats report open streams', async () => {
    let p!: ConnectionPool;
    const seen: number[] = [];
    const srv = await startH2Server({
      settings: { maxConcurrentStreams: 5 },
      handler: (s) => {
        seen.push(p.stats.streams);
        setTimeout(() => {
          s.stream.respond({ ':status': 200 });
          s.stream.end('x');
        }, 20);
      },
    });
    p = pool(srv.port, { maxsize: 1, block: true });
    try {
      await p.urlopen('GET', '/warm'); // learns the server's SETTINGS
      const all = await Promise.all(Array.from({ length: 20 }, () => p.urlopen('GET', '/')));
      assert.equal(all.length, 20);
      assert.equal(srv.sessions(), 1);
      assert.ok(srv.peak() <= 5, `at most 5 at once, saw ${srv.peak()}`);
      assert.ok(Math.max(...seen) >= 2 && Math.max(...seen) <= 5, `streams seen: ${seen}`);
      assert.equal(p.stats.streams, 0);
      assert.equal(p.stats.free, 1);
    } finally {
      await p.destroy();
      await srv.close();
    }
  });

  test('maxConcurrentStreams (ours) caps streams; the overflow opens a connection closed after use', async () => {
    const srv = await startH2Server({
      handler: (s) => {
        setTimeout(() => {
          s.stream.respond({ ':status': 200 });
          s.stream.end('x');
        }, 30);
      },
    });
    const p = pool(srv.port, { maxsize: 1, maxConcurrentStreams: 4 });
    try {
      await Promise.all(Array.from({ length: 8 }, () => p.urlopen('GET', '/')));
      assert.ok(srv.peak() <= 8);
      assert.equal(srv.sessions(), 2, 'a second connection for the overflow');
      assert.equal(p.stats.connected, 1, 'the overflow connection is closed after use');
    } finally {
      await p.destroy();
      await srv.close();
    }
  });

  test('blocking pool with every stream taken: EmptyPoolError after timeout.pool', async () => {
    const srv = await startH2Server({ handler: () => {} }); // never answers
    const p = pool(srv.port, { maxsize: 1, block: true, maxConcurrentStreams: 2 });
    try {
      const hung = [p.urlopen('GET', '/a'), p.urlopen('GET', '/b')];
      for (const h of hung) h.catch(() => {});
      // Taken once the connection is up: a loaded machine took longer than the pool timeout to
      // connect, and the third call then timed out waiting for the connection, not a stream.
      await waitFor(() => p.stats.streams === 2);
      // A read timeout so that a third stream, wrongly opened, fails instead of hanging.
      const timeout = new TimeoutConfig({ pool: 200, read: 5_000 });
      const third = p.urlopen('GET', '/c', { timeout });
      await assert.rejects(third, EmptyPoolError);
      assert.equal(p.stats.streams, 2);
      assert.equal(srv.sessions(), 1);
    } finally {
      await p.destroy();
      await srv.close();
    }
  });

  test('an idle h2 connection closes after keepAliveTimeout; destroy() fails streams under way', async () => {
    const srv = await startH2Server({
      handler: (s) => {
        if (s.headers[':path'] === '/hang') return;
        s.stream.respond({ ':status': 200 });
        s.stream.end('x');
      },
    });
    const p = pool(srv.port, { keepAliveTimeout: 150 });
    try {
      await p.urlopen('GET', '/');
      assert.equal(p.stats.free, 1);
      await waitFor(() => p.stats.connected === 0, { within: 2_000 }); // the default is 4 s
      assert.equal(p.stats.connected, 0, 'closed once idle for keepAliveTimeout');
      await p.urlopen('GET', '/');
      assert.equal(srv.sessions(), 2);
      const hung = p.urlopen('GET', '/hang');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await p.destroy();
      await assert.rejects(hung, ClosedPoolError);
    } finally {
      await p.destroy();
      await srv.close();
    }
  });

  test('a server that chose HTTP/1.1 keeps one request per connection', async () => {
    const srv = await startHttpsServer({
      handler: (_req, res) => {
        setTimeout(() => res.end('h1'), 30);
      },
    });
    const p = pool(srv.port, { maxsize: 2 });
    try {
      const all = await Promise.all(Array.from({ length: 4 }, () => p.urlopen('GET', '/')));
      for (const r of all) assert.equal(r.version, 11);
      // Each connection carried one request at a time: at least two were needed for four
      // concurrent requests (one more may be reused once free).
      const opened = srv.connections();
      assert.ok(opened >= 2 && opened <= 4, `opened ${opened}`);
      assert.ok(p.stats.free <= 2, 'maxsize kept');
      await p.urlopen('GET', '/');
      assert.equal(srv.connections(), opened, 'reused');
    } finally {
      await p.destroy();
      await srv.close();
    }
  });
});
