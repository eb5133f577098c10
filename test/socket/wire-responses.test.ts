/**
 * Responses real servers send that must read as ordinary responses: raw node:net peers answer
 * each request with exact bytes, and count the requests and connections they saw.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import { describe, test } from 'node:test';
import { HTTPAdapter, Retry, Session } from '../../src/index.js';
import { startRawPeer } from '../helpers/server.js';

/** A request head the peer received, and the connection it came on. */
interface Seen {
  readonly head: string;
  readonly connection: number;
}

/** What the peer writes for one request: whole strings, or pieces with pauses between them. */
type Answer = string | readonly (string | number)[];

/**
 * A raw peer that answers every bodyless request with `answer(head, index)`: a string written at
 * once, or a list of strings and pauses (ms) written in turn.
 */
async function answeringPeer(answer: (head: string, index: number) => Answer) {
  const seen: Seen[] = [];
  let connections = 0;
  const peer = await startRawPeer((socket: net.Socket) => {
    const connection = ++connections;
    let buffered = '';
    socket.on('data', async (data) => {
      buffered += data.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        seen.push({ head, connection });
        await write(socket, answer(head, seen.length - 1));
      }
    });
  });
  return { ...peer, seen, connections: () => connections };
}

async function write(socket: net.Socket, answer: Answer): Promise<void> {
  if (typeof answer === 'string') return void socket.write(answer);
  for (const part of answer) {
    if (typeof part === 'number') await new Promise((r) => setTimeout(r, part));
    else if (!socket.destroyed) socket.write(part);
  }
}

function sessionWith(retries?: Retry): Session {
  const s = new Session();
  if (retries !== undefined) s.mount('http://', new HTTPAdapter({ maxRetries: retries }));
  return s;
}

describe('header names that are Object.prototype properties', () => {
  test('constructor, __proto__, toString and hasOwnProperty are ordinary response headers', async (t) => {
    const peer = await answeringPeer(
      () =>
        'HTTP/1.1 200 OK\r\nconstructor: a\r\n__proto__: b\r\ntoString: c\r\nhasOwnProperty: d\r\n' +
        'Constructor: e\r\nContent-Length: 2\r\n\r\nok',
    );
    const s = sessionWith(new Retry({ total: 3 }));
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(`${peer.url}/`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.text, 'ok');
    assert.equal(r.headers.get('constructor'), 'a, e');
    assert.equal(r.headers.get('__proto__'), 'b');
    assert.equal(r.headers.get('tostring'), 'c');
    assert.equal(r.headers.get('hasOwnProperty'), 'd');
    assert.equal(Object.getPrototypeOf(r.headers.toJSON()), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(r.headers.toJSON(), '__proto__')?.value, 'b');
    assert.equal(peer.seen.length, 1, 'sent once: nothing failed, so nothing was retried');
  });

  test('a redirect carrying them is followed, its headers kept in the history', async (t) => {
    const peer = await answeringPeer((head) =>
      head.startsWith('GET /from ')
        ? 'HTTP/1.1 302 Found\r\nLocation: /to\r\nconstructor: x\r\nvalueOf: y\r\nContent-Length: 0\r\n\r\n'
        : 'HTTP/1.1 200 OK\r\n__proto__: z\r\nContent-Length: 2\r\n\r\nok',
    );
    const s = sessionWith(new Retry({ total: 3, redirect: 3 }));
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(`${peer.url}/from`);
    assert.equal(r.text, 'ok');
    assert.equal(r.headers.get('__proto__'), 'z');
    assert.equal(r.history[0]?.headers.get('constructor'), 'x');
    assert.equal(r.history[0]?.headers.get('valueof'), 'y');
    assert.equal(peer.seen.length, 2);
  });
});

