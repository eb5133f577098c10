/**
 * Content-Encoding decoding of a response body (urllib3's `ContentDecoder`s), as a pull-driven
 * async iterable: each coding is a stage that only decodes when the next one asks for bytes, and
 * every stage hands out bounded chunks, so a tiny body that decodes to gigabytes never sits in
 * memory. Identity bodies without a size limit pass through untouched.
 */
import zlib from 'node:zlib';
import { Decompress as ZstdStreamDecompress } from 'fzstd';
import { DecodeError } from '../_internal/pool-errors.js';

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
/** Output chunk of the zlib streams. */
const CHUNK_SIZE = 64 * 1024;
/** A gzip header longer than this is refused rather than buffered without end. */
const MAX_GZIP_HEADER = 1024 * 1024;
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

/** The DecodeError of a coding that failed, worded as urllib3's. */
function decodeError(header: string, coding: string, cause: unknown): DecodeError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DecodeError(
    `Received response with content-encoding: ${header}, but failed to decode it (${coding}: ${reason})`,
    { cause },
  );
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

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// node:zlib streams, driven one input chunk at a time

type ZlibStream = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/**
 * Feeds a node:zlib stream one chunk at a time and hands out its output as it is read. The
 * stream respects backpressure, so however much one chunk decodes to, no more than the stream's
 * buffer is held before the reader takes it.
 */
export class ZlibPump {
  readonly #z: ZlibStream;
  readonly #coding: string;
  readonly #header: string;
  #error: Error | null = null;
  #ended = false;
  #wake: (() => void) | null = null;

  constructor(z: ZlibStream, coding: string, header: string) {
    this.#z = z;
    this.#coding = coding;
    this.#header = header;
    const wake = () => this.#notify();
    z.on('readable', wake);
    z.on('end', () => {
      this.#ended = true;
      wake();
    });
    z.on('error', (err: Error) => {
      this.#error ??= err;
      wake();
    });
  }

  /** Input bytes the decompressor consumed; less than written once its stream has ended. */
  get bytesWritten(): number {
    return this.#z.bytesWritten;
  }

