/**
 * requests' `Response`: the status, headers and body of an answer, with the body's text, JSON,
 * chunks and lines. A response asked for with `stream: true` keeps its body on the wire until it
 * is iterated or `await read()`; any other one was read whole before it was handed out.
 */

import { redactUrl } from '../_internal/redact.js';
import { RequestsCookieJar } from '../cookies.js';
import { translatePoolError } from '../error-table.js';
import { HTTPError, JSONDecodeError, StreamConsumedError } from '../errors.js';
import { type Timings, unmeasured } from '../pool/timings.js';
import type { RawHeaders, RawResponse } from '../pool/types.js';
import { CaseInsensitiveDict } from '../structures.js';
import {
  apparentEncoding,
  decodeBytes,
  getEncodingFromHeaders,
  getIncrementalDecoder,
  guessJsonUtf,
} from '../utils/encoding.js';
import { JsonSyntaxError, parseJson } from '../utils/json.js';
import { type HeaderLink, parseHeaderLinks, setEntry } from '../utils/links.js';
import { eventsOf, type ServerSentEvent } from './event-stream.js';
import type { PreparedRequest } from './prepared-request.js';
import { type ChunkSource, iterLinesOf, type Piece, Pieces, slices } from './response-lines.js';
import { installResponseView } from './views.js';

/** What a response knows of the adapter that produced it (requests' `connection`). */
export interface ResponseConnection {
  send(request: PreparedRequest, options?: object): Promise<Response>;
}

/** Options of {@link Response.iterContent}. */
export interface IterContentOptions {
  /** Bytes per chunk; null: chunks as they arrive (all at once once read). @default 1 */
  chunkSize?: number | null | undefined;
  /** Decode with `encoding`; chunks stay bytes when `encoding` is null, as in requests. @default false */
  decodeUnicode?: boolean | undefined;
}

/** Options of {@link Response.iterLines}. */
export interface IterLinesOptions extends IterContentOptions {
  /** Read size. @default 512 */
  chunkSize?: number | null | undefined;
  /** Split on this instead of line breaks: a string when decoding, bytes otherwise. */
  delimiter?: string | Uint8Array | null | undefined;
}

const EMPTY = new Uint8Array(0);
/** requests' `None` content of a bare Response, behind the ergonomic declared type (see `content`). */
const NO_CONTENT = null as unknown as Uint8Array;
const REDIRECT_STATI: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const NOT_READ =
  'The body of this response has not been read: it was requested with `stream: true`. ' +
  'Call `await response.read()` first (then `content`, `text` and `json()` work), or iterate it ' +
  'with `iterContent()` / `iterLines()`.';

// Set by Response's static block: the body when it is at hand (see bodyAtHand below), and read()
// when it needs no I/O (see readAtOnce below).
let loadedOf: (response: Response) => Uint8Array | null;
let readNowOf: (response: Response) => boolean;

/**
 * A server's response to a request.
 * @example
 * const r = await requests.get('https://example.org/api');
 * r.raiseForStatus();
 * const data = r.json<{ items: string[] }>();
 */
export class Response {
  /** Status code, e.g. 404. */
  statusCode = 0;
  /** Reason phrase, e.g. 'Not Found'. */
  reason = '';
  /** The final URL of the response. */
  url = '';
  // Read from the headers on first use (requests sets it in build_response) unless set before.
  #encoding: string | null | undefined = undefined;
  /** The pool's response, for advanced use. */
  raw: RawResponse | null = null;
  /** The request this answers. */
  request: PreparedRequest | null = null;
  /** The redirect responses that led here, oldest first. */
  history: Response[] = [];
  /** Milliseconds from sending the request to parsing the headers. */
  elapsed = 0;
  /** The adapter that produced this response. */
  connection: ResponseConnection | null = null;
  /** The next request of a redirect chain not followed (`allowRedirects: false`). */
  next: PreparedRequest | null = null;
  /** Ours: true when a CacheAdapter answered from its store (after revalidation too). */
  fromCache = false;

  // Made on first use: most responses never need them.
  #headers: CaseInsensitiveDict<string> | null = null;
  #cookies: RequestsCookieJar | null = null;
  #content: Uint8Array | null = null;

