/**
 * Content-Encoding decoding of a response body (urllib3's `ContentDecoder`s), as a pull-driven
 * async iterable: each coding is a stage that only decodes when the next one asks for bytes, and
 * every stage hands out bounded chunks, so a tiny body that decodes to gigabytes never sits in
 * memory. Identity bodies without a size limit pass through untouched.
 */
import zlib from 'node:zlib';
import { fzstdModule } from '../_internal/optional.js';
import { DecodeError } from '../_internal/pool-errors.js';
import { gunzipMembers } from './gzip-members.js';
import {
  CHUNK_SIZE,
  concat,
  decodeError,
  INFLATE_OPTIONS,
  ZlibPump,
  type ZlibStream,
} from './zlib-pump.js';

/**
 * The codings we decode, for the default `Accept-Encoding` request header.
 * @default 'gzip, deflate, br, zstd'
 */
export const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/** Options of {@link decodedStream}. */
export interface DecodeOptions {
  /**
   * Largest decoded body accepted, in bytes; past it the iteration fails with DecodeError before
   * the extra bytes are held. `null`/`undefined`: no limit.
   */
  maxSize?: number | null | undefined;
}

type Source = AsyncIterable<Uint8Array>;
type Coding = 'gzip' | 'deflate' | 'br' | 'zstd';

/** urllib3's `MultiDecoder.max_decode_links`. */
const MAX_DECODE_LINKS = 5;
/**
 * Input slice fed to fzstd per step. fzstd emits whole blocks synchronously; an RLE block of 4
 * input bytes can stand for 128 KiB, so small slices keep one step's output small.
 */
const ZSTD_SLICE = 256;

const KNOWN: Readonly<Record<string, Coding>> = {
  gzip: 'gzip',
  'x-gzip': 'gzip', // RFC 9110 section 8.4.1.3: x-gzip is gzip
  deflate: 'deflate',
  br: 'br',
  zstd: 'zstd',
};

/**
 * The decoded body of a response whose `Content-Encoding` is `contentEncoding`.
 *
 * Stacked codings (`gzip, br`) are undone right to left. Like urllib3, a body whose codings are
 * all unknown is passed on undecoded; an unknown coding stacked with known ones, corrupt data or
 * more than `maxSize` decoded bytes fail the iteration with DecodeError. Like urllib3, gzip,
 * deflate and br bodies that stop short are given as far as they decode; zstd ones fail.
 *
 * @example
 * for await (const chunk of decodedStream(body, res.headers['content-encoding'], { maxSize: 1e9 })) ...
 */
export function decodedStream(
  source: Source,
  contentEncoding: string | undefined,
  options: DecodeOptions = {},
): Source {
  const maxSize = options.maxSize ?? null;
  if (!contentEncoding && maxSize === null) return source; // the hot path: nothing to do
  let codings: Coding[];
  try {
    codings = parseContentEncoding(contentEncoding ?? '');
  } catch (err) {
    return failing(source, err);
  }
  const header = (contentEncoding ?? '').trim().toLowerCase();
  let out = source;
  for (let i = codings.length - 1; i >= 0; i--) {
    out = decodeStage(codings[i] as Coding, out, header, i === 0 ? maxSize : null);
  }
  return maxSize === null ? out : limited(out, maxSize);
}

/**
 * The codings to undo, in the order they were applied, as urllib3's `_init_decoder` chooses
 * them: `identity` entries are dropped; a list with no known coding is left undecoded.
 */
export function parseContentEncoding(value: string): Coding[] {
  const entries = value
    .toLowerCase()
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (!entries.some((e) => e in KNOWN)) return [];
  if (entries.length > MAX_DECODE_LINKS) {
    throw new DecodeError(
      `Too many content encodings in the chain: ${entries.length} > ${MAX_DECODE_LINKS}`,
    );
  }
  const codings: Coding[] = [];
  for (const e of entries) {
    if (e === 'identity') continue;
    const coding = KNOWN[e];
    if (coding === undefined) {
      throw new DecodeError(
        `Received response with content-encoding: ${value}, but cannot decode its coding ` +
          `'${e}' (we decode ${ACCEPT_ENCODING})`,
      );
    }
    codings.push(coding);
  }
  return codings;
}

function decodeStage(coding: Coding, source: Source, header: string, limit: number | null) {
  switch (coding) {
    case 'gzip':
      return gunzipMembers(source, header);
    case 'deflate':
      return inflateAuto(source, header);
    case 'br':
      return pumpAll(source, newBrotli(), 'br', header);
    case 'zstd':
      return zstdStage(source, header, limit);
  }
}

/** Fails on the first `next()`, releasing the source. */
function failing(source: Source, err: unknown): Source {
  return {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<Uint8Array>> {
        await source[Symbol.asyncIterator]().return?.();
        throw err;
      },
    }),
  };
}

/** The DecodeError of a body that grew past `maxSize`. */
export function sizeError(maxSize: number): DecodeError {
  return new DecodeError(
    `Response body exceeds the maximum response size of ${maxSize} bytes (maxResponseSize) once ` +
      'decoded; raise maxResponseSize, or set it to null for no limit',
  );
}