describe('redirects and HEAD on the wire', () => {
  const badGzip302 =
    'HTTP/1.1 302 Found\r\nLocation: /to\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello';
  const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

  test('a 302 whose body is labelled gzip but is not is still followed (drained undecoded)', async (t) => {
    const peer = await answeringPeer((head) => (head.startsWith('GET /from ') ? badGzip302 : ok));
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(`${peer.url}/from`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.text, 'ok');
    assert.equal(r.history[0]?.statusCode, 302);
    assert.equal(peer.seen.length, 2);
  });

  test('the same 302 not followed gives ContentDecodingError on its content, as requests', async (t) => {
    const peer = await answeringPeer(() => badGzip302);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    await assert.rejects(s.get(`${peer.url}/from`, { allowRedirects: false }), {
      name: 'ContentDecodingError',
    });
  });

  test('a loop of HEADs keeps one connection alive', async (t) => {
    const peer = await answeringPeer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    for (let i = 0; i < 3; i++) {
      const r = await s.head(`${peer.url}/h${i}`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers.get('content-length'), '100');
      assert.equal(r.content.length, 0);
    }
    assert.equal(peer.seen.length, 3);
    assert.equal(peer.connections(), 1);
    assert.doesNotMatch(peer.seen[0]!.head, /connection: close/i);
  });

  test('HEAD answers without Content-Length or chunked keep one HTTP/1.1 connection', async (t) => {
    // No framing header and no Connection header: an HTTP/1.1 answer is persistent by default,
    // and a HEAD's answer never has a body (RFC 9110 §9.3.2), so it ends with its head.
    const answers = [
      'HTTP/1.1 200 OK\r\nX-N: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n',
      'HTTP/1.1 404 Not Found\r\n\r\n',
      'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n',
    ];
    const peer = await answeringPeer((head, i) =>
      head.startsWith('HEAD ') ? answers[i]! : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const statuses = [];
    for (let i = 0; i < answers.length; i++) {
      const r = await s.head(`${peer.url}/h${i}`);
      statuses.push(r.statusCode);
      assert.equal(r.content.length, 0);
      assert.equal(r.headers.get('content-length'), undefined, 'no Content-Length made up');
    }
    assert.deepEqual(statuses, [200, 200, 404, 200]);
    assert.equal((await s.get(`${peer.url}/after`)).text, 'ok');
    assert.equal(peer.seen.length, answers.length + 1);
    assert.equal(peer.connections(), 1);
  });
});

describe('bodyless responses that carry a Content-Length', () => {
  test('204 and 304 with a Content-Length are read as bodyless, on one kept-alive connection', async (t) => {
    const answers = [
      'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Length: 100\r\n\r\n',
      'HTTP/1.1 204 No Content\r\nContent-Length: 16\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ];
    const peer = await answeringPeer((_head, i) => answers[i]!);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const notModified = await s.get(`${peer.url}/a`, { headers: { 'If-None-Match': '"x"' } });
    assert.equal(notModified.statusCode, 304);
    assert.equal(notModified.content.length, 0);
    assert.equal(notModified.headers.get('content-length'), '100', 'reported as sent');
    const noContent = await s.get(`${peer.url}/b`);
    assert.equal(noContent.statusCode, 204);
    assert.equal(noContent.content.length, 0);
    assert.equal(noContent.headers.get('content-length'), '16');
    const next = await s.get(`${peer.url}/c`);
    assert.equal(next.text, 'ok');
    assert.equal(peer.connections(), 1);
  });
});

describe('informational responses before the final one', () => {
  test('an unsolicited 100 Continue before the final response is skipped', async (t) => {
    const peer = await answeringPeer(() => [
      'HTTP/1.1 100 Continue\r\n\r\n',
      20,
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ]);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(`${peer.url}/`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.text, 'ok');
    const again = await s.get(`${peer.url}/again`);
    assert.equal(again.text, 'ok');
    assert.equal(peer.connections(), 1, 'the connection stays usable');
  });

  test('several 1xx heads (one split across writes, one with a Content-Length) are skipped', async (t) => {
    const peer = await answeringPeer(() => [
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n',
      20,
      '\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\nContent-Length: 5\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ]);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(`${peer.url}/`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.text, 'ok');
    assert.equal(r.headers.get('link'), undefined, 'the final response has only its own headers');
  });
});

describe('duplicate Content-Length', () => {
  test('equal repeated values are one length; the header reads as urllib3 joins it', async (t) => {
    const answers = [
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok',
    ];
    const peer = await answeringPeer((_head, i) => answers[i]!);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const twoLines = await s.get(`${peer.url}/a`);
    assert.equal(twoLines.text, 'ok');
    assert.equal(twoLines.headers.get('content-length'), '2, 2');
    const listed = await s.get(`${peer.url}/b`);
    assert.equal(listed.text, 'ok');
    assert.equal(listed.headers.get('content-length'), '2, 2');
    assert.equal(peer.connections(), 1);
  });

  test("unequal values are InvalidHeader with requests' message, not retried", async (t) => {
    const peer = await answeringPeer(
      () => 'HTTP/1.1 200 OK\r\nContent-Length: 16\r\nContent-Length: 32\r\n\r\n0123456789abcdef',
    );
    const s = sessionWith(new Retry({ total: 3 }));
    t.after(() => Promise.all([s.close(), peer.close()]));
    await assert.rejects(s.get(`${peer.url}/`), {
      name: 'InvalidHeader',
      message: 'Content-Length contained multiple unmatching values (16, 32)',
    });
    assert.equal(peer.seen.length, 1);
  });
});

describe('the read timeout bounds every wait for bytes', () => {
  const pieces = (parts: string[], gap: number) => parts.flatMap((p) => [p, gap]);
  const head = ['HTTP/1.1 200 OK\r\n', 'A: 1\r\n', 'B: 2\r\n', 'C: 3\r\n', 'D: 4\r\n'];

  test('a head sent in pieces with gaps shorter than the read timeout succeeds', async (t) => {
    // Six gaps of 100 ms: the head takes longer than the 400 ms read timeout, no gap does.
    const peer = await answeringPeer(() =>
      pieces([...head, 'Content-Length: 2\r\n', '\r\nok'], 100),
    );
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(`${peer.url}/`, { timeout: { read: 400 } });
    assert.equal(r.text, 'ok');
    assert.equal(r.headers.get('d'), '4');
  });

  test('a body that trickles with gaps shorter than the read timeout succeeds', async (t) => {
    const peer = await answeringPeer(() =>
      pieces(['HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n', 'a', 'b', 'c', 'd', 'e', 'f'], 100),
    );
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const r = await s.get(`${peer.url}/`, { timeout: { read: 400 } });
    assert.equal(r.text, 'abcdef');
  });

  test('a head that stops for longer than the read timeout is ReadTimeout', async (t) => {
    const peer = await answeringPeer(() => ['HTTP/1.1 200 OK\r\nA: 1\r\n']);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    await assert.rejects(s.get(`${peer.url}/`, { timeout: { read: 150 } }), {
      name: 'ReadTimeout',
    });
  });
});
