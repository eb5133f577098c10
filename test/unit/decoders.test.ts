import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { DecodeError } from '../../src/_internal/pool-errors.js';
import {
  ACCEPT_ENCODING,
  decodedStream,
  isZlibHeader,
  parseContentEncoding,
} from '../../src/pool/decoders.js';
import { gzipHeaderLength } from '../../src/pool/gzip-members.js';

const TEXT = Buffer.from(
  Array.from({ length: 400 }, (_, i) => `line ${i}: the quick brown fox ✓\n`).join(''),
);

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

async function decode(data: Uint8Array, coding: string | undefined, size = 7, maxSize?: number) {
  return collect(decodedStream(chunked(data, size), coding, { maxSize: maxSize ?? null }));
}

async function decodeFails(data: Uint8Array, coding: string, pattern: RegExp, maxSize?: number) {
  await assert.rejects(decode(data, coding, 5, maxSize), (err: unknown) => {
    assert.ok(err instanceof DecodeError, `expected DecodeError, got ${err}`);
    assert.match(err.message, pattern);
    return true;
  });
}

// Made with the zstd command line tool: `zstd z1.txt` and `zstd --no-check -19 z1.txt`, where
// z1.txt is ZSTD_TEXT below.
const ZSTD_TEXT = Buffer.from(
  `hello zstd world, ${Array.from({ length: 200 }, (_, i) => `line ${i + 1} of the zstd fixture\n`).join('')}`,
);
const ZSTD_CHECKED = Buffer.from(
  'KLUv/WROFU0IAAJPJRiQN+mAhaYOAmDc0P/HIqWUMqW05fmuG4Cld3d3d3dmZmZmZlVVVVVVREREREQzMzMzM////79t27bdtm3bkiRJspRSSimlFN7d3d3dmZmZmZlVVVVVVRERERERzczMzMz8////tm3bdtu2bUuSJMnCs6K5C1AgCBIGh0JhSJDCQUgKgYNBAggG4igghMTAATkMozAEgMmoIfR29juwo5JWAxEkCMG/QiDR+RjOKymtFLWUtFLRSlFLJSsVrZSyaiqh0F+5PIk8eTypeHJ4MnjS7yTv5O6kO3dUvPX3/D1/r9/r9/a9fd8NqkEzKAZ1QS1oBaWgE2Sz+8XisDjGA9YtoN6rrQK0aaxi',
  'base64',
);
const ZSTD_UNCHECKED = Buffer.from(
  'KLUv/WBOFb0IAMaVLxhwS5oDQHLFAYmS+v9vT0REhMggcP/vHgs3ACgAHgBF0wslnhVNL5N4VjS9NPGsaHo58axoCkgSjIWjMEgIC2SAQEaSQ8GABASGBKKBCBaKB4IwGBJC///lcrlcLpfL5XLiWdH0kolnRdMLJp4VTS+XeFY0vVjiWdH0UolnAdd1Xdd1TdM0TdM0TdPzPM/zPM/z3Hvvvffe+///f6V5nud5nud5juM4juM4juP3fd/3fd/3bdu2bdu2bdt1XQGAyagR0PWd/Q7gpTkRJAjBv0Kg8QP2/tvfv/79899f//3233dhSU6SR7JIDskg+Uf2yB2ZQy6DOQBODcwAOGpgBsApgxkATg2KP5MJEyaeRXwD6r3uKg==',
  'base64',
);

/** The parts of a zstd frame of RLE blocks of 128 KiB of zeros: 4 input bytes per 128 KiB out. */
function zstdRleFrame(): { header: Buffer; block: Buffer; last: Buffer } {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]); // magic, no size, 128 KiB window
  const v = (131072 << 3) | (1 << 1); // size, type RLE
  const block = Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, 0]);
  const last = Buffer.from(block);
  last[0] = (last[0] as number) | 1;
  return { header, block, last };
}