async function* limited(source: Source, maxSize: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of source) {
    seen += chunk.length;
    if (seen > maxSize) throw sizeError(maxSize);
    yield chunk;
  }
}

// ---------------------------------------------------------------------------------------------
// deflate and br through node:zlib

function newBrotli(): zlib.BrotliDecompress {
  return zlib.createBrotliDecompress({
    chunkSize: CHUNK_SIZE,
    finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
  });
}

async function* pumpAll(source: Source, z: ZlibStream, coding: string, header: string) {
  const pump = new ZlibPump(z, coding, header);
  try {
    for await (const chunk of source) if (chunk.length > 0) yield* pump.write(chunk);
    yield* pump.end();
  } finally {
    pump.destroy();
  }
}

/**
 * True when `head` starts a zlib (RFC 1950) stream as zlib's inflate would accept it: deflate
 * method, window <= 32 KiB, header checksum, no preset dictionary.
 */
export function isZlibHeader(head: Uint8Array): boolean {
  const cmf = head[0] ?? 0;
  const flg = head[1] ?? 0;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && !(flg & 0x20);
}

/**
 * `deflate`: servers send either a zlib stream (RFC 9110) or a raw deflate one. urllib3's
 * DeflateDecoder tries zlib and falls back to raw when zlib refuses the start; zlib refuses it
 * on its two header bytes, which is the test made here.
 */
async function* inflateAuto(source: Source, header: string): AsyncGenerator<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0);
  let pump: ZlibPump | null = null;
  try {
    for await (const chunk of source) {
      if (pump) {
        if (chunk.length > 0) yield* pump.write(chunk);
        continue;
      }
      head = concat(head, chunk);
      if (head.length < 2) continue;
      const z = isZlibHeader(head)
        ? zlib.createInflate(INFLATE_OPTIONS)
        : zlib.createInflateRaw(INFLATE_OPTIONS);
      pump = new ZlibPump(z, 'deflate', header);
      yield* pump.write(head);
    }
    // Fewer than two bytes in all: Python's zlib gives nothing and no error.
    if (pump) yield* pump.end();
  } finally {
    pump?.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// gzip: members framed here, their deflate data inflated by node:zlib

// ---------------------------------------------------------------------------------------------
// zstd: node:zlib's decoder on Node 24+, else fzstd

type ZstdFactory = (options: object) => ZlibStream;
// Node 22's decoder (experimental there) fails on bodies of several frames: native from 24 only.
const nativeZstd =
  Number(process.versions.node.split('.')[0]) >= 24
    ? (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress
    : undefined;

function zstdStage(source: Source, header: string, limit: number | null): Source {
  return nativeZstd
    ? nativeZstdFrames(source, nativeZstd, header)
    : fzstdFrames(source, header, limit);
}

/**
 * zstd through node:zlib. The decoder is made on the first byte: an empty body decodes to
 * nothing (as urllib3 and fzstd have it), where Node's decoder, ended without input, fails.
 */
async function* nativeZstdFrames(source: Source, make: ZstdFactory, header: string) {
  let pump: ZlibPump | null = null;
  try {
    for await (const chunk of source) {
      if (chunk.length === 0) continue;
      pump ??= new ZlibPump(make({ chunkSize: CHUNK_SIZE }), 'zstd', header);
      yield* pump.write(chunk);
    }
    if (pump) yield* pump.end();
  } catch (err) {
    // zlib's "unexpected end of file" is urllib3's (and fzstd's path's) "incomplete" message.
    const cause = err instanceof DecodeError ? (err.cause as { code?: unknown }) : undefined;
    if (cause?.code !== 'Z_BUF_ERROR') throw err;
    throw decodeError(header, 'zstd', new Error('Zstandard data is incomplete'));
  } finally {
    pump?.destroy();
  }
}

/**
 * zstd through fzstd's streaming decoder, fed small slices so one step's output stays small;
 * when this is the last stage, `limit` stops it inside a step, before the blocks are kept.
 */
async function* fzstdFrames(source: Source, header: string, limit: number | null) {
  const ready: Uint8Array[] = [];
  let total = 0;
  const decoder = new (fzstdModule().Decompress)((data) => {
    if (data.length === 0) return;
    total += data.length;
    if (limit !== null && total > limit) throw sizeError(limit);
    ready.push(data);
  });
  const push = (slice: Uint8Array, final: boolean) => {
    try {
      decoder.push(slice, final);
    } catch (err) {
      if (err instanceof DecodeError) throw err;
      const incomplete = final && (err as { code?: unknown }).code === 5;
      throw decodeError(
        header,
        'zstd',
        incomplete ? new Error('Zstandard data is incomplete') : err,
      );
    }
  };
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length; at += ZSTD_SLICE) {
      push(chunk.subarray(at, at + ZSTD_SLICE), false);
      while (ready.length > 0) yield ready.shift() as Uint8Array;
    }
  }
  push(new Uint8Array(0), true);
  while (ready.length > 0) yield ready.shift() as Uint8Array;
}
