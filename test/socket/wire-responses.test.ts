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

/** A peer that answers the first request on each connection with `answer`, then closes. */
async function closingPeer(answer: string) {
  let connections = 0;
  const peer = await startRawPeer((socket: net.Socket) => {
    connections++;
    socket.once('data', () => socket.end(answer));
  });
  return { ...peer, connections: () => connections };
}

describe('Content-Length beside Transfer-Encoding (RFC 9112 §6.3)', () => {
  test('the chunked body is read, the length reported as sent, the connection not reused', async (t) => {
    const answers = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      // No InvalidHeader for unequal values: urllib3 ignores the length before it reads them.
      'HTTP/1.1 200 OK\r\nContent-Length: 16\r\nContent-Length: 32\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ];
    const peer = await answeringPeer((_head, i) => answers[i]!);
    const s = sessionWith(new Retry({ total: 3 }));
    t.after(() => Promise.all([s.close(), peer.close()]));
    const lengths = [];
    for (let i = 0; i < 3; i++) {
      const r = await s.get(`${peer.url}/${i}`, { timeout: { read: 1000 } });
      assert.equal(r.statusCode, 200);
      assert.equal(r.text, 'ok');
      assert.equal(r.headers.get('transfer-encoding'), 'chunked');
      lengths.push(r.headers.get('content-length'));
    }
    assert.deepEqual(lengths, ['100', '3', '16, 32']);
    assert.equal((await s.get(`${peer.url}/after`)).text, 'ok');
    assert.equal(peer.seen.length, 4, 'nothing failed, so nothing was retried');
    // The message is suspect: a connection is not reused after one.
    assert.deepEqual(
      peer.seen.map((x) => x.connection),
      [1, 2, 3, 4],
    );
  });

  test('a chunked body cut short says so, not how much of the ignored length is missing', async (t) => {
    const peer = await closingPeer(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n2\r\nok\r\n',
    );
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const err = await s.get(`${peer.url}/`).then(
      () => assert.fail('no error'),
      (e: Error) => e,
    );
    assert.equal(err.name, 'ChunkedEncodingError');
    assert.doesNotMatch(err.message, /expected/);
  });
});

describe('a Content-Length that is not a length (urllib3 ignores it)', () => {
  const head = (value: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n\r\n`;

  test('abc, -5, 5 with abc, empty or 0x5: the body is read to the close, the header as sent', async () => {
    const cases: [string, string][] = [
      [head('abc'), 'abc'],
      [head('-5'), '-5'],
      [head('5, abc'), '5, abc'],
      [head('-5, -5'), '-5, -5'],
      [head(''), ''],
      [head('0x5'), '0x5'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: abc\r\n\r\n', '5, abc'],
    ];
    for (const [answer, reported] of cases) {
      const peer = await closingPeer(`${answer}hello world`);
      const s = sessionWith();
      try {
        const r = await s.get(`${peer.url}/`);
        assert.equal(r.statusCode, 200, answer);
        assert.equal(r.text, 'hello world', answer);
        assert.equal(r.headers.get('content-length'), reported);
        assert.equal((await s.get(`${peer.url}/again`)).text, 'hello world');
        assert.equal(peer.connections(), 2, 'the body ran to the close: a new connection');
      } finally {
        await Promise.all([s.close(), peer.close()]);
      }
    }
  });

  test('on a connection the server keeps open, the read runs to the read timeout, as urllib3', async (t) => {
    const peer = await answeringPeer(() => `${head('abc')}hello`);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    await assert.rejects(s.get(`${peer.url}/`, { timeout: { read: 200 } }), {
      name: 'ReadTimeout',
    });
  });

  test('a 304 or a HEAD answer with one is bodyless and keeps its connection', async (t) => {
    const answers = [
      'HTTP/1.1 304 Not Modified\r\nContent-Length: abc\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    ];
    const peer = await answeringPeer((_head, i) => answers[i]!);
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const notModified = await s.get(`${peer.url}/a`, { timeout: { read: 1000 } });
    assert.equal(notModified.statusCode, 304);
    assert.equal(notModified.headers.get('content-length'), 'abc');
    const head = await s.head(`${peer.url}/b`, { timeout: { read: 1000 } });
    assert.equal(head.content.length, 0);
    assert.equal(head.headers.get('content-length'), '-1');
    assert.equal((await s.get(`${peer.url}/c`)).text, 'ok');
    assert.equal(peer.connections(), 1);
  });
});

describe('Content-Length values urllib3 reads as numbers', () => {
  test("' 5 ', '+5' and '05' are the length 5, on one kept-alive connection", async (t) => {
    const values = ['  5  ', '\t5', '+5', '05', '+5, 5'];
    const peer = await answeringPeer(
      (_head, i) => `HTTP/1.1 200 OK\r\nContent-Length: ${values[i]}\r\n\r\nhello`,
    );
    const s = sessionWith();
    t.after(() => Promise.all([s.close(), peer.close()]));
    const reported = [];
    for (let i = 0; i < values.length; i++) {
      const r = await s.get(`${peer.url}/${i}`, { timeout: { read: 1000 } });
      assert.equal(r.text, 'hello', values[i]);
      reported.push(r.headers.get('content-length'));
    }
    assert.deepEqual(
      reported,
      ['5  ', '5', '+5', '05', '+5, 5'],
      'as sent, as requests reports them',
    );
    assert.equal(peer.connections(), 1);
  });

  test('5 and -5 are two unequal values: InvalidHeader, not retried', async (t) => {
    const peer = await answeringPeer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 5, -5\r\n\r\nhello');
    const s = sessionWith(new Retry({ total: 3 }));
    t.after(() => Promise.all([s.close(), peer.close()]));
    await assert.rejects(s.get(`${peer.url}/`, { timeout: { read: 1000 } }), {
      name: 'InvalidHeader',
      message: 'Content-Length contained multiple unmatching values (5, -5)',
    });
    assert.equal(peer.seen.length, 1);
  });
});

describe('a server that closes after its response without saying so', () => {
  test('the next call, GET or POST, goes on a new connection: the FIN that came with the body is seen first', async () => {
    // No `Connection: close`: the body and the FIN arrive together, and the caller's next request
    // follows at once. requests checks a pooled connection for a FIN before it reuses it.
    let connections = 0;
    const bodies: string[] = [];
    const peer = await startRawPeer((socket) => {
      connections++;
      let buffered = '';
      socket.on('data', (data) => {
        buffered += data.toString('latin1');
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = /content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1];
        if (buffered.length < end + 4 + Number(length ?? 0)) return;
        bodies.push(buffered.slice(end + 4));
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
      });
    });
    const s = new Session();
    try {
      for (const method of ['GET', 'GET', 'POST', 'POST', 'GET'] as const) {
        const r = await s.request(method, `http://127.0.0.1:${peer.port}/`, {
          data: method === 'POST' ? 'a=1' : undefined,
          timeout: 5000,
        });
        assert.equal(r.statusCode, 200, method);
        assert.equal(r.text, 'hello');
      }
      assert.equal(connections, 5, 'one connection a call, each closed by the server');
      assert.deepEqual(bodies, ['', '', 'a=1', 'a=1', ''], 'each request sent once');
    } finally {
      await s.close();
      await peer.close();
    }
  });
});