describe('decodedStream: each coding', () => {
  for (const size of [1, 3, 100, 1 << 20]) {
    test(`gzip, x-gzip, deflate (zlib and raw), br, in ${size}-byte chunks`, async () => {
      assert.deepEqual(await decode(zlib.gzipSync(TEXT), 'gzip', size), TEXT);
      assert.deepEqual(await decode(zlib.gzipSync(TEXT), 'x-gzip', size), TEXT);
      assert.deepEqual(await decode(zlib.deflateSync(TEXT), 'deflate', size), TEXT);
      assert.deepEqual(await decode(zlib.deflateRawSync(TEXT), 'deflate', size), TEXT);
      assert.deepEqual(await decode(zlib.brotliCompressSync(TEXT), 'br', size), TEXT);
    });
    test(`zstd with and without checksum, two frames, in ${size}-byte chunks`, async () => {
      assert.deepEqual(await decode(ZSTD_CHECKED, 'zstd', size), ZSTD_TEXT);
      assert.deepEqual(await decode(ZSTD_UNCHECKED, 'zstd', size), ZSTD_TEXT);
      const two = Buffer.concat([ZSTD_UNCHECKED, ZSTD_CHECKED]);
      assert.deepEqual(await decode(two, 'zstd', size), Buffer.concat([ZSTD_TEXT, ZSTD_TEXT]));
    });
  }

  test('the coding name is case-insensitive and trimmed', async () => {
    assert.deepEqual(await decode(zlib.gzipSync(TEXT), ' GZip '), TEXT);
  });

  test('stacked codings are undone right to left', async () => {
    const gzThenBr = zlib.brotliCompressSync(zlib.gzipSync(TEXT));
    assert.deepEqual(await decode(gzThenBr, 'gzip, br'), TEXT);
    const three = zlib.gzipSync(zlib.deflateRawSync(zlib.brotliCompressSync(TEXT)));
    assert.deepEqual(await decode(three, 'br,deflate , gzip'), TEXT);
    assert.deepEqual(await decode(zlib.gzipSync(TEXT), 'identity, gzip'), TEXT);
  });

  test('several gzip members are one body; garbage after the first member is dropped', async () => {
    const gz = zlib.gzipSync(TEXT);
    assert.deepEqual(await decode(Buffer.concat([gz, gz]), 'gzip'), Buffer.concat([TEXT, TEXT]));
    const garbage = Buffer.concat([gz, Buffer.from('\n<html>oops')]);
    assert.deepEqual(await decode(garbage, 'gzip'), TEXT);
    const zeros = Buffer.concat([gz, Buffer.alloc(16)]);
    assert.deepEqual(await decode(zeros, 'gzip'), TEXT);
    const badSecond = Buffer.from(Buffer.concat([gz, gz]));
    badSecond[badSecond.length - 3] ^= 0xff; // the second member's length check fails
    assert.deepEqual(await decode(badSecond, 'gzip'), Buffer.concat([TEXT, TEXT]));
  });

  test('gzip headers with extra field, name, comment and header CRC', async () => {
    const deflated = zlib.deflateRawSync(TEXT);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(zlib.crc32(TEXT) >>> 0, 0);
    trailer.writeUInt32LE(TEXT.length, 4);
    const head = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3]), // FEXTRA|FNAME|FCOMMENT|FHCRC
      Buffer.from([3, 0, 1, 2, 3]),
      Buffer.from('name.txt\0comment\0'),
    ]);
    const hcrc = Buffer.alloc(2);
    hcrc.writeUInt16LE(zlib.crc32(head) & 0xffff);
    const member = Buffer.concat([head, hcrc, deflated, trailer]);
    assert.equal(gzipHeaderLength(member), head.length + 2);
    assert.deepEqual(await decode(member, 'gzip', 1), TEXT);
    const badHcrc = Buffer.from(member);
    badHcrc[head.length] ^= 1;
    await decodeFails(badHcrc, 'gzip', /header crc mismatch/);
  });

  test('identity and no coding pass the very same iterable through', () => {
    const source = chunked(TEXT, 10);
    assert.equal(decodedStream(source, undefined), source);
    assert.equal(decodedStream(source, ''), source);
    assert.equal(decodedStream(source, 'identity'), source);
  });

  test('codings that are all unknown are left undecoded, as urllib3 does', async () => {
    assert.deepEqual(await decode(TEXT, 'compress'), TEXT);
    assert.deepEqual(await decode(TEXT, 'foo, bar'), TEXT);
    assert.deepEqual(parseContentEncoding('compress'), []);
  });

  test('an empty body decodes to nothing under every coding', async () => {
    for (const coding of ['gzip', 'deflate', 'br', 'zstd', 'gzip, br']) {
      assert.equal((await decode(new Uint8Array(0), coding)).length, 0, coding);
    }
  });

  test('a body cut short gives what it decodes to (gzip, deflate, br), as urllib3', async () => {
    const gz = zlib.gzipSync(TEXT);
    const cut = await decode(gz.subarray(0, gz.length - 30), 'gzip');
    assert.ok(cut.length > 0 && cut.length < TEXT.length);
    assert.deepEqual(cut, TEXT.subarray(0, cut.length));
    const df = zlib.deflateSync(TEXT);
    const cutDf = await decode(df.subarray(0, df.length - 30), 'deflate');
    assert.deepEqual(cutDf, TEXT.subarray(0, cutDf.length));
    const br = zlib.brotliCompressSync(TEXT);
    const cutBr = await decode(br.subarray(0, br.length - 10), 'br');
    assert.deepEqual(cutBr, TEXT.subarray(0, cutBr.length));
  });

  test('ACCEPT_ENCODING lists what is decoded', () => {
    assert.equal(ACCEPT_ENCODING, 'gzip, deflate, br, zstd');
    for (const coding of ACCEPT_ENCODING.split(', ')) {
      assert.notDeepEqual(parseContentEncoding(coding), []);
    }
  });

  test('isZlibHeader tells zlib from raw deflate as zlib would', () => {
    assert.equal(isZlibHeader(zlib.deflateSync(TEXT)), true);
    assert.equal(isZlibHeader(zlib.deflateSync(TEXT, { level: 1 })), true);
    assert.equal(isZlibHeader(zlib.deflateRawSync(TEXT)), false);
    assert.equal(isZlibHeader(zlib.gzipSync(TEXT)), false);
    assert.equal(isZlibHeader(new Uint8Array([0x78, 0xbb])), false); // FDICT set
  });
});