  static {
    loadedOf = (response) => (#content in response ? response.#loaded() : null);
    readNowOf = (response) => #content in response && response.#readNow();
  }
  /** The body was read to its end by an iteration, or is held in #content. */
  #consumed = false;
  #body: AsyncIterator<Uint8Array> | null = null;
  /** The iteration of the body off the wire, which may hold bytes taken and not handed out. */
  #pieces: Pieces | null = null;
  #reading: Promise<Uint8Array> | null = null;
  #text: { encoding: string | null; value: string } | null = null;
  #apparent: string | null | undefined = undefined;

  /** Header dict of `raw` headers: repeated headers joined with ', ', as urllib3 does. */
  static headersFromRaw(raw: RawHeaders): CaseInsensitiveDict<string> {
    const headers = new CaseInsensitiveDict<string>();
    for (const name of Object.keys(raw)) {
      const value = raw[name];
      if (value !== undefined)
        headers.set(name, typeof value === 'string' ? value : value.join(', '));
    }
    return headers;
  }

  /**
   * Ours: where the time of this response went, in ms: `{ queued, dns, connect, tls, request,
   * firstByte, download, total, reused }`, `null` for a phase that did not happen (`dns` for an
   * IP address; `dns`, `connect` and `tls` on a reused connection). Measured on one monotonic
   * clock where each phase happens; computed when read, so it costs nothing unless read. A
   * `stream: true` response has `download` and `total` null until its body was read to the end.
   * Each response of `history` has its own; with retries, they are those of the last try.
   * Responses that never went over the wire (MockAdapter, a CacheAdapter answering from its
   * store) report every phase null, `reused: false`, and `total` the time to answer.
   * @example
   * const r = await requests.get(url);
   * console.log(r.timings.firstByte, r.timings.reused);
   */
  get timings(): Timings {
    return this.raw?.timings ?? unmeasured(null);
  }

  /** Case-insensitive response headers (built from `raw` on first use). */
  get headers(): CaseInsensitiveDict<string> {
    this.#headers ??= this.raw
      ? Response.headersFromRaw(this.raw.headers)
      : new CaseInsensitiveDict<string>();
    return this.#headers;
  }

  /**
   * The encoding `text` decodes with: the charset of Content-Type (with requests' defaults for
   * text/* and JSON) unless set; null lets `apparentEncoding` decide. Settable.
   */
  get encoding(): string | null {
    if (this.#encoding === undefined) this.#encoding = getEncodingFromHeaders(this.headers);
    return this.#encoding;
  }
  set encoding(value: string | null) {
    this.#encoding = value;
  }
  set headers(value: CaseInsensitiveDict<string>) {
    this.#headers = value;
  }

  /** Cookies the server set in this response. */
  get cookies(): RequestsCookieJar {
    this.#cookies ??= new RequestsCookieJar();
    return this.#cookies;
  }
  set cookies(value: RequestsCookieJar) {
    this.#cookies = value;
  }

  /** True unless the status is 4xx or 5xx. */
  get ok(): boolean {
    return !(this.statusCode >= 400 && this.statusCode < 600);
  }

  /** A redirect with a Location, as `resolveRedirects` follows. */
  get isRedirect(): boolean {
    return REDIRECT_STATI.has(this.statusCode) && this.headers.has('location');
  }

  /** A 301 or 308 redirect with a Location. */
  get isPermanentRedirect(): boolean {
    return (this.statusCode === 301 || this.statusCode === 308) && this.headers.has('location');
  }

  /**
   * The body, decoded from its Content-Encoding. Throws for a `stream: true` response that was
   * not read yet (call `await read()`), and StreamConsumedError when an iteration used it up.
   * A bare `new Response()` (no `raw`, no content set) gives `null` at runtime, as requests gives
   * `None`; the declared type stays `Uint8Array`, since every response an adapter builds has a
   * body (empty at least), so ordinary code needs no null check.
   */
  get content(): Uint8Array {
    if (this.raw === null && this.#content === null) return NO_CONTENT;
    const loaded = this.#loaded();
    if (loaded !== null) return loaded;
    if (this.#consumed) {
      throw new StreamConsumedError('The content for this response was already consumed', {
        response: this,
      });
    }
    throw new Error(NOT_READ);
  }
  /** Replaces the body (as setting `_content` in requests). */
  set content(value: Uint8Array) {
    this.#content = value;
    this.#consumed = true;
    this.#text = null;
    this.#apparent = undefined;
  }

  /** The body when it is at hand without I/O, else null. */
  #loaded(): Uint8Array | null {
    if (this.#content !== null) return this.#content;
    const raw = this.raw;
    if (raw === null) return EMPTY; // a bare Response: no body, `content` stays null
    if (raw.data === null || this.#body !== null) return null;
    this.#content = raw.data;
    this.#consumed = true;
    return this.#content;
  }

  /** `content` for reading it here: empty bytes for a bare Response. */
  get #bytes(): Uint8Array {
    return this.raw === null && this.#content === null ? EMPTY : this.content;
  }

  /**
   * Reads the rest of the body (all of it when nothing was read) and keeps it, so that
   * `content`, `text` and `json()` work. Errors on the way are requests' exceptions.
   */
  read(): Promise<Uint8Array> {
    const loaded = this.#loaded();
    if (loaded !== null) return Promise.resolve(loaded);
    if (this.#consumed) {
      return Promise.reject(
        new StreamConsumedError('The content for this response was already consumed', {
          response: this,
        }),
      );
    }
    this.#reading ??= this.#body === null ? this.#readWhole() : this.#readRest();
    return this.#reading;
  }

  /** What read() does when the raw response has the whole body at hand; false if it has not. */
  #readNow(): boolean {
    if (this.#loaded() !== null) return true;
    if (this.#consumed || this.#reading !== null || this.#body !== null) return false;
    const raw = this.raw as RawResponse & { readNow?(): Uint8Array | null };
    const data = typeof raw.readNow === 'function' ? raw.readNow() : null;
    if (data === null) return false;
    this.content = data;
    return true;
  }

  /** The whole body, nothing of it read yet: the raw response's read, kept (no async frame). */
  #readWhole(): Promise<Uint8Array> {
    let read: Promise<Uint8Array>;
    try {
      read = (this.raw as RawResponse).read();
    } catch (err) {
      return Promise.reject(err);
    }
    return read.then(
      (data) => {
        this.content = data;
        return data;
      },
      (err: unknown) => {
        throw translatePoolError(err, { request: this.request, response: this, streaming: true });
      },
    );
  }

  /** The rest after a partial iteration: what it took from the wire and did not hand out first. */
  async #readRest(): Promise<Uint8Array> {
    const parts: Uint8Array[] = this.#pieces?.takeRest() ?? [];
    for (let c = await this.#nextChunk(); c !== null; c = await this.#nextChunk()) parts.push(c);
    const data = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    this.content = data;
    return data;
  }

  /** The next decoded body chunk from the wire, null at the end. */
  async #nextChunk(): Promise<Uint8Array | null> {
    try {
      this.#body ??= (this.raw as RawResponse).stream()[Symbol.asyncIterator]();
      const result = await this.#body.next();
      return result.done ? null : result.value;
    } catch (err) {
      throw translatePoolError(err, { request: this.request, response: this, streaming: true });
    }
  }

  /**
   * The body off the wire, in pieces of `chunkSize` bytes (as they arrive when null). Leaving
   * the iteration early (break, return, throw) releases the connection: the rest of the body is
   * not read, so the connection is closed, never left busy.
   */
  #wirePieces(chunkSize: number | null): Pieces {
    const failed = (err: unknown): never => {
      throw translatePoolError(err, { request: this.request, response: this, streaming: true });
    };
    const source: ChunkSource = {
      // #nextChunk without its async frame: the iteration's one promise hop per chunk.
      nextChunk: () => {
        let body = this.#body;
        try {
          if (body === null) {
            body = (this.raw as RawResponse).stream()[Symbol.asyncIterator]();
            this.#body = body;
          }
        } catch (err) {
          return Promise.reject(err).catch(failed);
        }
        return body.next().then(chunkOf, failed);
      },
      finish: (early) => {
        this.#consumed = true;
        if (early) this.raw?.close();
      },
    };
    this.#pieces = new Pieces(source, chunkSize ?? 0);
    return this.#pieces;
  }

  /**
   * The body in chunks of `chunkSize` bytes; with `decodeUnicode`, as text decoded with
   * `encoding` (bytes when it is null). A streamed body can be iterated once. Every chunk is
   * exactly `chunkSize` bytes but the last, as in requests; one that lies within a chunk received
   * from the wire is a view of it, not a copy (keeping a small one keeps that chunk's memory).
   * @example
   * for await (const chunk of r.iterContent({ chunkSize: 65536 })) file.write(chunk);
   */
  iterContent(
    options?: IterContentOptions & { decodeUnicode?: false | undefined },
  ): AsyncIterable<Uint8Array>;
  iterContent(options: IterContentOptions): AsyncIterable<Piece>;
  iterContent(options: IterContentOptions = {}): AsyncIterable<Piece> {
    const { chunkSize = 1, decodeUnicode = false } = options;
    if (chunkSize !== null && !Number.isInteger(chunkSize)) {
      throw new TypeError(
        `chunkSize must be an integer or null, it is instead ${String(chunkSize)}.`,
      );
    }
    const loaded = this.#loaded();
    if (loaded === null && this.#consumed) {
      throw new StreamConsumedError(
        'The body of this response was already read by an iteration; call read() first to keep it',
        { response: this },
      );
    }
    const chunks = loaded !== null ? slices(loaded, chunkSize) : this.#wirePieces(chunkSize);
    return decodeUnicode ? this.#decoded(chunks) : chunks;
  }

  async *#decoded(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Piece> {
    if (this.encoding === null) {
      yield* chunks;
      return;
    }
    const decoder = getIncrementalDecoder(this.encoding);
    for await (const chunk of chunks) {
      const text = decoder.decode(chunk);
      if (text) yield text;
    }
    const rest = decoder.decode(EMPTY, true);
    if (rest) yield rest;
  }

