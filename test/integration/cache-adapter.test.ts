/**
 * CacheAdapter with the rest of the library: streamed bodies stored as they are read, redirects
 * hop by hop, Retry, hooks, failing and user-written stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CacheAdapter,
  type CachedResponse,
  type CacheStore,
  ConnectionError,
  HTTPAdapter,
  MemoryCache,
  Retry,
  Session,
} from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const CHUNK = 'x'.repeat(16_384);

describe('CacheAdapter with the rest of the library', () => {
  let server: TestServer;
  const hits = new Map<string, number>();
  const count = (path: string) => hits.get(path) ?? 0;
  before(async () => {
    server = await startServer(async (req, res) => {
      const path = (req.url ?? '').split('?')[0] as string;
      const n = count(path) + 1;
      hits.set(path, n);
      if (path.startsWith('/flaky') && n === 1) {
        res.writeHead(503);
        return void res.end();
      }
      if (path.startsWith('/hop1')) {
        res.writeHead(301, { location: '/hop2', 'cache-control': 'max-age=60' });
        return void res.end();
      }
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
      // A body in several writes, so a streamed read sees several chunks.
      for (let i = 0; i < 4; i++) res.write(CHUNK);
      res.end(`#${n}`);
    });
  });
  after(() => server.close());

  function session(adapter = new CacheAdapter()): Session {
    const s = new Session();
    s.mount('http://', adapter);
    return s;
  }

  test('a streamed body read to its end is stored as it was read', async () => {
    const s = session();
    const r = await s.get(`${server.url}/stream-full`, { stream: true });
    let length = 0;
    for await (const chunk of r.iterContent({ chunkSize: 4096 })) length += chunk.length;
    assert.equal(length, 4 * CHUNK.length + 2);
    const again = await s.get(`${server.url}/stream-full`);
    assert.equal(again.fromCache, true);
    assert.equal(again.text.slice(-2), '#1');
    assert.equal(count('/stream-full'), 1);
    await s.close();
  });

  test('a streamed body abandoned before its end stores nothing', async () => {
    const s = session();
    const r = await s.get(`${server.url}/stream-cut`, { stream: true });
    for await (const _chunk of r.iterContent({ chunkSize: 1024 })) break;
    r.close();
    const again = await s.get(`${server.url}/stream-cut`);
    assert.equal(again.fromCache, false);
    assert.equal(again.text.slice(-2), '#2');
    assert.equal(count('/stream-cut'), 2);
    await s.close();
  });

  test('a stream read with read() is stored; a cached stream response can be iterated', async () => {
    const s = session();
    const first = await s.get(`${server.url}/stream-read`, { stream: true });
    await first.read();
    const cached = await s.get(`${server.url}/stream-read`, { stream: true });
    assert.equal(cached.fromCache, true);
    const parts: Uint8Array[] = [];
    for await (const chunk of cached.iterContent({ chunkSize: 10_000 })) parts.push(chunk);
    assert.equal(Buffer.concat(parts).toString().slice(-2), '#1');
    assert.equal(count('/stream-read'), 1);
    await s.close();
  });

  test('redirects: each hop is cached on its own', async () => {
    const s = session();
    const first = await s.get(`${server.url}/hop1`);
    assert.equal(first.url, `${server.url}/hop2`);
    const second = await s.get(`${server.url}/hop1`);
    assert.equal(second.fromCache, true);
    assert.equal(second.history.length, 1);
    assert.equal(second.history[0]?.fromCache, true);
    assert.equal(second.history[0]?.statusCode, 301);
    assert.deepEqual([count('/hop1'), count('/hop2')], [1, 1]);
    await s.close();
  });

  test('Retry in the wrapped adapter: the retried answer is the one stored', async () => {
    const retries = new Retry({ total: 2, statusForcelist: [503] });
    const s = session(new CacheAdapter({ adapter: new HTTPAdapter({ maxRetries: retries }) }));
    const first = await s.get(`${server.url}/flaky`);
    assert.equal(first.statusCode, 200);
    assert.equal(count('/flaky'), 2);
    const second = await s.get(`${server.url}/flaky`);
    assert.equal(second.fromCache, true);
    assert.equal(count('/flaky'), 2);
    await s.close();
  });

  test('response hooks run on answers from the store too', async () => {
    const s = session();
    const seen: boolean[] = [];
    s.hooks.response.push((r) => void seen.push(r.fromCache));
    await s.get(`${server.url}/hooked`);
    await s.get(`${server.url}/hooked`);
    assert.deepEqual(seen, [false, true]);
    await s.close();
  });

  test('a store that throws is an empty store: the request still succeeds', async () => {
    const broken: CacheStore = {
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      delete: () => Promise.reject(new Error('down')),
    };
    const s = session(new CacheAdapter({ store: broken }));
    assert.equal((await s.get(`${server.url}/broken`)).statusCode, 200);
    assert.equal((await s.get(`${server.url}/broken`)).fromCache, false);
    assert.equal(count('/broken'), 2);
    await s.close();
  });

  test('a user-written store (the documented interface) is used', async () => {
    const map = new Map<string, CachedResponse>();
    const store: CacheStore = {
      get: async (key) => map.get(key),
      set: async (key, entry) => void map.set(key, entry),
      delete: async (key) => void map.delete(key),
    };
    const s = session(new CacheAdapter({ store }));
    await s.get(`${server.url}/mine?q=1#frag`);
    assert.deepEqual([...map.keys()], [`${server.url}/mine?q=1`]);
    assert.equal((await s.get(`${server.url}/mine?q=1`)).fromCache, true);
    await s.close();
  });

  test('stale-if-error: a stale entry answers when the origin is unreachable, else the error', async () => {
    const origin = await startServer((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=0, stale-if-error=60' });
      res.end('kept');
    });
    const s = session();
    await s.get(`${origin.url}/gone`);
    await origin.close();
    const r = await s.get(`${origin.url}/gone`, { timeout: 2_000 });
    assert.equal(r.fromCache, true);
    assert.equal(r.text, 'kept');
    await assert.rejects(s.get(`${origin.url}/never-stored`, { timeout: 2_000 }), ConnectionError);
    await s.close();
  });

  test('bad options are TypeErrors that say what to pass', () => {
    assert.throws(() => new CacheAdapter({ store: {} as CacheStore }), /CacheStore/);
    assert.throws(() => new MemoryCache({ maxBytes: -1 }), /maxBytes/);
  });
});
