/**
 * httpbin (python3-httpbin under gunicorn) on 127.0.0.1: what it echoes back is what we sent;
 * Python requests, run against the same server, is the reference where behaviour is compared.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import requests, {
  HTTPDigestAuth,
  ReadTimeout,
  Session,
  TooManyRedirects,
} from '../../src/index.js';
import { curlBytes, type Daemon, freePort, python, startDaemon } from './daemons.js';

let daemon: Daemon;
let base = '';

before(async () => {
  const port = await freePort();
  daemon = await startDaemon(
    'gunicorn',
    ['-b', `127.0.0.1:${port}`, '-w', '2', '-k', 'sync', 'httpbin:app'],
    port,
  );
  base = `http://127.0.0.1:${port}`;
});
after(() => daemon?.stop());

interface Echo {
  form: Record<string, string>;
  json: unknown;
  files: Record<string, string>;
  headers: Record<string, string>;
  args: Record<string, string>;
}

describe('httpbin', () => {
  test('form, JSON and multipart are echoed back as sent', async () => {
    const form = (
      await requests.post(`${base}/post`, { data: { a: '1', b: 'ä &=' } })
    ).json<Echo>();
    assert.deepEqual(form.form, { a: '1', b: 'ä &=' });
    const json = (
      await requests.post(`${base}/post`, { json: { x: [1, 2], y: null } })
    ).json<Echo>();
    assert.deepEqual(json.json, { x: [1, 2], y: null });
    const multi = await requests.post(`${base}/post`, {
      data: { field: 'value' },
      files: { upload: ['a.txt', 'file content\n', 'text/plain'] },
    });
    const m = multi.json<Echo>();
    assert.deepEqual(m.form, { field: 'value' });
    assert.deepEqual(m.files, { upload: 'file content\n' });
  });

  test('the form body is byte for byte what Python requests sends', async () => {
    const py = python(
      `import requests,json;r=requests.post('${base}/post',data={'a':'1','b':'ä &='});print(r.json()['headers']['Content-Length'])`,
    ).trim();
    const ours = (
      await requests.post(`${base}/post`, { data: { a: '1', b: 'ä &=' } })
    ).json<Echo>();
    assert.equal(ours.headers['Content-Length'], py);
  });

  test('cookies set by the server are kept by a Session and sent back', async () => {
    const s = new Session();
    try {
      const r = await s.get(`${base}/cookies/set?k1=v1&k2=v2`);
      assert.deepEqual(r.json<{ cookies: object }>().cookies, { k1: 'v1', k2: 'v2' });
      assert.equal(r.history.length, 1);
      const d = await s.get(`${base}/cookies/delete?k1`);
      assert.deepEqual(d.json<{ cookies: object }>().cookies, { k2: 'v2' });
    } finally {
      s.close();
    }
  });

  test('redirects of every kind are followed, with requests method rewriting', async () => {
    for (const path of ['/redirect/3', '/relative-redirect/2', '/absolute-redirect/2']) {
      const r = await requests.get(`${base}${path}`);
      assert.equal(r.statusCode, 200, path);
      assert.equal(new URL(r.url).pathname, '/get', path);
    }
    const target = encodeURIComponent(`${base}/anything`);
    const codes = [301, 302, 303, 307, 308];
    const py = python(
      `import requests\nfor c in ${JSON.stringify(codes)}: print(requests.post('${base}/redirect-to?url=${target}&status_code=' + str(c), data='x').json()['method'])`,
    )
      .trim()
      .split('\n');
    assert.deepEqual(py, ['GET', 'GET', 'GET', 'POST', 'POST']);
    for (const [i, code] of codes.entries()) {
      const url = `${base}/redirect-to?url=${target}&status_code=${code}`;
      const r = await requests.post(url, { data: 'x' });
      assert.equal(r.json<{ method: string }>().method, py[i], `as requests, for ${code}`);
    }
    const s = new Session();
    s.maxRedirects = 2;
    await assert.rejects(s.get(`${base}/redirect/5`), TooManyRedirects);
    s.close();
  });

  test('basic and digest auth', async () => {
    const ok = await requests.get(`${base}/basic-auth/user/p%40ss`, { auth: ['user', 'p@ss'] });
    assert.equal(ok.statusCode, 200);
    const bad = await requests.get(`${base}/basic-auth/user/pass`, { auth: ['user', 'wrong'] });
    assert.equal(bad.statusCode, 401);
    for (const algo of ['MD5', 'SHA-256']) {
      const r = await requests.get(`${base}/digest-auth/auth/user/pass/${algo}`, {
        auth: new HTTPDigestAuth('user', 'pass'),
      });
      assert.equal(r.statusCode, 200, algo);
    }
  });

  test('gzip, deflate and brotli bodies are decoded', async () => {
    for (const coding of ['gzip', 'deflate', 'brotli']) {
      const r = await requests.get(`${base}/${coding}`);
      assert.equal(r.statusCode, 200);
      const body = r.json<Record<string, unknown>>();
      assert.ok(body.gzipped || body.deflated || body.brotli, coding);
    }
  });

  test('/stream gives one JSON line per object; /bytes and /range give exact bytes', async () => {
    const r = await requests.get(`${base}/stream/5`, { stream: true });
    let lines = 0;
    for await (const line of r.iterLines()) if (line.length > 0) lines++;
    assert.equal(lines, 5);
    const bytes = await requests.get(`${base}/bytes/1000?seed=7`);
    assert.equal(bytes.content.length, 1000);
    const wire = curlBytes([`${base}/bytes/1000?seed=7`]);
    assert.deepEqual(Buffer.from(bytes.content), wire, 'the same bytes as curl');
    const range = await requests.get(`${base}/range/100`, { headers: { Range: 'bytes=10-19' } });
    assert.equal(range.statusCode, 206);
    assert.equal(range.text, 'klmnopqrst');
  });

  test('/drip slower than the read timeout raises ReadTimeout; /delay within it succeeds', async () => {
    await assert.rejects(
      async () => {
        const r = await requests.get(`${base}/drip?duration=4&numbytes=4&delay=0`, {
          timeout: 300,
        });
        r.content;
      },
      (err: unknown) => err instanceof ReadTimeout,
    );
    const d = await requests.get(`${base}/delay/1`, { timeout: 5000 });
    assert.equal(d.statusCode, 200);
    await assert.rejects(requests.get(`${base}/delay/3`, { timeout: 500 }), ReadTimeout);
  });
});
