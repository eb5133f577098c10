/**
 * Upload and download progress (shared/API.md, "Progress"). Bytes are counted where they move:
 * the request body as the connection takes each chunk, the response body as each decoded chunk is
 * handed to the caller. Nothing here runs for a request without a progress callback.
 */
import type { Timings } from '../pool/timings.js';
import type { BodyCounter, PoolBody, RawHeaders, RawResponse } from '../pool/types.js';
import type { Retry } from '../retry.js';

/** What a progress callback gets: bytes so far, and the expected count when it is known. */
export interface Progress {
  transferred: number;
  /** The expected byte count, or null when unknown; the last call always has it. */
  total: number | null;
}

/** `onUploadProgress` / `onDownloadProgress`. */
export type ProgressCallback = (progress: Progress) => void;

const MONOTONE: unique symbol = Symbol('requests-ts.progress.monotone');
type Monotone = ProgressCallback & { [MONOTONE]?: true };

/**
 * `callback` behind a filter that drops any call going backwards, or repeating the last one: a
 * body sent again (a retry, a 307 redirect) is reported only once it passes what was reported.
 * Idempotent, so every layer may call it.
 */
export function monotone(callback: ProgressCallback): ProgressCallback {
  if ((callback as Monotone)[MONOTONE]) return callback;
  let last = -1;
  let lastTotal: number | null = null;
  const filtered: Monotone = (p) => {
    if (p.transferred < last || (p.transferred === last && p.total === lastTotal)) return;
    last = p.transferred;
    lastTotal = p.total;
    callback(p);
  };
  filtered[MONOTONE] = true;
  return filtered;
}

/**
 * One send's reporter: silent once the send settled. As a BodyCounter (what a raw response's
 * `countBody` takes) it reports `total` until the body ended, then the final count as the total.
 */
export class ProgressReporter implements BodyCounter {
  settled = false;
  readonly #callback: ProgressCallback;
  readonly #total: number | null;

  constructor(callback: ProgressCallback, total: number | null = null) {
    this.#callback = monotone(callback);
    this.#total = total;
  }

  report(transferred: number, total: number | null): void {
    if (!this.settled) this.#callback({ transferred, total });
  }

  /** The size of a body handed to undici whole, reported at {@link sent}; null when sliced. */
  whole: number | null = null;

  /**
   * A body handed to undici whole was written: a try's request went (UrlopenOptions'
   * `onRequestSent`), or the response head came (undici writes a bytes body with the request
   * head, in one `socket.write`, before it reads any answer).
   */
  sent(): void {
    const whole = this.whole;
    if (whole !== null) this.report(whole, whole);
  }

  count(transferred: number, done: boolean): void {
    this.report(transferred, done ? transferred : this.#total);
  }
}

/** Slices a bytes body is handed out in, so that its upload reports as it goes. */
const UPLOAD_SLICE = 64 * 1024;

/**
 * `body` counted as the connection pulls it (a chunk is counted once the next one is asked for,
 * i.e. once it was written). Bytes and strings of more than one 64 KiB slice are handed out in
 * slices; the caller keeps Content-Length, so the framing does not change. `total` is the
 * Content-Length, else null.
 *
 * Bytes and strings of one slice at most stay as they are, on undici's fast path for them (an
 * iterable body costs a generator and undici's async writer per request): reported as 0 now and
 * whole at {@link ProgressReporter.sent}, once written. Unless `gated`: an `Expect: 100-continue` request may
 * be answered before its body goes, so only what is pulled counts.
 */
export function countedUpload(
  body: PoolBody,
  total: number | null,
  reporter: ProgressReporter,
  gated = false,
): PoolBody {
  if (body === null) return null;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (size <= UPLOAD_SLICE && !gated) {
      reporter.whole = size;
      reporter.report(0, size);
      return body;
    }
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    return countChunks(slices(bytes), total ?? size, reporter);
  }
  return countChunks(body as AsyncIterable<Uint8Array | string>, total, reporter);
}

function* slices(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += UPLOAD_SLICE) yield bytes.subarray(i, i + UPLOAD_SLICE);
}

async function* countChunks(
  source: Iterable<Uint8Array> | AsyncIterable<Uint8Array | string>,
  total: number | null,
  reporter: ProgressReporter,
): AsyncGenerator<Uint8Array> {
  let n = 0;
  reporter.report(0, total);
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    yield bytes;
    n += bytes.length;
    reporter.report(n, total);
  }
  reporter.report(n, n);
}

/**
 * The expected decoded body size: Content-Length when the body is not content-encoded (a coded
 * body's length on the wire says nothing of its decoded size), not framed by Transfer-Encoding,
 * and the response has a body.
 */
export function expectedDownload(method: string, raw: RawResponse): number | null {
  const status = raw.status;
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) return 0;
  const coding = raw.headers['content-encoding'];
  if (coding !== undefined && String(coding).trim().toLowerCase() !== 'identity') return null;
  // Transfer-Encoding frames the body: a Content-Length beside it says nothing (RFC 9112 §6.3).
  if (raw.headers['transfer-encoding'] !== undefined) return null;
  return byteCount(raw.headers['content-length']);
}

/** A Content-Length value as a number: digits only, else null. */
export function byteCount(value: string | string[] | null | undefined): number | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(value);
}

/**
 * A RawResponse whose decoded body is counted as it is handed on, for `onDownloadProgress`, for
 * a raw response that cannot count itself (no `countBody`; the pool's can). The count is of
 * decoded bytes (what `content` holds), not of bytes on the wire.
 */
export class CountedRawResponse implements RawResponse {
  readonly #raw: RawResponse;
  readonly #counter: BodyCounter;
  #stream: AsyncIterable<Uint8Array> | null = null;
  #data: Uint8Array | null = null;

  constructor(raw: RawResponse, counter: BodyCounter) {
    this.#raw = raw;
    this.#counter = counter;
  }

  get status(): number {
    return this.#raw.status;
  }
  get reason(): string {
    return this.#raw.reason;
  }
  get headers(): RawHeaders {
    return this.#raw.headers;
  }
  get url(): string {
    return this.#raw.url;
  }
  get retries(): Retry | null {
    return this.#raw.retries;
  }
  get version(): number {
    return this.#raw.version;
  }
  get data(): Uint8Array | null {
    return this.#data;
  }
  get closed(): boolean {
    return this.#raw.closed;
  }
  get timings(): Timings | undefined {
    return this.#raw.timings;
  }

  stream(): AsyncIterable<Uint8Array> {
    this.#stream ??= this.#counted();
    return this.#stream;
  }

  async *#counted(): AsyncGenerator<Uint8Array> {
    let n = 0;
    for await (const chunk of this.#raw.stream()) {
      n += chunk.length;
      this.#counter.count(n, false);
      yield chunk;
    }
    this.#counter.count(n, true);
  }

  async read(): Promise<Uint8Array> {
    if (this.#data !== null) return this.#data;
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.stream()) chunks.push(chunk);
    this.#data = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
    return this.#data;
  }

  drain(): Promise<void> {
    return this.#raw.drain();
  }

  close(): void {
    this.#raw.close();
  }
}