  /**
   * The body line by line, split as requests splits it (its behaviour at chunk borders
   * included); with `delimiter`, split on it instead of line breaks.
   * @example
   * for await (const line of r.iterLines({ decodeUnicode: true })) console.log(line);
   */
  iterLines(
    options?: IterLinesOptions & { decodeUnicode?: false | undefined },
  ): AsyncIterable<Uint8Array>;
  iterLines(options: IterLinesOptions): AsyncIterable<Piece>;
  iterLines(options: IterLinesOptions = {}): AsyncIterable<Piece> {
    const { chunkSize = 512, decodeUnicode = false, delimiter = null } = options;
    const source = {
      [Symbol.asyncIterator]: () =>
        this.iterContent({ chunkSize, decodeUnicode })[Symbol.asyncIterator](),
    };
    return iterLinesOf(source, delimiter);
  }

  /**
   * The server-sent events of a `text/event-stream` body, parsed as the WHATWG spec says, as
   * they arrive (ask with `stream: true`). A last event without its blank line is dropped.
   * @example
   * const r = await s.get(url, { stream: true });
   * for await (const e of r.iterEvents()) console.log(e.event, e.data);
   */
  iterEvents(): AsyncIterable<ServerSentEvent> {
    return eventsOf(this.iterContent({ chunkSize: null }));
  }

