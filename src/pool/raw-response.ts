/**
 * The pool's response (urllib3's `HTTPResponse`): status and headers at once, the body as it
 * arrives. Body chunks wait in a small queue; past {@link HIGH_WATER_MARK} bytes the socket is
 * paused until the reader catches up, so a slow reader never holds more than that.
 */
import type { Retry } from '../retry.js';
import { decodedStream } from './decoders.js';
import { now, type Timings, unmeasured } from './timings.js';
import type { BodyCounter, RawHeaders, RawResponse } from './types.js';
import { asPoolError, type ErrorContext } from './undici-errors.js';

/** Bytes queued before the socket is paused. */
const HIGH_WATER_MARK = 64 * 1024;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const EMPTY = new Uint8Array(0);

/** What a response needs from the request that produced it. */
export interface ResponseSource extends ErrorContext {
  /** Stops the transfer: the connection is closed, not reused. */
  cancel(): void;
  /** Lets a paused transfer go on. */
  resume(): void;
  /** The timings of the request, its body read to the end at `doneAt` (-1: not yet). */
  timings?(doneAt: number): Timings;
}

/** Body options fixed when the call was made. */
export interface BodyOptions {
  readonly decodeContent: boolean;
  readonly maxSize: number | null;
}

/** Body states. */
const OPEN = 0;
const ENDED = 1;
const FAILED = 2;
const CLOSED = 3;

/** A response whose body is fed by the pool and read by the caller once. */
export class PoolResponse implements RawResponse, AsyncIterator<Uint8Array> {
  readonly status: number;
  readonly reason: string;
  readonly headers: RawHeaders;
  /** HTTP version: 11, or 20 over HTTP/2. */
  readonly version: number;
  retries: Retry | null = null;
  data: Uint8Array | null = null;

