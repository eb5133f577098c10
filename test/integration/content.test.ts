import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  ChunkedEncodingError,
  HTTPError,
  JSONDecodeError,
  Session,
  StreamConsumedError,
} from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** Routes of the test server, by path. */
const ROUTES: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
  '/text': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('héllo\nwörld\n');
  },
  '/json': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok": true, "n": [1, 2, 3]}');
  },
  '/bad-json': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok": tru');
  },
  '/chunked': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    let i = 0;
    const tick = () => {
      if (i === 5) return res.end();
      res.write(`part ${i++}\n`);
      setImmediate(tick);
    };
    tick();
  },
  '/empty': (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  '/missing': (_req, res) => {
    res.writeHead(404, 'Not Found', { 'Content-Type': 'text/plain' });
    res.end('nothing here');
  },
  '/broken': (_req, res) => {
    res.writeHead(503, 'Dienst nicht verf\u00c3\u00bcgbar');
    res.end();
  },
  '/links': (_req, res) => {
    res.writeHead(200, { Link: '<http://x/?page=2>; rel="next", <http://x/?page=5>; rel="last"' });
    res.end();
  },
  '/short-length': (_req, res) => {
    res.writeHead(200, { 'Content-Length': '100' });
    res.write('only a few bytes');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/short-chunked': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' }); // chunked: no length given
    res.write('first chunk, then the connection drops');
    setTimeout(() => res.socket?.destroy(), 20);
  },
};

describe('Response content over a real connection', () => {
  let server: TestServer;
  let s: Session;
  before(async () => {
    server = await startServer((req, res) => {
      const route = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
      if (route) return route(req, res);
      res.writeHead(500);
      res.end('no route');
    });
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
  });

  test('content, text, json of a response read whole', async () => {
    const r = await s.get(`${server.url}/text`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.reason, 'OK');
    assert.equal(r.ok, true);
    assert.equal(r.encoding, 'utf-8');
    assert.equal(Buffer.from(r.content).toString(), 'héllo\nwörld\n');
    assert.equal(r.text, 'héllo\nwörld\n');
    assert.equal(r.url, `${server.url}/text`);
    const j = await s.get(`${server.url}/json`);
    assert.deepEqual(j.json(), { ok: true, n: [1, 2, 3] });
  });

  test("json() of a bad body is JSONDecodeError with Python's message", async () => {
    const r = await s.get(`${server.url}/bad-json`);
    assert.throws(
      () => r.json(),
      (err: unknown) => {
        assert.ok(err instanceof JSONDecodeError);
        assert.equal(err.message, 'Expecting value: line 1 column 8 (char 7)');
        assert.equal(err.response, r);
        return true;
      },
    );
  });

  test('a stream response: content throws until read(), then works', async () => {
    const r = await s.get(`${server.url}/chunked`, { stream: true });
    assert.throws(() => r.content, /await response\.read\(\)/);
    const body = await r.read();
    assert.equal(Buffer.from(body).toString(), 'part 0\npart 1\npart 2\npart 3\npart 4\n');
    assert.equal(r.text.split('\n').length, 6);
  });

  test('a stream response iterates once; a second iteration is StreamConsumedError', async () => {
    const r = await s.get(`${server.url}/chunked`, { stream: true });
    const lines: string[] = [];
    for await (const line of r.iterLines({ decodeUnicode: true })) lines.push(String(line));
    assert.deepEqual(lines, ['part 0', 'part 1', 'part 2', 'part 3', 'part 4']);
    assert.throws(() => r.iterContent(), StreamConsumedError);
  });

  test('an empty 204 body', async () => {
    const r = await s.get(`${server.url}/empty`);
    assert.equal(r.statusCode, 204);
    assert.equal(r.content.length, 0);
    assert.equal(r.text, '');
  });

  test('raiseForStatus with the reason the server sent (UTF-8 bytes decoded)', async () => {
    const missing = await s.get(`${server.url}/missing`);
    assert.equal(missing.ok, false);
    assert.throws(() => missing.raiseForStatus(), {
      name: 'HTTPError',
      message: `404 Client Error: Not Found for url: ${server.url}/missing`,
    });
    const broken = await s.get(`${server.url}/broken`);
    assert.throws(
      () => broken.raiseForStatus(),
      (err: unknown) =>
        err instanceof HTTPError &&
        err.message === `503 Server Error: Dienst nicht verfügbar for url: ${server.url}/broken` &&
        err.response === broken,
    );
  });

  test('links from the Link header', async () => {
    const r = await s.get(`${server.url}/links`);
    assert.deepEqual(r.links.next, { url: 'http://x/?page=2', rel: 'next' });
    assert.deepEqual(r.links.last, { url: 'http://x/?page=5', rel: 'last' });
  });

  test('a body shorter than its Content-Length is ChunkedEncodingError, as requests', async () => {
    await assert.rejects(s.get(`${server.url}/short-length`), ChunkedEncodingError);
    const r = await s.get(`${server.url}/short-length`, { stream: true });
    await assert.rejects(async () => {
      for await (const _ of r.iterContent({ chunkSize: 4 })) {
        // read until it breaks
      }
    }, ChunkedEncodingError);
  });

  test('a chunked body cut off is ChunkedEncodingError', async () => {
    await assert.rejects(s.get(`${server.url}/short-chunked`), (err: unknown) => {
      assert.ok(err instanceof ChunkedEncodingError);
      assert.ok(err.response !== null);
      return true;
    });
  });

  test('elapsed, request and history are set', async () => {
    const r = await s.get(`${server.url}/text`);
    assert.ok(r.elapsed >= 0);
    assert.equal(r.request?.method, 'GET');
    assert.deepEqual(r.history, []);
  });
});