  /** Chunks of 128 bytes, as iterating a requests Response gives. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.iterContent({ chunkSize: 128 })[Symbol.asyncIterator]();
  }

  /** The encoding a detector finds in the body (requests' `apparent_encoding`). */
  get apparentEncoding(): string | null {
    if (this.#apparent === undefined) this.#apparent = apparentEncoding(this.#bytes);
    return this.#apparent;
  }

  /**
   * The body as text, decoded with `encoding` (or `apparentEncoding` when it is null), bad bytes
   * replaced by U+FFFD; an unknown encoding falls back to UTF-8, as in requests.
   */
  get text(): string {
    const content = this.#bytes;
    if (content.length === 0) return '';
    const cached = this.#text;
    if (cached !== null && cached.encoding === this.encoding) return cached.value;
    const encoding = this.encoding ?? this.apparentEncoding ?? 'utf-8';
    let value: string;
    try {
      value = decodeBytes(content, encoding);
    } catch {
      value = decodeBytes(content, 'utf-8');
    }
    this.#text = { encoding: this.encoding, value };
    return value;
  }

  /**
   * The body parsed as JSON, as Python's json reads it (NaN and Infinity included). Without an
   * `encoding`, the UTF is found from the bytes (RFC 4627) before falling back to `text`.
   * @throws JSONDecodeError with Python's message, e.g. 'Expecting value: line 1 column 1 (char 0)'.
   */
  json<T = unknown>(): T {
    const content = this.#bytes;
    if (!this.encoding && content.length > 3) {
      const utf = guessJsonUtf(content);
      let text: string | null = null;
      if (utf !== null) {
        try {
          text = decodeBytes(content, utf, 'strict');
        } catch {
          // Not that UTF after all (an 8-bit charset nobody named): `text` decides, as in requests.
        }
      }
      if (text !== null) return this.#parseJson(text) as T;
    }
    return this.#parseJson(this.text) as T;
  }

  #parseJson(text: string): unknown {
    try {
      return parseJson(text);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      throw new JSONDecodeError(err.message, { response: this, cause: err });
    }
  }

