import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CaseInsensitiveDict } from '../../src/structures.js';
import {
  apparentEncoding,
  decodeBytes,
  getEncodingFromHeaders,
  getIncrementalDecoder,
  guessJsonUtf,
  isKnownEncoding,
  parseContentTypeHeader,
} from '../../src/utils/encoding.js';

describe('getEncodingFromHeaders (expectations from requests 2.34)', () => {
  const cases: Array<[string, string | null]> = [
    ['text/html; charset=UTF-8', 'UTF-8'],
    ['text/plain', 'ISO-8859-1'],
    ['application/json', 'utf-8'],
    ['application/json; charset="latin-1"', 'latin-1'],
    ["text/html; charset='utf-8'", 'utf-8'],
    ['Text/HTML', null],
    ['application/octet-stream', null],
    ['application/xml', null],
    ['application/x-text', 'ISO-8859-1'],
    ['text/html;charset', 'ISO-8859-1'],
    ['text/html; charset= " utf-8 " ', 'utf-8'],
    ['application/json-patch+json', 'utf-8'],
    ['application/vnd.api+json', null],
    ['multipart/form-data; boundary=x; CHARSET=ascii', 'ascii'],
    ['', null],
    ['image/png; charset=""', ''],
  ];
  for (const [value, expected] of cases) {
    test(JSON.stringify(value), () => {
      assert.equal(
        getEncodingFromHeaders(new CaseInsensitiveDict({ 'Content-Type': value })),
        expected,
      );
    });
  }

  test('takes a plain record (any case), an array value, or nothing', () => {
    assert.equal(getEncodingFromHeaders({ 'CONTENT-TYPE': 'text/csv' }), 'ISO-8859-1');
    assert.equal(
      getEncodingFromHeaders({ 'content-type': ['text/csv; charset=utf-16'] }),
      'utf-16',
    );
    assert.equal(getEncodingFromHeaders({}), null);
    assert.equal(getEncodingFromHeaders(new CaseInsensitiveDict()), null);
  });

  test('parseContentTypeHeader splits type and parameters', () => {
    assert.deepEqual(parseContentTypeHeader(' text/html ; Charset="UTF-8"; q = 1 ; flag'), [
      'text/html',
      { charset: 'UTF-8', q: '1' },
    ]);
  });
});

describe('guessJsonUtf (expectations from requests 2.34)', () => {
  const encodeAs: Array<[string, number[]]> = [
    ['utf-8', [0x7b, 0x22, 0x61, 0x22]],
    ['utf-8-sig', [0xef, 0xbb, 0xbf, 0x7b]],
    ['utf-16', [0xff, 0xfe, 0x7b, 0]],
    ['utf-16', [0xfe, 0xff, 0, 0x7b]],
    ['utf-16-le', [0x7b, 0, 0x22, 0]],
    ['utf-16-be', [0, 0x7b, 0, 0x22]],
    ['utf-32', [0xff, 0xfe, 0, 0]],
    ['utf-32', [0, 0, 0xfe, 0xff]],
    ['utf-32-le', [0x7b, 0, 0, 0]],
    ['utf-32-be', [0, 0, 0, 0x7b]],
  ];
  for (const [expected, bytes] of encodeAs) {
    test(`${expected} from ${bytes.join(',')}`, () => {
      assert.equal(guessJsonUtf(new Uint8Array([...bytes, 0x31, 0, 0, 0])), expected);
    });
  }

  test('short and odd samples', () => {
    const cases: Array<[number[], string | null]> = [
      [[], 'utf-8'],
      [[0x7b], 'utf-8'],
      [[0x7b, 0], null],
      [[0, 0x7b], null],
      [[0, 0x7b, 0], 'utf-16-be'],
      [[0, 0, 0], 'utf-32-be'],
      [[0, 0, 0x7b, 0], null],
      [[0xff, 0xfe], 'utf-16'],
      [[0xef, 0xbb, 0xbf], 'utf-8-sig'],
    ];
    for (const [bytes, expected] of cases)
      assert.equal(guessJsonUtf(new Uint8Array(bytes)), expected, bytes.join(','));
  });
});

