import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DecodeError, IncompleteRead, ReadTimeoutError } from '../../src/_internal/pool-errors.js';
import {
  ChunkedEncodingError,
  ContentDecodingError,
  HTTPError,
  JSONDecodeError,
  ReadTimeout,
  RequestException,
  StreamConsumedError,
} from '../../src/errors.js';
import { decodeReason, Response } from '../../src/models/response.js';
import type { RawHeaders, RawResponse } from '../../src/pool/types.js';
import { CaseInsensitiveDict } from '../../src/structures.js';

/** A RawResponse over chunks in memory: the pool's contract, without the network. */
class FakeRaw implements RawResponse {
  readonly retries = null;
  readonly version = 11;
  readonly url = 'http://example.test/';
  data: Uint8Array | null = null;
  closeCalls = 0;
  streamCalls = 0;
  pulled = 0;
  #chunks: Uint8Array[];
  #error: unknown;
  closed = false;

  constructor(
    chunks: Array<Uint8Array | string>,
    options: { error?: unknown; preloaded?: boolean; status?: number; headers?: RawHeaders } = {},
  ) {
    this.#chunks = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
    this.#error = options.error;
    this.status = options.status ?? 200;
    this.headers = options.headers ?? {};
    if (options.preloaded) this.data = Buffer.concat(this.#chunks);
  }
  readonly status: number;
  readonly reason = 'OK';
  readonly headers: RawHeaders;

  stream(): AsyncIterable<Uint8Array> {
    this.streamCalls++;
    if (this.streamCalls > 1) throw new TypeError('streamed twice');
    const chunks = this.#chunks;
    const error = this.#error;
    const self = this;
    return (async function* () {
      for (const c of chunks) {
        self.pulled++;
        yield c;
      }
      if (error !== undefined) throw error;
      self.closed = true;
    })();
  }

  async read(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const c of this.stream()) parts.push(c);
    this.data = Buffer.concat(parts);
    return this.data;
  }

  async drain(): Promise<void> {}

  close(): void {
    this.closeCalls++;
    this.closed = true;
  }
}

function response(
  chunks: Array<Uint8Array | string>,
  options: ConstructorParameters<typeof FakeRaw>[1] & { encoding?: string | null } = {},
): { r: Response; raw: FakeRaw } {
  const raw = new FakeRaw(chunks, options);
  const r = new Response();
  r.raw = raw;
  r.statusCode = raw.status;
  r.url = 'http://example.test/path';
  r.headers = Response.headersFromRaw(raw.headers);
  r.encoding = options.encoding ?? null;
  return { r, raw };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const text = (pieces: Array<string | Uint8Array>) =>
  pieces.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('latin1')));

describe('Response: construction and simple fields', () => {
  test('a new Response has requests defaults and builds headers and cookies lazily', () => {
    const r = new Response();
    assert.equal(r.statusCode, 0);
    assert.equal(r.encoding, null);
    assert.deepEqual(r.history, []);
    assert.equal(r.elapsed, 0);
    assert.equal(r.next, null);
    assert.equal(r.headers.size, 0);
    assert.equal(r.cookies.size, 0);
    assert.equal(r.headers, r.headers);
    assert.equal(r.content, null); // no raw: requests' None
    assert.equal(r.text, '');
    assert.equal(String(r), '<Response [0]>');
  });

  test('headersFromRaw joins repeated headers with ", "', () => {
    const h = Response.headersFromRaw({
      'content-type': 'text/plain',
      'set-cookie': ['a=1', 'b=2'],
      skipped: undefined,
    });
    assert.equal(h.get('Content-Type'), 'text/plain');
    assert.equal(h.get('set-cookie'), 'a=1, b=2');
    assert.equal(h.has('skipped'), false);
  });

  test('ok, isRedirect, isPermanentRedirect', () => {
    const r = new Response();
    for (const [status, ok] of [
      [200, true],
      [399, true],
      [400, false],
      [599, false],
      [600, true],
    ] as const) {
      r.statusCode = status;
      assert.equal(r.ok, ok, String(status));
    }
    r.statusCode = 302;
    assert.equal(r.isRedirect, false);
    r.headers = new CaseInsensitiveDict({ Location: '/x' });
    assert.equal(r.isRedirect, true);
    assert.equal(r.isPermanentRedirect, false);
    for (const status of [301, 308]) {
      r.statusCode = status;
      assert.equal(r.isPermanentRedirect, true);
    }
    r.statusCode = 304;
    assert.equal(r.isRedirect, false);
  });

  test('links by rel, or by url without one', () => {
    const r = new Response();
    r.headers.set(
      'Link',
      '<https://a/?page=2>; rel="next", <https://a/?page=9>; rel=last, <https://a/x>',
    );
    assert.deepEqual(r.links, {
      next: { url: 'https://a/?page=2', rel: 'next' },
      last: { url: 'https://a/?page=9', rel: 'last' },
      'https://a/x': { url: 'https://a/x' },
    });
    assert.deepEqual(new Response().links, {});
  });
});