  /** Decodes `chunk`, yielding the output until all of it is consumed. */
  write(chunk: Uint8Array): AsyncGenerator<Buffer> {
    const state = { done: false };
    this.#z.write(chunk, () => {
      state.done = true;
      this.#notify();
    });
    return this.#drain(() => state.done);
  }

  /** Ends the input, yielding what is left. */
  end(): AsyncGenerator<Buffer> {
    this.#z.end();
    return this.#drain(() => this.#ended);
  }

  destroy(): void {
    this.#z.destroy();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async *#drain(done: () => boolean): AsyncGenerator<Buffer> {
    for (;;) {
      let out: Buffer | null = this.#z.read();
      for (; out !== null; out = this.#z.read()) yield out;
      if (this.#error) throw decodeError(this.#header, this.#coding, this.#error);
      // Nothing runs between the read loop and this check, so all output of a finished step
      // was already read.
      if (done()) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

// urllib3 (Python's zlib) returns what a cut-short body decoded to without complaint.
const INFLATE_OPTIONS = { chunkSize: CHUNK_SIZE, finishFlush: zlib.constants.Z_SYNC_FLUSH };

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

/**
 * Length of the gzip member header at the start of `buf` (RFC 1952 section 2.3), 0 when more
 * bytes are needed. Throws the message zlib gives for a bad header.
 */
export function gzipHeaderLength(buf: Uint8Array): number {
  const n = buf.length;
  if (n >= 1 && buf[0] !== 0x1f) throw new Error('incorrect header check');
  if (n >= 2 && buf[1] !== 0x8b) throw new Error('incorrect header check');
  if (n >= 3 && buf[2] !== 8) throw new Error('unknown compression method');
  if (n >= 4 && ((buf[3] as number) & 0xe0) !== 0) throw new Error('unknown header flags set');
  if (n < 10) return 0;
  const flags = buf[3] as number;
  let p = 10;
  if (flags & 0x04) {
    if (n < p + 2) return 0;
    p += 2 + ((buf[p] as number) | ((buf[p + 1] as number) << 8));
    if (n < p) return 0;
  }
  for (const bit of [0x08, 0x10]) {
    if (!(flags & bit)) continue;
    const zero = buf.indexOf(0, p);
    if (zero === -1) return 0;
    p = zero + 1;
  }
  if (flags & 0x02) {
    if (n < p + 2) return 0;
    const stored = (buf[p] as number) | ((buf[p + 1] as number) << 8);
    if ((zlib.crc32(buf.subarray(0, p)) & 0xffff) !== stored) {
      throw new Error('header crc mismatch');
    }
    p += 2;
  }
  return p;
}

function readUint32LE(buf: Uint8Array, at: number): number {
  return (
    ((buf[at] as number) |
      ((buf[at + 1] as number) << 8) |
      ((buf[at + 2] as number) << 16) |
      ((buf[at + 3] as number) << 24)) >>>
    0
  );
}

/**
 * gzip as urllib3's GzipDecoder reads it: members follow one another; an error in the first
 * member is a DecodeError, while anything wrong after the first member is dropped as trailing
 * garbage (as other gzip clients do). Members are framed here because node:zlib's gunzip fails
 * on such garbage.
 */
class GzipMembers {
  readonly #header: string;
  #state: 'header' | 'body' | 'trailer' | 'swallow' = 'header';
  #pending: Uint8Array = new Uint8Array(0);
  #member = 0;
  #pump: ZlibPump | null = null;
  #fed = 0;
  #crc = 0;
  #size = 0;

  constructor(header: string) {
    this.#header = header;
  }

  async *push(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
    if (this.#state === 'swallow' || chunk.length === 0) return;
    this.#pending = concat(this.#pending, chunk);
    try {
      while (this.#pending.length > 0) {
        if (this.#state === 'header' && !this.#readHeader()) return;
        if (this.#state === 'body') yield* this.#inflate();
        if (this.#state === 'trailer' && !this.#readTrailer()) return;
      }
    } catch (err) {
      this.#fail(err);
    }
  }

  /** The input ended: a member cut short ends the body quietly, as with Python's zlib. */
  async *finish(): AsyncGenerator<Uint8Array> {
    if (this.#state !== 'body' || !this.#pump) return;
    try {
      for await (const out of this.#pump.end()) yield this.#count(out);
    } catch (err) {
      this.#fail(err);
    }
  }

  destroy(): void {
    this.#pump?.destroy();
    this.#pump = null;
  }

  #fail(err: unknown): void {
    if (this.#member === 0) {
      throw err instanceof DecodeError ? err : decodeError(this.#header, 'gzip', err);
    }
    this.destroy();
    this.#state = 'swallow'; // trailing garbage after a complete member
    this.#pending = new Uint8Array(0);
  }

  #readHeader(): boolean {
    const length = gzipHeaderLength(this.#pending);
    if (length === 0) {
      if (this.#pending.length > MAX_GZIP_HEADER) throw new Error('gzip header too long');
      return false;
    }
    this.#pending = this.#pending.subarray(length);
    this.#pump = new ZlibPump(zlib.createInflateRaw(INFLATE_OPTIONS), 'gzip', this.#header);
    this.#fed = 0;
    this.#crc = 0;
    this.#size = 0;
    this.#state = 'body';
    return true;
  }

  async *#inflate(): AsyncGenerator<Uint8Array> {
    const pump = this.#pump as ZlibPump;
    const data = this.#pending;
    this.#pending = new Uint8Array(0);
    this.#fed += data.length;
    for await (const out of pump.write(data)) yield this.#count(out);
    // A raw inflater stops consuming at the end of its deflate stream: what is left over is the
    // member's trailer and whatever follows it.
    const unused = this.#fed - pump.bytesWritten;
    if (unused > 0) {
      this.#pending = data.subarray(data.length - unused);
      pump.destroy();
      this.#pump = null;
      this.#state = 'trailer';
    }
  }

  #count(out: Uint8Array): Uint8Array {
    this.#crc = zlib.crc32(out, this.#crc);
    this.#size += out.length;
    return out;
  }

  #readTrailer(): boolean {
    if (this.#pending.length < 8) return false;
    if (readUint32LE(this.#pending, 0) !== this.#crc >>> 0) {
      throw new Error('incorrect data check');
    }
    if (readUint32LE(this.#pending, 4) !== this.#size % 2 ** 32) {
      throw new Error('incorrect length check');
    }
    this.#pending = this.#pending.subarray(8);
    this.#member += 1;
    this.#state = 'header';
    return true;
  }
}

async function* gunzipMembers(source: Source, header: string): AsyncGenerator<Uint8Array> {
  const gz = new GzipMembers(header);
  try {
    for await (const chunk of source) yield* gz.push(chunk);
    yield* gz.finish();
  } finally {
    gz.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// zstd: node:zlib's decoder where Node has one (22.15+), else fzstd

type ZstdFactory = (options: object) => ZlibStream;
const nativeZstd = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;

function zstdStage(source: Source, header: string, limit: number | null): Source {
  if (nativeZstd) return pumpAll(source, nativeZstd({ chunkSize: CHUNK_SIZE }), 'zstd', header);
  return fzstdFrames(source, header, limit);
}

/**
 * zstd through fzstd's streaming decoder, fed small slices so one step's output stays small;
 * when this is the last stage, `limit` stops it inside a step, before the blocks are kept.
 */
async function* fzstdFrames(source: Source, header: string, limit: number | null) {
  const ready: Uint8Array[] = [];
  let total = 0;
  const decoder = new ZstdStreamDecompress((data) => {
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