describe('decodedStream: errors', () => {
  test('corrupt data is a DecodeError naming the coding', async () => {
    const junk = Buffer.from('this is not compressed at all');
    await decodeFails(
      junk,
      'gzip',
      /content-encoding: gzip, but failed to decode it \(gzip: incorrect header check\)/,
    );
    await decodeFails(
      junk,
      'deflate',
      /content-encoding: deflate, but failed to decode it \(deflate: /,
    );
    await decodeFails(junk, 'br', /content-encoding: br, but failed to decode it \(br: /);
    await decodeFails(junk, 'zstd', /content-encoding: zstd, but failed to decode it \(zstd: /);
    await decodeFails(zlib.gzipSync(TEXT), 'gzip, br', /content-encoding: gzip, br, .*\(br: /);
  });

  test('a bad gzip checksum or length in the first member fails', async () => {
    const gz = zlib.gzipSync(TEXT);
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 8] ^= 1;
    await decodeFails(badCrc, 'gzip', /incorrect data check/);
    const badLength = Buffer.from(gz);
    badLength[badLength.length - 4] ^= 1;
    await decodeFails(badLength, 'gzip', /incorrect length check/);
  });

  test('a corrupt deflate stream inside a gzip member fails', async () => {
    const gz = Buffer.from(zlib.gzipSync(TEXT));
    gz.fill(0xff, 20, 40);
    await decodeFails(gz, 'gzip', /gzip: /);
  });

  test('zstd cut short fails, as urllib3 says', async () => {
    await decodeFails(ZSTD_CHECKED.subarray(0, 100), 'zstd', /Zstandard data is incomplete/);
  });

  test('an unknown coding stacked with known ones fails', async () => {
    await decodeFails(zlib.gzipSync(TEXT), 'gzip, compress', /cannot decode its coding 'compress'/);
  });

  test('more than five codings in the chain fail, as urllib3', async () => {
    await decodeFails(
      TEXT,
      'gzip, gzip, gzip, gzip, gzip, gzip',
      /Too many content encodings in the chain: 6 > 5/,
    );
  });

  test('maxSize: a body over the limit fails, under every coding and identity', async () => {
    const limit = TEXT.length - 1;
    const sizeMessage = new RegExp(
      `exceeds the maximum response size of ${limit} bytes \\(maxResponseSize\\)`,
    );
    await decodeFails(TEXT, 'identity', sizeMessage, limit);
    await decodeFails(zlib.gzipSync(TEXT), 'gzip', sizeMessage, limit);
    await decodeFails(zlib.brotliCompressSync(TEXT), 'br', sizeMessage, limit);
    await decodeFails(
      Buffer.concat([ZSTD_CHECKED]),
      'zstd',
      /exceeds the maximum response size/,
      ZSTD_TEXT.length - 1,
    );
    assert.deepEqual(await decode(zlib.gzipSync(TEXT), 'gzip', 7, TEXT.length), TEXT);
  });
});

describe('decodedStream: decompression bombs stop early with little memory', () => {
  const MB = 1 << 20;
  const LIMIT = 16 * MB;

  /** Runs a bomb through decodedStream; returns the error and how many source chunks it took. */
  async function detonate(chunks: () => AsyncGenerator<Uint8Array>, coding: string) {
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let pulled = 0;
    async function* counted() {
      for await (const c of chunks()) {
        pulled++;
        yield c;
      }
    }
    let error: unknown = null;
    let decoded = 0;
    try {
      for await (const c of decodedStream(counted(), coding, { maxSize: LIMIT }))
        decoded += c.length;
    } catch (err) {
      error = err;
    }
    const growth = process.memoryUsage().rss - before;
    return { error, pulled, decoded, growth };
  }

  function assertStoppedEarly(r: Awaited<ReturnType<typeof detonate>>, maxPulled: number) {
    assert.ok(r.error instanceof DecodeError, String(r.error));
    assert.match((r.error as Error).message, /exceeds the maximum response size of 16777216 bytes/);
    assert.ok(r.decoded <= LIMIT, `handed out ${r.decoded} bytes`);
    assert.ok(r.pulled <= maxPulled, `pulled ${r.pulled} source chunks`);
    assert.ok(r.growth < 96 * MB, `rss grew by ${Math.round(r.growth / MB)} MB`);
  }

  test('one gzip member of 10 GB of zeros, fed 1 GB-worth of input per chunk', async () => {
    // Full flushes make every 1 MB of zeros compress to the same bytes, so the member is one
    // segment repeated: 10240 segments decode to 10 GB.
    const segment = await fullFlushSegment(Buffer.alloc(MB));
    const batch = Buffer.concat(Array.from({ length: 1024 }, () => segment)); // ~1 MB in, 1 GB out
    async function* bomb() {
      yield Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
      for (let i = 0; i < 10; i++) yield batch;
    }
    assertStoppedEarly(await detonate(bomb, 'gzip'), 2);
  });

  test('10 GB as 10240 concatenated gzip members of 1 MB of zeros', async () => {
    const member = zlib.gzipSync(Buffer.alloc(MB), { level: 9 });
    const batch = Buffer.concat(Array.from({ length: 64 }, () => member));
    async function* bomb() {
      for (let i = 0; i < 160; i++) yield batch;
    }
    assertStoppedEarly(await detonate(bomb, 'gzip'), 2);
  });

  test('zstd: 10 GB of RLE blocks in 320 KB', async () => {
    const { header, block, last } = zstdRleFrame();
    const batch = Buffer.concat(Array.from({ length: 8192 }, () => block)); // 32 KB in, 1 GB out
    async function* bomb() {
      yield header;
      for (let i = 0; i < 10; i++) yield batch;
      yield last;
    }
    assertStoppedEarly(await detonate(bomb, 'zstd'), 2);
  });

  test('deflate and br bombs stop at the limit too', async () => {
    const segment = await fullFlushSegment(Buffer.alloc(MB), true);
    const batch = Buffer.concat(Array.from({ length: 256 }, () => segment));
    async function* deflateBomb() {
      yield Buffer.from([0x78, 0x9c]);
      for (let i = 0; i < 40; i++) yield batch;
    }
    assertStoppedEarly(await detonate(deflateBomb, 'deflate'), 2);
    const br = zlib.brotliCompressSync(Buffer.alloc(64 * MB), {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 },
    });
    async function* brBomb() {
      yield br;
    }
    assertStoppedEarly(await detonate(brBomb, 'br'), 1);
  });

  test('without a limit, a large body streams in bounded chunks', async () => {
    const segment = await fullFlushSegment(Buffer.alloc(MB));
    async function* body() {
      yield Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
      yield Buffer.concat(Array.from({ length: 256 }, () => segment)); // 256 MB once decoded
    }
    let total = 0;
    let largest = 0;
    for await (const c of decodedStream(body(), 'gzip')) {
      total += c.length;
      largest = Math.max(largest, c.length);
    }
    assert.equal(total, 256 * MB);
    assert.ok(largest <= 64 * 1024, `largest chunk ${largest}`);
  });
});

/** Raw deflate of `data` ended by a full flush: the same bytes each time it is produced. */
async function fullFlushSegment(data: Buffer, zlibWrapped = false): Promise<Buffer> {
  const z = zlibWrapped ? zlib.createDeflate({ level: 9 }) : zlib.createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  z.on('data', (c: Buffer) => parts.push(c));
  const segment = async () => {
    parts.length = 0;
    await new Promise<void>((resolve) => {
      z.write(data, () => z.flush(zlib.constants.Z_FULL_FLUSH, () => resolve()));
    });
    return Buffer.concat(parts);
  };
  await segment(); // the first one carries the zlib header, if any
  const second = await segment();
  z.destroy();
  return second;
}
