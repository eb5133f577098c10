/**
 * What the ecosystem hands in (issue 14.5) is used, checked on the bytes a real server receives:
 * web FormData, Blob/File, ReadableStream, Headers, URL, URLSearchParams, tough-cookie jars.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CookieJar } from 'tough-cookie';
import requests, { Session } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('ecosystem types on the wire (issue 14.5)', () => {
  let server: TestServer;
  let s: Session;
  before(async () => {
    server = await startServer();
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
  });
  const last = () => server.requests[server.requests.length - 1]!;

  test('a web FormData as data is multipart, fields and files in order', async () => {
    const form = new FormData();
    form.append('f', new File(['hello'], 'a.txt', { type: 'text/plain' }));
    form.append('name', 'x y');
    form.append('b', new Blob([new Uint8Array([0, 1, 2])]));
    await s.post(`${server.url}/up`, { data: form });
    const rec = last();
    const type = String(rec.headers['content-type']);
    const boundary = /^multipart\/form-data; boundary=([0-9a-f]{32})$/.exec(type)?.[1];
    assert.ok(boundary, type);
    const expected = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nx y\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="b"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from([0, 1, 2]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    assert.deepEqual(rec.body, expected);
    assert.equal(rec.headers['content-length'], String(expected.length));
    assert.ok(!rec.body.includes('[object'));
  });

  test('a FormData as files, and as data beside files (the form first)', async () => {
    const form = new FormData();
    form.append('k', 'v');
    await s.post(`${server.url}/up`, { files: form });
    assert.match(last().body.toString(), /name="k"\r\n\r\nv\r\n/);
    await s.post(`${server.url}/up`, { data: form, files: { doc: ['d.txt', 'D'] } });
    const body = last().body.toString();
    assert.ok(body.indexOf('name="k"') < body.indexOf('name="doc"; filename="d.txt"'), body);
  });

  test('Blob, File and web ReadableStream bodies are sent as their bytes', async () => {
    await s.post(`${server.url}/b`, { data: new Blob(['blob-bytes']) });
    assert.equal(last().body.toString(), 'blob-bytes');
    assert.equal(last().headers['content-length'], '10');
    await s.put(`${server.url}/f`, { data: new File(['file-bytes'], 'x.bin') });
    assert.equal(last().body.toString(), 'file-bytes');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('web-'));
        c.enqueue(new TextEncoder().encode('stream'));
        c.close();
      },
    });
    await s.post(`${server.url}/s`, { data: stream });
    assert.equal(last().body.toString(), 'web-stream');
    assert.equal(last().headers['transfer-encoding'], 'chunked');
  });

  test('Headers, URL and URLSearchParams wherever they go', async () => {
    const url = new URL(`${server.url}/u?a=1`);
    await s.get(url, {
      headers: new Headers({ 'X-From-Headers': 'yes' }),
      params: new URLSearchParams([
        ['b', '2'],
        ['b', '3'],
      ]),
    });
    assert.equal(last().url, '/u?a=1&b=2&b=3');
    assert.equal(last().headers['x-from-headers'], 'yes');
    await s.post(url, { data: new URLSearchParams({ q: 'a b' }) });
    assert.equal(last().body.toString(), 'q=a+b');
    assert.equal(last().headers['content-type'], 'application/x-www-form-urlencoded');
    const r = await requests.get(new URL(`${server.url}/module`));
    assert.equal(r.statusCode, 200);
    assert.equal(last().url, '/module');
  });

  test('a URL as a mount prefix and as a proxy', async () => {
    const local = new Session({ trustEnv: false });
    try {
      const adapter = local.getAdapter('http://x/');
      local.mount(new URL(`${server.url}/`), adapter);
      assert.equal(local.getAdapter(new URL(`${server.url}/z`)), adapter);
      assert.ok(local.adapters.has(`${server.url}/`));
      // The test server answers an absolute-form request too: it is the proxy here.
      await local.get('http://example.invalid/via-proxy', {
        proxies: { http: new URL(server.url) },
      });
      assert.equal(last().url, 'http://example.invalid/via-proxy');
    } finally {
      await local.close();
    }
  });

  test('a tough-cookie CookieJar as cookies: its cookies for this URL, nothing else', async () => {
    const jar = new CookieJar();
    jar.setCookieSync('sid=abc; Path=/', `${server.url}/`);
    jar.setCookieSync('other=1; Path=/elsewhere', `${server.url}/`);
    await s.get(`${server.url}/c`, { cookies: jar });
    assert.equal(last().headers.cookie, 'sid=abc');
    assert.equal(s.cookies.size, 0);
  });

  test('a tough-cookie CookieJar as Session.cookies is shared live', async () => {
    const server2 = await startServer((_req, res) => {
      res.setHeader('Set-Cookie', 'fresh=1; Path=/');
      res.end('ok');
    });
    const jar = new CookieJar();
    jar.setCookieSync('sid=abc; Path=/', `${server2.url}/`);
    const local = new Session({ cookies: jar });
    try {
      await local.get(`${server2.url}/one`);
      assert.equal(server2.requests[0]!.headers.cookie, 'sid=abc');
      // The Set-Cookie landed in the caller's jar, and is sent back.
      assert.equal(jar.getCookieStringSync(`${server2.url}/`), 'sid=abc; fresh=1');
      const jar2 = new CookieJar();
      local.cookies = jar2;
      await local.get(`${server2.url}/two`);
      assert.equal(server2.requests[1]!.headers.cookie, undefined);
      assert.equal(jar2.getCookieStringSync(`${server2.url}/`), 'fresh=1');
    } finally {
      await local.close();
      await server2.close();
    }
  });

  test('anything else is a TypeError naming the option, before any traffic', async () => {
    const before = server.requests.length;
    const bad: Array<[object, RegExp]> = [
      [
        { data: { f: new File(['x'], 'a.txt') } },
        /data\["f"\] .* not File: send files with `files`/,
      ],
      [{ data: { o: { nested: 1 } } }, /data\["o"\] must be a string, number, boolean or bytes/],
      [{ params: { o: {} } }, /params\["o"\] must be/],
      [{ data: new Date() }, /data must be a string, bytes/],
      [
        { cookies: new Date() },
        /cookies must be a record of name -> value, a Map, a RequestsCookieJar or a tough-cookie CookieJar; got Date/,
      ],
      [{ cookies: { a: { b: 1 } } }, /cookies\["a"\] must be a string; got Object/],
      [{ files: { f: { a: 1 } } }, /a file must be a string, bytes/],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(s.post(`${server.url}/bad`, options), { name: 'TypeError', message });
    }
    await assert.rejects(s.get(42 as never), {
      name: 'TypeError',
      message: /url must be a string or a URL/,
    });
    assert.throws(
      () => s.mount({} as never, s.getAdapter('http://x/')),
      /mount prefix must be a string or a URL/,
    );
    assert.equal(server.requests.length, before);
  });
});