describe('Response.raiseForStatus (messages as requests 2.34)', () => {
  const cases: Array<[number, string, string | null]> = [
    [404, 'Not Found', '404 Client Error: Not Found for url: http://example.test/path'],
    [
      503,
      'Service Unavailable',
      '503 Server Error: Service Unavailable for url: http://example.test/path',
    ],
    [200, 'OK', null],
    [302, 'Found', null],
    [600, 'Odd', null],
  ];
  for (const [status, reason, message] of cases) {
    test(`${status} ${reason}`, () => {
      const { r } = response([]);
      r.statusCode = status;
      r.reason = reason;
      if (message === null) {
        assert.doesNotThrow(() => r.raiseForStatus());
        return;
      }
      assert.throws(
        () => r.raiseForStatus(),
        (err: unknown) => err instanceof HTTPError && err.message === message && err.response === r,
      );
    });
  }

  test('a reason sent as UTF-8 bytes is decoded; Latin-1 stays; credentials are not shown', () => {
    assert.equal(
      decodeReason(Buffer.from('Dienst nicht verfügbar').toString('latin1')),
      'Dienst nicht verfügbar',
    );
    assert.equal(decodeReason('caf\xe9'), 'café');
    assert.equal(decodeReason('plain'), 'plain');
    assert.equal(decodeReason('ünïcode already'), 'ünïcode already');
    const r = new Response();
    r.statusCode = 401;
    r.reason = 'Unauthorized';
    r.url = 'http://user:secret@example.test/';
    assert.throws(() => r.raiseForStatus(), {
      message: '401 Client Error: Unauthorized for url: http://example.test/',
    });
  });
});

