/**
 * Issue 10, audited item by item: the cases the feature files left out. Request-side names that
 * are Object.prototype properties (item 3), a refused CONNECT seen through a Session whatever way
 * the proxy frames its page (8), `return` out of `for await` (9), a timeout past a timer's range
 * end to end and bad timeouts before any traffic (10), Expect calls and the LRU of pools (11), a
 * trickling body with `stream: true` (4), and the cache's stored headers and Vary values (3).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheAdapter, FileCache, HTTPAdapter, ProxyError, Session } from '../../src/index.js';
import { startRawPeer, startServer } from '../helpers/server.js';

describe('item 3: names that are Object.prototype properties, sent and cached', () => {
  test('headers, params, form fields and cookies named __proto__, constructor... are sent as given', async (t) => {
    const srv = await startServer();
    const s = new Session();
    s.trustEnv = false;
    t.after(() => Promise.all([s.close(), srv.close()]));
    // JSON.parse makes own properties of these names, as user data parsed from JSON does.
    const names = () => JSON.parse('{"__proto__":"p","constructor":"c","toString":"t"}');
    s.headers.update(JSON.parse('{"hasOwnProperty":"h"}'));
    const r = await s.post(`${srv.url}/a`, {
      headers: names(),
      params: names(),
      data: names(),
      cookies: names(),
    });
    assert.equal(r.statusCode, 200);
    const seen = srv.requests.at(-1)!;
    assert.equal(seen.url, '/a?__proto__=p&constructor=c&toString=t');
    assert.equal(seen.body.toString(), '__proto__=p&constructor=c&toString=t');
    // rawHeaders: node:http's headers object cannot hold a __proto__ field.
    const sent = new Map<string, string>();
    for (let i = 0; i < seen.rawHeaders.length; i += 2)
      sent.set(seen.rawHeaders[i]!.toLowerCase(), seen.rawHeaders[i + 1]!);
    assert.equal(sent.get('__proto__'), 'p');
    assert.equal(sent.get('constructor'), 'c');
    assert.equal(sent.get('tostring'), 't');
    assert.equal(sent.get('hasownproperty'), 'h', 'a Session header of that name');
    assert.equal(seen.headers.cookie, '__proto__=p; constructor=c; toString=t');
  });

  test('a header named __proto__ goes out through an HTTP proxy and with Expect: 100-continue', async (t) => {
    const srv = await startServer();
    const s = new Session();
    s.trustEnv = false;
    t.after(() => Promise.all([s.close(), srv.close()]));
    const headers = () => JSON.parse('{"__proto__":"p","constructor":"c"}');
    const calls: [string, () => Promise<unknown>][] = [
      // The server takes the absolute-form request as a proxy would, and records it.
      ['proxied', () => s.get(`${srv.url}/a`, { headers: headers(), proxies: { http: srv.url } })],
      [
        'Expect',
        () =>
          s.post(`${srv.url}/b`, {
            headers: { ...headers(), Expect: '100-continue' },
            data: 'x',
          }),
      ],
    ];
    for (const [what, call] of calls) {
      await call();
      const raw = srv.requests.at(-1)!.rawHeaders;
      const sent = raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
      assert.ok(sent.includes('__proto__'), `${what}: ${raw.join(' | ')}`);
      assert.equal(raw[raw.findIndex((n) => n.toLowerCase() === '__proto__') + 1], 'p', what);
    }
  });

  for (const store of ['MemoryCache', 'FileCache'] as const) {
    test(`CacheAdapter (${store}): a stored __proto__ header and a Vary naming it`, async (t) => {
      const peer = await startRawPeer((socket) => {
        socket.on('data', () => {
          socket.write(
            'HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nVary: __proto__, constructor\r\n' +
              '__proto__: b\r\nconstructor: a\r\nContent-Length: 2\r\n\r\nok',
          );
        });
      });
      const dir = mkdtempSync(join(tmpdir(), 'rts-audit-cache-'));
      const s = new Session();
      s.trustEnv = false;
      s.mount(
        'http://',
        new CacheAdapter(store === 'FileCache' ? { store: new FileCache(dir) } : {}),
      );
      t.after(async () => {
        await Promise.all([s.close(), peer.close()]);
        rmSync(dir, { recursive: true, force: true });
      });
      const get = (proto: string) =>
        s.get(`${peer.url}/`, {
          headers: JSON.parse(`{"__proto__":"${proto}","constructor":"x"}`),
        });
      assert.equal((await get('y')).fromCache, false);
      const hit = await get('y');
      assert.equal(hit.fromCache, true);
      assert.equal(hit.headers.get('__proto__'), 'b', 'the stored header kept');
      assert.equal(hit.headers.get('constructor'), 'a');
      assert.equal((await get('w')).fromCache, false, 'Vary: __proto__ tells the two apart');
    });
  }
});

describe('item 8: a refused CONNECT through a Session names the status, however the page is framed', () => {
  const answers: [string, (socket: net.Socket) => void, string][] = [
    [
      'a chunked page sent after the head',
      (socket) => {
        socket.write(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\n' +
            'Transfer-Encoding: chunked\r\n\r\n',
        );
        setTimeout(() => socket.write('5\r\nhello\r\n0\r\n\r\n'), 30);
      },
      '407 Proxy Authentication Required',
    ],
    [
      'an HTTP/1.0 page delimited by the close',
      (socket) => socket.end('HTTP/1.0 403 Forbidden\r\nContent-Type: text/html\r\n\r\n<p>no</p>'),
      '403 Forbidden',
    ],
    [
      'a status line split across two reads',
      (socket) => {
        socket.write('HTTP/1.1 407 Proxy Auth');
        setTimeout(() => socket.write('entication Required\r\nContent-Length: 3\r\n\r\nabc'), 30);
      },
      '407 Proxy Authentication Required',
    ],
  ];
  for (const [what, answer, status] of answers) {
    test(what, async (t) => {
      const proxy = await startRawPeer((socket) => socket.once('data', () => answer(socket)));
      const s = new Session();
      s.trustEnv = false;
      t.after(() => Promise.all([s.close(), proxy.close()]));
      await assert.rejects(
        s.get('https://origin.invalid/', { proxies: { https: proxy.url }, timeout: 5_000 }),
        (err: unknown) => {
          assert.ok(err instanceof ProxyError, String(err));
          assert.match(err.message, new RegExp(`Tunnel connection failed: ${status}`));
          assert.doesNotMatch(err.message, /after its answer/);
          return true;
        },
      );
    });
  }
});

describe('item 9: return out of for await releases the connection', () => {
  test('returning from a function inside for await over iterLines, on a blocking pool of one', async (t) => {
    let closed = 0;
    const peer = await startRawPeer((socket) => {
      socket.on('close', () => closed++);
      socket.on('data', (chunk) => {
        socket.write(
          chunk.toString().includes('/hold')
            ? `HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n${'line\n'.repeat(20)}`
            : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
        );
      });
    });
    const s = new Session();
    s.mount('http://', new HTTPAdapter({ poolMaxsize: 1, poolBlock: true }));
    t.after(() => Promise.all([s.close(), peer.close()]));
    const firstLine = async (): Promise<string> => {
      const r = await s.get(`${peer.url}/hold`, { stream: true });
      for await (const line of r.iterLines({ chunkSize: 8 })) return Buffer.from(line).toString();
      return '';
    };
    assert.equal(await firstLine(), 'line');
    for (let i = 0; i < 100 && closed === 0; i++) await sleep(10);
    assert.equal(closed, 1, 'the abandoned connection was closed');
    const next = await s.get(`${peer.url}/ok`, { timeout: { pool: 2_000, read: 2_000 } });
    assert.equal(next.text, 'ok');
  });
});

describe('item 10: timeouts', () => {
  test('a timeout past 2^31-1 ms does not fire at once: a server 150 ms late is waited for', async (t) => {
    const srv = await startServer(async (_req, res) => {
      await sleep(150);
      res.end('late');
    });
    const s = new Session();
    s.trustEnv = false;
    t.after(() => Promise.all([s.close(), srv.close()]));
    for (const timeout of [2 ** 32, Number.POSITIVE_INFINITY, { read: 2 ** 31, total: 2 ** 40 }]) {
      const r = await s.get(`${srv.url}/`, { timeout });
      assert.equal(r.text, 'late', JSON.stringify(timeout));
    }
  });

  test('NaN, negatives and strings are a TypeError naming the accepted forms, before any traffic', async (t) => {
    const srv = await startServer();
    const s = new Session();
    s.trustEnv = false;
    t.after(() => Promise.all([s.close(), srv.close()]));
    for (const timeout of [Number.NaN, -1, '5000', [1_000, 'x'], { read: -5 }]) {
      await assert.rejects(s.get(`${srv.url}/`, { timeout: timeout as never }), (err: unknown) => {
        assert.ok(err instanceof TypeError, String(err));
        assert.match(
          err.message,
          /timeout takes a number of milliseconds, a \[connect, read\] pair/,
        );
        return true;
      });
    }
    assert.equal(srv.connections(), 0, 'no connection was opened');
  });
});

describe('item 11: Expect: 100-continue calls and the LRU of pools', () => {
  test('poolConnections 1: an Expect call to a second origin evicts and closes the first pool', async (t) => {
    const a = await startServer();
    const b = await startServer();
    const adapter = new HTTPAdapter({ poolConnections: 1 });
    const s = new Session();
    s.trustEnv = false;
    s.mount('http://', adapter);
    t.after(() => Promise.all([s.close(), a.close(), b.close()]));
    const expect = { data: 'payload', headers: { Expect: '100-continue' } };
    assert.equal((await s.post(`${a.url}/`, expect)).statusCode, 200);
    assert.equal(adapter.poolManager.pools.size, 1);
    assert.equal((await s.post(`${b.url}/`, expect)).statusCode, 200);
    const pools = [...adapter.poolManager.pools.values()];
    assert.equal(pools.length, 1, 'the least recently used pool was dropped');
    assert.equal(pools[0]!.port, b.port);
    assert.equal((await s.post(`${b.url}/`, expect)).statusCode, 200);
    assert.equal(b.connections(), 1, 'the Expect connection was kept alive in its pool');
    assert.equal(pools[0]!.stats.connected, 1);
  });
});

describe('item 4: the read timeout bounds each wait while a stream is read', () => {
  test('stream: true, a body trickling with gaps shorter than the read timeout', async (t) => {
    const peer = await startRawPeer((socket) => {
      socket.once('data', async () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n');
        for (const c of 'abcde') {
          await sleep(100);
          if (!socket.destroyed) socket.write(c);
        }
      });
    });
    const s = new Session();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(peer.url, { stream: true, timeout: { read: 300 } });
    let text = '';
    for await (const chunk of r.iterContent({ chunkSize: 1 })) text += Buffer.from(chunk);
    assert.equal(text, 'abcde');
  });
});
