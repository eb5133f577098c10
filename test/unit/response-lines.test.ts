import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Response } from '../../src/models/response.js';
import { splitBy, splitLines } from '../../src/models/response-lines.js';

/** A stream response over `body`, delivered by the "network" in 3-byte pieces. */
function streamed(body: Uint8Array, encoding: string | null = null): Response {
  const r = new Response();
  r.statusCode = 200;
  r.encoding = encoding;
  r.raw = {
    status: 200,
    reason: 'OK',
    headers: {},
    url: 'http://example.test/',
    retries: null,
    version: 11,
    data: null,
    closed: false,
    async *stream() {
      for (let at = 0; at < body.length; at += 3) yield body.subarray(at, at + 3);
    },
    read: async () => body,
    drain: async () => {},
    close: () => {},
  };
  return r;
}

const latin1 = (pieces: Array<string | Uint8Array>) =>
  pieces.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('latin1')));

interface Case {
  body: Buffer;
  decodeUnicode?: boolean;
  encoding?: string;
  delimiter?: string | Uint8Array;
}

const CASES: Record<string, Case> = {
  lf: { body: Buffer.from('line one\nline two\n\nline four\nlast') },
  crlf: { body: Buffer.from('a\r\nbb\r\n\r\nc\rd\n\x0be', 'latin1') },
  'lf-delim': {
    body: Buffer.from('line one\nline two\n\nline four\nlast\n'),
    delimiter: Buffer.from('\n'),
  },
  'multi-delim': { body: Buffer.from('a||b||||c|d||'), delimiter: Buffer.from('||') },
  utf8: {
    body: Buffer.from('h\u00e9llo w\u00f6rld\n\u{1F600} smile\r\nend\u2028x\x85y'),
    decodeUnicode: true,
    encoding: 'utf-8',
  },
  'utf8-delim': {
    body: Buffer.from('h\u00e9llo\n\u{1F600}\nend\n'),
    decodeUnicode: true,
    encoding: 'utf-8',
    delimiter: '\n',
  },
  'no-encoding': { body: Buffer.from('x\ny\n'), decodeUnicode: true },
};