describe('Response body: read, content, stream state', () => {
  test('a preloaded raw body is content at once', () => {
    const { r, raw } = response(['ab', 'cd'], { preloaded: true });
    assert.equal(Buffer.from(r.content).toString(), 'abcd');
    assert.equal(raw.streamCalls, 0);
  });

  test('content of an unread stream response says to call read()', async () => {
    const { r } = response(['abc']);
    assert.throws(() => r.content, /call `await response\.read\(\)`/i);
    assert.throws(() => r.text, /read\(\)/);
    assert.throws(() => r.json(), /read\(\)/);
    const data = await r.read();
    assert.equal(Buffer.from(data).toString(), 'abc');
    assert.equal(r.text, 'abc');
    assert.equal(await r.read(), data);
  });

  test('concurrent read() calls share one read', async () => {
    const { r, raw } = response(['a', 'b']);
    const [x, y] = await Promise.all([r.read(), r.read()]);
    assert.equal(x, y);
    assert.equal(raw.streamCalls, 1);
  });

  test('leaving an iteration early closes the raw body (issue 10 item 9); the rest is gone', async () => {
    const { r, raw } = response(['abc', 'def', 'ghi']);
    const it = r.iterContent({ chunkSize: 2 })[Symbol.asyncIterator]();
    assert.equal(Buffer.from((await it.next()).value as Uint8Array).toString(), 'ab');
    await it.return?.();
    assert.equal(raw.closeCalls, 1, 'the connection is released, not left busy');
    assert.throws(() => r.iterContent(), StreamConsumedError);
    await assert.rejects(r.read(), StreamConsumedError);
  });

  test('a second iteration of a consumed stream is StreamConsumedError; content too', async () => {
    const { r } = response(['abc']);
    assert.deepEqual(text(await all(r.iterContent({ chunkSize: null }))), ['abc']);
    assert.throws(() => r.iterContent(), StreamConsumedError);
    assert.throws(() => r.content, StreamConsumedError);
    await assert.rejects(r.read(), StreamConsumedError);
  });

  test('after read(), iterations slice the kept content again and again', async () => {
    const { r } = response(['abcdefg']);
    await r.read();
    assert.deepEqual(text(await all(r.iterContent({ chunkSize: 3 }))), ['abc', 'def', 'g']);
    assert.deepEqual(text(await all(r.iterContent({ chunkSize: 3 }))), ['abc', 'def', 'g']);
    assert.deepEqual(text(await all(r.iterContent({ chunkSize: null }))), ['abcdefg']);
    assert.deepEqual(text(await all(r.iterContent({ chunkSize: 0 }))), ['abcdefg']);
    assert.deepEqual(text(await all(r)), ['abcdefg']);
  });

  test('content can be replaced, as requests users set _content', () => {
    const r = new Response();
    r.encoding = 'utf-8';
    r.content = Buffer.from('héllo');
    assert.equal(r.text, 'héllo');
    r.content = Buffer.from('bye');
    assert.equal(r.text, 'bye');
  });

  test('close() closes an unread raw body, and leaves a read one alone', async () => {
    const unread = response(['abc']);
    unread.r.close();
    assert.equal(unread.raw.closeCalls, 1);
    const read = response(['abc']);
    await read.r.read();
    read.r.close();
    assert.equal(read.raw.closeCalls, 0);
    const disposed = response(['abc']);
    await disposed.r[Symbol.asyncDispose]();
    assert.equal(disposed.raw.closeCalls, 1);
  });

  test('iterContent rejects a chunk size that is not an integer', () => {
    const { r } = response(['abc']);
    assert.throws(() => r.iterContent({ chunkSize: 1.5 }), TypeError);
  });
});

describe('Response body errors go through the error table', () => {
  test('a body cut short is ChunkedEncodingError, while iterating and while reading', async () => {
    const cut = () => new IncompleteRead('IncompleteRead(3 bytes read, 5 more expected)');
    const a = response(['abc'], { error: cut() });
    await assert.rejects(all(a.r.iterContent({ chunkSize: 2 })), (err: unknown) => {
      assert.ok(err instanceof ChunkedEncodingError);
      assert.equal(err.response, a.r);
      assert.ok(err.cause instanceof IncompleteRead);
      return true;
    });
    const b = response(['abc'], { error: cut() });
    await assert.rejects(b.r.read(), ChunkedEncodingError);
  });

  test('a decoding failure is ContentDecodingError; a read timeout is ReadTimeout', async () => {
    const d = response(['x'], { error: new DecodeError('bad gzip') });
    await assert.rejects(d.r.read(), ContentDecodingError);
    const t = response(['x'], { error: new ReadTimeoutError('http://x/', 'Read timed out.') });
    await assert.rejects(all(t.r.iterLines()), ReadTimeout);
  });

  test("the caller's own errors pass unchanged", async () => {
    const reason = new Error('aborted by me');
    const { r } = response(['x'], { error: reason });
    await assert.rejects(r.read(), (err: unknown) => err === reason);
  });
});