  #source: ResponseSource;
  #options: BodyOptions;
  #queue: Buffer[] = [];
  #queued = 0;
  #paused = false;
  #state: number = OPEN;
  #error: unknown = null;
  #waiting: {
    resolve: (r: IteratorResult<Uint8Array>) => void;
    reject: (e: unknown) => void;
  } | null = null;
  #stream: AsyncIterable<Uint8Array> | null = null;
  #decoded: AsyncIterable<Uint8Array> | null = null;
  /** Told the decoded count as chunks are handed on (countBody), else null: no cost. */
  #counter: BodyCounter | null = null;
  #handedOn = 0;
  /** When the reader got to the end of the body (-1: not yet). */
  #doneAt = -1;
  #timings: Timings | null = null;

  constructor(
    source: ResponseSource,
    options: BodyOptions,
    status: number,
    reason: string,
    headers: RawHeaders,
    version = 11,
  ) {
    this.#source = source;
    this.#options = options;
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.version = version;
  }

  /** The URL that was requested (absolute, without credentials). */
  get url(): string {
    return this.#source.url;
  }

  /**
   * Where the time went (pool/timings.ts), computed when first read; `download` and `total`
   * stay null until the body has been read to its end.
   */
  get timings(): Timings {
    if (this.#timings !== null) return this.#timings;
    const doneAt = this.#doneAt;
    const timings = this.#source.timings?.(doneAt) ?? unmeasured(null);
    if (doneAt >= 0) this.#timings = timings;
    return timings;
  }

  /** True once the body was read to its end, failed, or the response was closed. */
  get closed(): boolean {
    return this.#state !== OPEN && this.#queue.length === 0;
  }

  // ---- fed by the pool ----

  /** A body chunk arrived; false asks the pool to pause the socket. */
  push(chunk: Buffer): boolean {
    if (this.#state !== OPEN) return true;
    const waiting = this.#waiting;
    if (waiting !== null) {
      this.#waiting = null;
      waiting.resolve({ value: chunk, done: false });
      return true;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued < HIGH_WATER_MARK) return true;
    this.#paused = true;
    return false;
  }

  /** The body ended cleanly. */
  end(): void {
    if (this.#state !== OPEN) return;
    this.#state = ENDED;
    this.#wake();
  }

  /** The body failed with `err`, a pool error. */
  fail(err: unknown): void {
    if (this.#state !== OPEN) return;
    this.#state = FAILED;
    this.#error = err;
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiting;
    if (waiting === null) return;
    this.#waiting = null;
    if (this.#state === FAILED) waiting.reject(this.#error);
    else {
      if (this.#state === ENDED) this.#doneAt = now(); // the reader was waiting: it has it all
      waiting.resolve(DONE);
    }
  }

  // ---- the raw body, as an async iterator ----

  /** The next raw (undecoded) body chunk. */
  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#queue.length > 0) {
      const chunk = this.#queue.shift()!;
      this.#queued -= chunk.length;
      if (this.#paused && this.#queued < HIGH_WATER_MARK) {
        this.#paused = false;
        this.#source.resume();
      }
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#state === FAILED) return Promise.reject(this.#error);
    if (this.#state !== OPEN) {
      if (this.#state === ENDED && this.#doneAt < 0) this.#doneAt = now();
      return Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** Leaving a `for await` early closes the response. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.close();
    return Promise.resolve(DONE);
  }

  /** `for await (const chunk of raw)`: the body's chunks as they arrive. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  // ---- RawResponse ----

  /**
   * Decoded body chunks as they arrive. Every call gives the same stream, so a read that stopped
   * part-way goes on where it stopped; leaving a `for await` early closes the response.
   */
  stream(): AsyncIterable<Uint8Array> {
    if (this.#stream !== null) return this.#stream;
    const decoded = this.#decodedStream();
    const counter = this.#counter;
    this.#stream = counter === null ? decoded : this.#countedStream(decoded, counter);
    return this.#stream;
  }

  /** The decoded chunks: this response itself for an identity body without a size limit. */
  #decodedStream(): AsyncIterable<Uint8Array> {
    if (this.#decoded !== null) return this.#decoded;
    const { decodeContent, maxSize } = this.#options;
    const encoding = decodeContent ? headerString(this.headers['content-encoding']) : undefined;
    this.#decoded =
      encoding === undefined && maxSize === null
        ? this
        : this.#guarded(decodedStream(this, encoding, { maxSize }));
    return this.#decoded;
  }

  /**
   * Reports the decoded byte count to `counter` as `read()` and `stream()` hand chunks on: each
   * chunk before it is handed on, and `done` once the body ended. Set before the body is read.
   */
  countBody(counter: BodyCounter): void {
    this.#counter = counter;
  }

  async *#countedStream(
    source: AsyncIterable<Uint8Array>,
    counter: BodyCounter,
  ): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      counter.count((this.#handedOn += chunk.length), false);
      yield chunk;
    }
    counter.count(this.#handedOn, true);
  }

  /** Errors out of the decoders go through the same table as the rest. */
  async *#guarded(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      yield* source;
    } catch (err) {
      throw asPoolError(err, this.#source);
    }
  }

  /**
   * Reads the rest of the body, decoded, and keeps it as `data`; empty bytes once the body was
   * read, as urllib3's `read()` after the content was consumed (`data` still holds it).
   */
  async read(): Promise<Uint8Array> {
    if (this.data !== null) return EMPTY;
    const counter = this.#counter;
    const source = this.#decodedStream(); // stream() without the counting: counted here
    if (source === this && this.#state === ENDED) return this.#takeWhole();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of source) {
      chunks.push(chunk);
      size += chunk.length;
      counter?.count((this.#handedOn += chunk.length), false);
    }
    counter?.count(this.#handedOn, true);
    const data =
      chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : concat(chunks, size);
    this.data = data;
    return data;
  }

  /**
   * `read()` when it has nothing to wait for: the whole body arrived and needs no decoding or
   * size check (the common case of a small body, there with the headers), taken and kept as
   * `data` without a promise; else null (and nothing is read).
   */
  readNow(): Uint8Array | null {
    if (this.data !== null || this.#state !== ENDED || this.#decodedStream() !== this) return null;
    return this.#takeWhole();
  }

  #takeWhole(): Uint8Array {
    const whole = this.#takeQueued();
    this.#counter?.count((this.#handedOn += whole.length), true);
    return whole;
  }

  /** The common case: the whole (identity) body arrived with the headers; no promise per chunk. */
  #takeQueued(): Uint8Array {
    const queue = this.#queue;
    const data =
      queue.length === 1 ? queue[0]! : queue.length === 0 ? EMPTY : concat(queue, this.#queued);
    this.#queue = [];
    this.#queued = 0;
    this.#doneAt = now();
    this.data = data;
    return data;
  }

  /** Reads and discards the rest, undecoded, so the connection can be reused. */
  async drain(): Promise<void> {
    while (!(await this.next()).done) {
      // discard
    }
  }

  /** Stops reading; an unfinished transfer closes its connection. */
  close(): void {
    this.#queue.length = 0;
    this.#queued = 0;
    if (this.#state !== OPEN) return;
    this.#state = CLOSED;
    this.#wake();
    this.#source.cancel();
  }
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  return Buffer.concat(chunks, size);
}