  /** The Link header's links by `rel` (or by URL when a link has no rel). */
  get links(): Record<string, HeaderLink> {
    const header = this.headers.get('link');
    const resolved: Record<string, HeaderLink> = {};
    if (!header) return resolved;
    for (const link of parseHeaderLinks(header)) {
      const key = link.rel || link.url;
      if (key !== undefined) setEntry(resolved, key, link);
    }
    return resolved;
  }

  /**
   * Throws HTTPError for a 4xx or 5xx status, with requests' message:
   * '404 Client Error: Not Found for url: http://...'.
   */
  raiseForStatus(): void {
    const status = this.statusCode;
    const kind =
      status >= 400 && status < 500 ? 'Client' : status >= 500 && status < 600 ? 'Server' : null;
    if (kind === null) return;
    const reason = decodeReason(this.reason);
    throw new HTTPError(`${status} ${kind} Error: ${reason} for url: ${redactUrl(this.url)}`, {
      response: this,
    });
  }

  /** Releases the connection: closes it when the body was not read to its end. */
  close(): void {
    if (!this.#consumed) this.raw?.close();
  }

  /** `await using r = await s.get(url, { stream: true })`: `close()` when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** `<Response [200]>`, as requests' repr. */
  toString(): string {
    return `<Response [${this.statusCode}]>`;
  }
}
installResponseView(Response);

function chunkOf(result: IteratorResult<Uint8Array>): Uint8Array | null {
  return result.done === true ? null : result.value;
}

/** Closes the raw body of a stream response dropped unread, once it is garbage-collected. */
const abandoned = new FinalizationRegistry<RawResponse>(closeRaw);

function closeRaw(raw: RawResponse): void {
  raw.close();
}

/**
 * Makes sure a `stream: true` response the caller forgets (never read, never closed) still
 * releases its connection: when it is garbage-collected its raw body is closed, which closes
 * the connection it holds. A body read to its end or closed before makes this a no-op.
 */
/**
 * Whether `response.read()` would give the body without I/O (an adapter read it already): then
 * a caller that only needs it read has nothing to wait for. Internal: not exported from the index.
 */
export function bodyAtHand(response: Response): boolean {
  return loadedOf(response) !== null;
}

/**
 * `response.read()` done at once when the raw response has the whole body at hand (no promise,
 * nothing to wait for); false when it must be awaited. Internal: not exported from the index.
 */
export function readAtOnce(response: Response): boolean {
  return readNowOf(response);
}

export function releaseWhenCollected(response: Response): void {
  const raw = response.raw;
  if (raw !== null && !raw.closed) abandoned.register(response, raw);
}

/**
 * A reason phrase that came as bytes read one per character: UTF-8 when they are UTF-8, as
 * requests decodes a bytes reason (utf-8 first, then iso-8859-1).
 */
export function decodeReason(reason: string): string {
  if (!/[\x80-\xff]/.test(reason) || /[^\x00-\xff]/.test(reason)) return reason;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(reason, 'latin1'));
  } catch {
    return reason;
  }
}