describe('Response.iterContent', () => {
  const body = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let size = 1; size <= 17; size++) {
    test(`streamed in chunks of ${size} bytes: exact sizes, whole body`, async () => {
      const { r } = response(['abcdefg', 'hij', 'k', 'lmnopqrstuvwxyz0123', '456789']);
      const chunks = text(await all(r.iterContent({ chunkSize: size })));
      assert.equal(chunks.join(''), body);
      for (const c of chunks.slice(0, -1)) assert.equal(c.length, size);
      assert.ok((chunks.at(-1)?.length ?? 0) <= size);
    });
  }

  test('chunkSize null yields the chunks as they arrive; the default is 1 byte', async () => {
    const a = response(['abc', '', 'de']);
    assert.deepEqual(text(await all(a.r.iterContent({ chunkSize: null }))), ['abc', 'de']);
    const b = response(['abc']);
    assert.deepEqual(text(await all(b.r.iterContent())), ['a', 'b', 'c']);
  });

  test('decodeUnicode decodes multi-byte characters cut at every border (utf-8)', async () => {
    const bytes = Buffer.from('h\u00e9llo \u20ac \u{1f600} end');
    for (let size = 1; size <= 17; size++) {
      const { r } = response([bytes.subarray(0, 5), bytes.subarray(5)], { encoding: 'utf-8' });
      const pieces = await all(r.iterContent({ chunkSize: size, decodeUnicode: true }));
      assert.ok(pieces.every((p) => typeof p === 'string'));
      assert.equal(pieces.join(''), 'h\u00e9llo \u20ac \u{1f600} end', `size ${size}`);
      assert.ok(!pieces.join('').includes('\ufffd'));
    }
  });

  test('decodeUnicode as requests: 1-byte chunks skip empty pieces; no encoding gives bytes', async () => {
    const { r } = response([Buffer.from('h\u00e9\u{1f600}')], { encoding: 'utf-8' });
    assert.deepEqual(await all(r.iterContent({ chunkSize: 1, decodeUnicode: true })), [
      'h',
      '\u00e9',
      '\u{1f600}',
    ]);
    const none = response(['abc']);
    const pieces = await all(none.r.iterContent({ chunkSize: 2, decodeUnicode: true }));
    assert.deepEqual(text(pieces), ['ab', 'c']);
    assert.ok(pieces.every((p) => p instanceof Uint8Array));
  });

  test('decodeUnicode with Shift_JIS and UTF-16 (with BOM) across borders', async () => {
    const sjis = Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('añ\u{1f600}', 'utf16le')]);
    for (let size = 1; size <= 5; size++) {
      const a = response([sjis], { encoding: 'shift_jis' });
      assert.equal(
        (await all(a.r.iterContent({ chunkSize: size, decodeUnicode: true }))).join(''),
        'こんにちは',
      );
      const b = response([utf16], { encoding: 'utf-16' });
      assert.equal(
        (await all(b.r.iterContent({ chunkSize: size, decodeUnicode: true }))).join(''),
        'añ\u{1f600}',
      );
    }
  });

  test('an unknown encoding fails the decoding iteration with a RangeError', async () => {
    const { r } = response(['abc'], { encoding: 'no-such-codec' });
    await assert.rejects(all(r.iterContent({ decodeUnicode: true })), RangeError);
  });

  test('errors are instances of RequestException where they come from the body', async () => {
    const { r } = response(['x'], { error: new IncompleteRead('short') });
    await assert.rejects(all(r.iterContent()), RequestException);
  });
});

