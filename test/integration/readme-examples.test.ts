/**
 * The README's examples, run as written against local servers (URLs swapped for 127.0.0.1).
 */
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import requests, {
  fileFromPath,
  HTTPAdapter,
  HTTPDigestAuth,
  HTTPError,
  MockAdapter,
  Retry,
  RetryError,
  Session,
  Timeout,
} from '../../src/index.js';
import { startDigestServer } from '../helpers/digest.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startUploadServer } from '../helpers/upload-server.js';

/** /items (JSON), /slow, /flaky (503), /login -> cookie + 302 /account, /account, /big, else 404. */
async function startShop(): Promise<TestServer> {
  return startServer((req, res, record) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/items') {
      res.writeHead(record.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ items: [], received: record.body.toString() }));
    }
    if (path === '/slow') return void setTimeout(() => res.end('late'), 500);
    if (path === '/flaky') {
      res.writeHead(503);
      return void res.end();
    }
    if (path === '/login') {
      res.writeHead(302, { 'Set-Cookie': 'session_id=abc; Path=/', Location: '/account' });
      return void res.end();
    }
    if (path === '/account')
      return void res.end(req.headers.cookie === 'session_id=abc' ? 'welcome' : 'who?');
    if (path === '/old') {
      res.writeHead(301, { Location: '/items' });
      return void res.end();
    }
    if (path === '/big') return void res.end(Buffer.alloc(300_000, 7));
    res.writeHead(404);
    res.end();
  });
}

describe('README examples', () => {
  let shop: TestServer;
  let api: string;
  before(async () => {
    shop = await startShop();
    api = shop.url;
  });
  after(() => shop.close());

  test('quick start', async () => {
    const r = await requests.get(`${api}/items`, { params: { q: 'lamp' }, timeout: 5_000 });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.deepEqual(r.json<{ items: unknown[] }>().items, []);
    r.raiseForStatus();
    const missing = await requests.get(`${api}/nope`);
    assert.throws(() => missing.raiseForStatus(), HTTPError);

    await using s = new Session();
    s.headers.set('Authorization', 'Bearer t0ken');
    const created = await s.post(`${api}/items`, { json: { name: 'lamp' } });
    assert.equal(created.statusCode, 201);
    await assert.rejects(s.get(`${api}/slow`, { timeout: [3_000, 100] }), Timeout);
  });

  test('retries', async () => {
    const s = new Session();
    s.mount(
      `${api}/`,
      new HTTPAdapter({
        poolMaxsize: 32,
        maxRetries: new Retry({
          total: 2,
          backoffFactor: 1,
          statusForcelist: [502, 503, 504],
          allowedMethods: ['GET', 'PUT'],
        }),
      }),
    );
    const before = shop.requests.length;
    await assert.rejects(s.get(`${api}/flaky`), RetryError);
    assert.equal(shop.requests.length - before, 3);
    await s.close();
  });

  test('cookies, logins and redirects', async () => {
    await using s = new Session();
    await s.post(`${api}/login`, { data: { user: 'ann', password: 'secret' } });
    assert.equal(s.cookies.get('session_id'), 'abc');
    const r = await s.get(`${api}/login`);
    assert.deepEqual(
      r.history.map((h) => h.statusCode),
      [302],
    );
    assert.equal(r.text, 'welcome');
    assert.equal(r.url, `${api}/account`);
    const noFollow = await s.get(`${api}/old`, { allowRedirects: false });
    assert.equal(noFollow.isRedirect, true);
    assert.equal(noFollow.next?.url, `${api}/items`);
  });

  test('authentication', async () => {
    const basic = await requests.get(`${api}/items`, { auth: ['user', 'pass'] });
    assert.equal(basic.statusCode, 200);
    const digest = await startDigestServer({
      user: 'user',
      password: 'pass',
      algorithm: 'SHA-256',
    });
    try {
      const r = await requests.get(`${digest.url}/digest`, {
        auth: new HTTPDigestAuth('user', 'pass'),
      });
      assert.equal(r.statusCode, 200);
      assert.equal(r.history.length, 1);
    } finally {
      await digest.close();
    }
  });

  test('uploads and downloads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-'));
    const uploads = await startUploadServer();
    try {
      writeFileSync(join(dir, 'beach.jpg'), Buffer.alloc(5_000, 1));
      await requests.post(`${uploads.url}/upload`, {
        data: { album: 'holidays' },
        files: {
          photo: fileFromPath(join(dir, 'beach.jpg')),
          notes: ['notes.txt', 'sunny', 'text/plain'],
        },
      });
      const got = uploads.uploads[0]!;
      assert.deepEqual(got.fields, [{ name: 'album', value: 'holidays' }]);
      assert.deepEqual(
        got.files.map((f) => [f.name, f.filename, f.size]),
        [
          ['photo', 'beach.jpg', 5_000],
          ['notes', 'notes.txt', 5],
        ],
      );

      const r = await requests.get(`${api}/big`, { stream: true });
      const out = createWriteStream(join(dir, 'big.iso'));
      for await (const chunk of r.iterContent({ chunkSize: 64 * 1024 })) out.write(chunk);
      await new Promise((resolve) => out.end(resolve));
      assert.equal(readFileSync(join(dir, 'big.iso')).length, 300_000);
    } finally {
      await uploads.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('MockAdapter', async () => {
    const mock = new MockAdapter();
    mock.register('GET', 'https://api.example.org/items', { json: [{ id: 1 }] });
    const s = new Session();
    s.mount('https://api.example.org/', mock);
    assert.deepEqual((await s.get('https://api.example.org/items')).json(), [{ id: 1 }]);
    assert.equal(mock.calls.length, 1);
    await assert.rejects(s.get('https://api.example.org/other'), /No mock route matches GET/);
  });
});