// What requests 2.34's iter_lines yields for each case, by chunk size 1..17 (bytes shown as
// Latin-1 text), computed with Python.
const EXPECTED: Record<string, Array<[number[], string[]]>> = {
  lf: [
    [
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
      ['line one', 'line two', '', 'line four', 'last'],
    ],
  ],
  crlf: [
    [
      [1, 2],
      ['a', '', 'bb', '', '', '', 'c', 'd', '\u000be'],
    ],
    [
      [3, 4, 6, 8],
      ['a', 'bb', '', '', 'c', 'd', '\u000be'],
    ],
    [
      [5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17],
      ['a', 'bb', '', 'c', 'd', '\u000be'],
    ],
  ],
  'lf-delim': [
    [[1], ['line one', '', 'line two', '', '', '', 'line four', '', 'last', '']],
    [
      [2, 6],
      ['line one', 'line two', '', '', 'line four', 'last', ''],
    ],
    [
      [3, 9],
      ['line one', '', 'line two', '', '', 'line four', 'last', ''],
    ],
    [
      [4, 5, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17],
      ['line one', 'line two', '', 'line four', 'last', ''],
    ],
  ],
  'multi-delim': [
    [[1], ['a', '', 'b', '', '', '', 'c|d', '']],
    [[2], ['a', 'b', '', '', '', 'c|d', '']],
    [[3], ['a', '', 'b', '', '', 'c|d', '']],
    [
      [4, 6, 8],
      ['a', 'b', '', '', 'c|d', ''],
    ],
    [
      [5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17],
      ['a', 'b', '', 'c|d', ''],
    ],
  ],
  utf8: [
    [
      [1, 5],
      ['h\u00e9llo w\u00f6rld', '\ud83d\ude00 smile', '', 'end', 'x', 'y'],
    ],
    [
      [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
      ['h\u00e9llo w\u00f6rld', '\ud83d\ude00 smile', 'end', 'x', 'y'],
    ],
  ],
  'utf8-delim': [
    [
      [1, 2, 3, 4],
      ['h\u00e9llo', '', '\ud83d\ude00', '', 'end', ''],
    ],
    [
      [5, 7, 8, 9, 10],
      ['h\u00e9llo', '', '\ud83d\ude00', 'end', ''],
    ],
    [
      [6, 12],
      ['h\u00e9llo', '\ud83d\ude00', '', 'end', ''],
    ],
    [
      [11, 13, 14, 15, 16, 17],
      ['h\u00e9llo', '\ud83d\ude00', 'end', ''],
    ],
  ],
  'no-encoding': [
    [
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
      ['x', 'y'],
    ],
  ],
};

describe('iterLines splits exactly as requests, at every chunk size 1..17', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const [sizes, expected] of EXPECTED[name] ?? []) {
      test(`${name}: chunk sizes ${sizes.join(',')}`, async () => {
        for (const chunkSize of sizes) {
          const r = streamed(c.body, c.encoding ?? null);
          const lines: Array<string | Uint8Array> = [];
          const options = {
            chunkSize,
            decodeUnicode: c.decodeUnicode ?? false,
            delimiter: c.delimiter ?? null,
          };
          for await (const line of r.iterLines(options)) lines.push(line);
          assert.deepEqual(latin1(lines), expected, `chunk size ${chunkSize}`);
        }
      });
    }
  }

  test('without delimiter, a body with \\n line ends gives its whole split at every size', async () => {
    const body = Buffer.from('first\nsecond\n\nfourth \u00e9\u{1F600}\n\nlast line\n');
    const whole = body.toString('utf8').split('\n').slice(0, -1);
    for (let chunkSize = 1; chunkSize <= 17; chunkSize++) {
      for (const decodeUnicode of [false, true]) {
        const lines: string[] = [];
        for await (const line of streamed(body, 'utf-8').iterLines({ chunkSize, decodeUnicode })) {
          lines.push(typeof line === 'string' ? line : Buffer.from(line).toString('utf8'));
        }
        assert.deepEqual(lines, whole, `chunk size ${chunkSize}, decodeUnicode ${decodeUnicode}`);
      }
    }
  });

  test('a read body gives the same lines as a streamed one', async () => {
    const body = Buffer.from('a\nb\r\nc');
    const r = streamed(body);
    await r.read();
    const lines: Array<string | Uint8Array> = [];
    for await (const line of r.iterLines({ chunkSize: 2 })) lines.push(line);
    assert.deepEqual(latin1(lines), ['a', 'b', '', 'c']);
  });
});

describe('splitLines and splitBy as Python', () => {
  test('str.splitlines boundaries', () => {
    const s = 'a\r\nb\rc\nd\x0be\x0cf\x1cg\x1dh\x1ei\x85j\u2028k\u2029l\n\nm\r\r\n';
    assert.deepEqual(splitLines(s), [
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'i',
      'j',
      'k',
      'l',
      '',
      'm',
      '',
    ]);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('\n'), ['']);
  });

  test('bytes.splitlines knows only \\n, \\r and \\r\\n', () => {
    const b = Buffer.from('a\r\nb\rc\nd\x0be\x0cf\x1cg\n\nm\r\r\n\r', 'latin1');
    assert.deepEqual(latin1(splitLines(b)), ['a', 'b', 'c', 'd\x0be\x0cf\x1cg', '', 'm', '', '']);
  });

  test('split keeps empty parts; a delimiter of the other kind is converted', () => {
    assert.deepEqual(latin1(splitBy(Buffer.from('a,,b,'), Buffer.from(','))), ['a', '', 'b', '']);
    assert.deepEqual(latin1(splitBy(Buffer.from('a--b'), '--')), ['a', 'b']);
    assert.deepEqual(splitBy('a\u00e9b', Buffer.from('\u00e9')), ['a', 'b']);
  });
});
