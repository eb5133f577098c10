/**
 * gzip content decoding with urllib3's tolerance: members are framed here (RFC 1952), their
 * deflate data inflated by node:zlib, so that garbage after a complete member can be dropped
 * where node:zlib's gunzip would fail.
 */
import zlib from 'node:zlib';
import { DecodeError } from '../_internal/pool-errors.js';
import { concat, decodeError, INFLATE_OPTIONS, ZlibPump } from './zlib-pump.js';

/** A gzip header longer than this is refused rather than buffered without end. */
const MAX_GZIP_HEADER = 1024 * 1024;

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

/** The gzip stage of `decodedStream`; `header` is the Content-Encoding value, for messages. */
export async function* gunzipMembers(
  source: AsyncIterable<Uint8Array>,
  header: string,
): AsyncGenerator<Uint8Array> {
  const gz = new GzipMembers(header);
  try {
    for await (const chunk of source) yield* gz.push(chunk);
    yield* gz.finish();
  } finally {
    gz.destroy();
  }
}
