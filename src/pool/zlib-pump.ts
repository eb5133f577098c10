/**
 * Drives node:zlib decompressors one input chunk at a time for the content decoders, and words
 * their failures as urllib3 does.
 */
import zlib from 'node:zlib';
import { DecodeError } from '../_internal/pool-errors.js';

/** Output chunk of the zlib streams. */
export const CHUNK_SIZE = 64 * 1024;

// urllib3 (Python's zlib) returns what a cut-short body decoded to without complaint.
export const INFLATE_OPTIONS = { chunkSize: CHUNK_SIZE, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/** The DecodeError of a coding that failed, worded as urllib3's. */
export function decodeError(header: string, coding: string, cause: unknown): DecodeError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DecodeError(
    `Received response with content-encoding: ${header}, but failed to decode it (${coding}: ${reason})`,
    { cause },
  );
}

/** `a` then `b`, without a copy when `a` is empty. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export type ZlibStream = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

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