describe('Response text and json', () => {
  test('text decodes with encoding, apparentEncoding, or utf-8 for an unknown name', () => {
    const r = new Response();
    r.content = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x80]);
    r.encoding = 'ISO-8859-1';
    assert.equal(r.text, 'caf\u00e9\u0080');
    r.encoding = 'utf-8';
    assert.equal(r.text, 'caf\ufffd'); // one U+FFFD for the cut sequence, as Python
    r.encoding = 'bogus-enc';
    assert.equal(r.text, 'caf\ufffd');
    r.encoding = 'shift_jis';
    r.content = Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]);
    assert.equal(r.text, 'こんにちは');
    r.encoding = 'utf-16';
    r.content = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('hé', 'utf16le').swap16()]);
    assert.equal(r.text, 'hé');
    r.encoding = null;
    r.content = Buffer.from(
      'h\u00e9llo w\u00f6rld caf\u00e9 na\u00efve \u00fcn\u00efc\u00f6d\u00e9',
    );
    assert.equal(r.apparentEncoding, 'utf-8');
    assert.equal(r.text, 'h\u00e9llo w\u00f6rld caf\u00e9 na\u00efve \u00fcn\u00efc\u00f6d\u00e9');
    r.content = Buffer.from(
      'h\u00e9llo w\u00f6rld caf\u00e9 na\u00efve \u00fcn\u00efc\u00f6d\u00e9',
      'latin1',
    );
    assert.equal(r.apparentEncoding, 'iso-8859-1');
    assert.equal(r.text, 'h\u00e9llo w\u00f6rld caf\u00e9 na\u00efve \u00fcn\u00efc\u00f6d\u00e9');
  });

  test('json() finds UTF-8/16/32 with and without BOM when no encoding is set', () => {
    const value = { a: '\u00e9\u{1f600}', n: [1, 2] };
    const json = JSON.stringify(value);
    const bodies = [
      Buffer.from(json),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]),
      Buffer.from(json, 'utf16le'),
      Buffer.from(json, 'utf16le').swap16(),
      utf32(json, false),
      utf32(json, true),
      Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(json, false)]),
    ];
    for (const body of bodies) {
      const r = new Response();
      r.content = body;
      assert.deepEqual(r.json(), value);
    }
  });

  test('json() errors are JSONDecodeError with Python messages', () => {
    const r = new Response();
    const cases: Array<[string, string | null, string]> = [
      ['', null, 'Expecting value: line 1 column 1 (char 0)'],
      ['[1,', null, 'Expecting value: line 1 column 4 (char 3)'],
      [
        '\ufeff{"a": 1}',
        'utf-8',
        'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
      ],
    ];
    for (const [body, encoding, message] of cases) {
      r.content = Buffer.from(body);
      r.encoding = encoding;
      assert.throws(
        () => r.json(),
        (err: unknown) =>
          err instanceof JSONDecodeError && err.message === message && err.response === r,
      );
    }
  });

  test("JSONDecodeError carries msg, doc, pos, lineno and colno as Python's does", () => {
    const r = new Response();
    r.content = Buffer.from('{\n "a": x}');
    assert.throws(
      () => r.json(),
      (err: unknown) => {
        assert.ok(err instanceof JSONDecodeError);
        assert.deepEqual(
          { msg: err.msg, doc: err.doc, pos: err.pos, lineno: err.lineno, colno: err.colno },
          { msg: 'Expecting value', doc: '{\n "a": x}', pos: 8, lineno: 2, colno: 7 },
        );
        return true;
      },
    );
  });

  test('json() reads NaN, and falls back to text for bytes that are not UTF-8', () => {
    const r = new Response();
    r.content = Buffer.from('{"a": NaN}');
    assert.ok(Number.isNaN((r.json() as { a: number }).a));
    r.content = Buffer.from('{"name": "caf\xe9 cr\xe8me br\xfbl\xe9e"}', 'latin1');
    assert.equal(typeof (r.json() as { name: string }).name, 'string');
    r.content = Buffer.from('{"a": 1}');
    assert.deepEqual(r.json<{ a: number }>(), { a: 1 });
  });
});

function utf32(textValue: string, bigEndian: boolean): Buffer {
  const cps = [...textValue].map((c) => c.codePointAt(0) as number);
  const out = Buffer.alloc(cps.length * 4);
  for (const [i, cp] of cps.entries()) {
    if (bigEndian) out.writeUInt32BE(cp, i * 4);
    else out.writeUInt32LE(cp, i * 4);
  }
  return out;
}