describe('decodeBytes with errors=replace (expectations from Python str(bytes, enc, "replace"))', () => {
  const cases: Array<[number[], string, string]> = JSON.parse(
    '[[[99, 97, 102, 233, 32, 128, 159, 255], "ISO-8859-1", "caf\\u00e9 \\u0080\\u009f\\u00ff"], [[99, 97, 102, 233, 32, 128], "latin-1", "caf\\u00e9 \\u0080"], [[97, 98, 195, 169, 255], "utf-8", "ab\\u00e9\\ufffd"], [[239, 187, 191, 104, 105], "utf-8", "\\ufeffhi"], [[239, 187, 191, 104, 105], "utf-8-sig", "hi"], [[130, 177, 130, 241, 130, 201, 130, 191, 130, 205, 129, 65, 144, 162, 138, 69], "shift_jis", "\\u3053\\u3093\\u306b\\u3061\\u306f\\u3001\\u4e16\\u754c"], [[130, 177, 130, 241, 130, 201, 130, 191, 130, 205], "Shift-JIS", "\\u3053\\u3093\\u306b\\u3061\\u306f"], [[254, 255, 0, 104, 0, 233, 216, 61, 222, 0], "utf-16", "h\\u00e9\\ud83d\\ude00"], [[255, 254, 104, 0, 233, 0, 61, 216, 0, 222], "utf-16", "h\\u00e9\\ud83d\\ude00"], [[104, 0, 233, 0], "utf-16", "h\\u00e9"], [[255, 254, 0, 0, 104, 0, 0, 0, 233, 0, 0, 0, 0, 246, 1, 0], "utf-32", "h\\u00e9\\ud83d\\ude00"], [[0, 0, 0, 104, 0, 0, 0, 233, 0, 1, 246, 0], "UTF-32BE", "h\\u00e9\\ud83d\\ude00"], [[97, 98, 128], "ascii", "ab\\ufffd"], [[97, 98, 128], "US-ASCII", "ab\\ufffd"], [[239, 240, 232, 226, 229, 242], "windows-1251", "\\u043f\\u0440\\u0438\\u0432\\u0435\\u0442"], [[208, 210, 201, 215, 197, 212], "koi8_r", "\\u043f\\u0440\\u0438\\u0432\\u0435\\u0442"], [[128], "cp1252", "\\u20ac"], [[214, 208, 206, 196], "GBK", "\\u4e2d\\u6587"], [[104, 0, 233, 0, 120], "utf-16-le", "h\\u00e9\\ufffd"], [[97, 0, 0, 0, 0, 216, 0, 0], "utf-32-le", "a\\ufffd"]]',
  );
  for (const [bytes, encoding, expected] of cases) {
    test(`${encoding}: ${JSON.stringify(expected)}`, () => {
      assert.equal(decodeBytes(new Uint8Array(bytes), encoding), expected);
    });
  }

  test('unknown encodings are a RangeError; known ones are recognised', () => {
    assert.throws(() => decodeBytes(new Uint8Array([1]), 'no-such-codec'), RangeError);
    assert.throws(() => decodeBytes(new Uint8Array([1]), 'constructor'), RangeError);
    assert.equal(isKnownEncoding('no-such-codec'), false);
    for (const name of [
      'utf8',
      'UTF_8',
      'latin_1',
      'EUC-JP',
      'euc_kr',
      'big5',
      'cp932',
      'iso8859_15',
    ]) {
      assert.equal(isKnownEncoding(name), true, name);
    }
  });

  test('windows-1252 maps 0x80-0x9f as Python, whatever the spelling', () => {
    const bytes = new Uint8Array([0x80, 0x81, 0x93, 0x94, 0x9f, 0xe9]);
    for (const name of ['cp1252', 'windows-1252', 'Windows_1252', 'x-cp1252']) {
      assert.equal(decodeBytes(bytes, name), '€\ufffd“”Ÿé', name);
    }
  });

  test('strict errors throw on undecodable bytes', () => {
    assert.throws(() => decodeBytes(new Uint8Array([0xff]), 'utf-8', 'strict'), TypeError);
    assert.throws(() => decodeBytes(new Uint8Array([0x80]), 'ascii', 'strict'), TypeError);
    assert.throws(
      () => decodeBytes(new Uint8Array([0, 0, 0x11, 0]), 'utf-32-le', 'strict'),
      TypeError,
    );
    assert.equal(decodeBytes(new Uint8Array([0x68, 0x69]), 'utf-8', 'strict'), 'hi');
  });
});

describe('getIncrementalDecoder across chunk borders', () => {
  const samples: Array<[string, Buffer]> = [
    ['utf-8', Buffer.from('añ€😀 done', 'utf8')],
    [
      'utf-16',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('añ€😀', 'utf16le').swap16()]),
    ],
    ['utf-16-le', Buffer.from('añ€😀', 'utf16le')],
    ['utf-32', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0, 0, 0xf6, 1, 0])],
    ['shift_jis', Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd])],
  ];
  for (const [encoding, bytes] of samples) {
    test(`${encoding}: every split point gives the same text`, () => {
      const whole = decodeBytes(bytes, encoding);
      assert.ok(!whole.includes('\ufffd'));
      for (let size = 1; size <= bytes.length; size++) {
        const d = getIncrementalDecoder(encoding);
        let text = '';
        for (let at = 0; at < bytes.length; at += size)
          text += d.decode(bytes.subarray(at, at + size));
        text += d.decode(new Uint8Array(0), true);
        assert.equal(text, whole, `chunk size ${size}`);
      }
    });
  }

  test('a character cut at the very end is replaced when final', () => {
    const d = getIncrementalDecoder('utf-8');
    assert.equal(d.decode(new Uint8Array([0x61, 0xe2, 0x82])), 'a');
    assert.equal(d.decode(new Uint8Array(0), true), '\ufffd');
  });
});

describe('apparentEncoding', () => {
  test('detects ASCII, UTF-8, Latin-1 and Shift_JIS text, in names decodeBytes takes; utf-8 when empty', () => {
    assert.equal(apparentEncoding(Buffer.from('plain ascii words only')), 'ascii');
    assert.equal(
      apparentEncoding(Buffer.from('héllo wörld café naïve ünïcödé text', 'utf8')),
      'utf-8',
    );
    assert.equal(
      apparentEncoding(Buffer.from('héllo wörld café naïve ünïcödé text', 'latin1')),
      'iso-8859-1',
    );
    // 'こんにちは、世界これは日本語のテキストです。' in Shift_JIS
    const sjis = new Uint8Array([
      130, 177, 130, 241, 130, 201, 130, 191, 130, 205, 129, 65, 144, 162, 138, 69, 130, 177, 130,
      234, 130, 205, 147, 250, 150, 123, 140, 234, 130, 204, 131, 101, 131, 76, 131, 88, 131, 103,
      130, 197, 130, 183, 129, 66,
    ]);
    assert.equal(apparentEncoding(sjis), 'shift_jis');
    assert.equal(
      decodeBytes(sjis, apparentEncoding(sjis) as string),
      'こんにちは、世界これは日本語のテキストです。',
    );
    assert.equal(apparentEncoding(new Uint8Array(0)), 'utf-8');
  });
});
