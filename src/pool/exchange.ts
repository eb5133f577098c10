/**
 * One request/response on one pooled connection: the undici dispatch handler. It speaks undici's
 * core handler interface (onConnect/onHeaders/onData/onComplete/onError), the one Client calls
 * natively, so no adapter layer or header re-parse sits between the socket and our response.
 */
import { STATUS_CODES } from 'node:http';
import { ReadTimeoutError } from '../_internal/pool-errors.js';
import type { PooledConnection } from './connection.js';
import { ContinuePhase, type ContinueRequest, type ContinueWatcher } from './continue-phase.js';
import { type HeadGuard, type HeadWatcher, headGuard } from './head-guard.js';
import { type BodyOptions, PoolResponse, type ResponseSource } from './raw-response.js';
import { computeTimings, now, type RequestMarks, type Timings } from './timings.js';
import type { PoolBody, RawHeaders } from './types.js';
import { asPoolError } from './undici-errors.js';

/** What an exchange needs from its pool. */
export interface ExchangeOwner {
  readonly poolName: string;
  readonly host: string;
  /** The absolute URL of a request target (a path, or already absolute). */
  urlOf(target: string): string;
  /** The exchange is over; `reusable` says whether the connection may serve another request. */
  finish(conn: PooledConnection, reusable: boolean): void;
}

/** A reason the caller closed the response with: the connection is dropped, nobody is told. */
const CLOSED_BY_CALLER = new Error('The response was closed before its body was read.');

function onReadTimeout(exchange: Exchange): void {
  exchange.readTimedOut();
}

/** One request/response exchange; also the error context of everything that goes wrong in it. */
export class Exchange implements ResponseSource, HeadWatcher, ContinueWatcher, RequestMarks {
  phase: 'connect' | 'request' | 'body' = 'connect';
  // Timing marks (pool/timings.ts): plain numbers, turned into Timings only when read.
  readonly startedAt: number;
  readonly dispatchedAt: number;
  writingAt = -1;
  sentAt = -1;
  headersAt = -1;
  /** The connection's first request: it reports the connect phases. */
  readonly #first: boolean;
  received = 0;
  expected: number | null = null;
  abortReason: unknown = undefined;
  /** Resolves with the response once its headers arrived. */
  readonly promise: Promise<PoolResponse>;

  readonly #owner: ExchangeOwner;
  readonly conn: PooledConnection;
  readonly #method: string;
  readonly #target: string;
  readonly #body: BodyOptions;
  readonly #signal: AbortSignal | undefined;
  readonly connectTimeout: number | null;
  readonly readTimeout: number | null;
  #url: string | null = null;
  #resolve!: (response: PoolResponse) => void;
  #reject!: (err: unknown) => void;
  #abort: ((err?: Error) => void) | null = null;
  #resume: (() => void) | null = null;
  #response: PoolResponse | null = null;
  #done = false;
  /**
   * The read timeout: armed once the request is on the socket, pushed back by every byte sent or
   * received, ignored while the reader has paused the socket (as a socket timeout that only runs
   * while someone reads). Ours rather than undici's, whose timers tick in ~1 s steps.
   */
  #timer: NodeJS.Timeout | null = null;
  #paused = false;
  /** The request body is still being written. */
  #sending = false;
  /** The socket's head guard while this exchange waits for its head (HTTP/1.1). */
  #guard: HeadGuard | null = null;
  /** Content-Length values the guard kept from undici (pool/head-guard.ts), reported as sent. */
  #heldLength: string[] | null = null;
  /** They give the body's length (not when invalid, or beside Transfer-Encoding). */
  #lengthFrames = true;
  /** The head's framing was suspect: the connection is not reused. */
  #suspect = false;
  /** The `Expect: 100-continue` phase (pool/continue-phase.ts), when the call asked for it. */
  readonly #continue: ContinuePhase | null;
  /** The call's `onRequestSent` (UrlopenOptions). */
  readonly #sent: (() => void) | undefined;

  constructor(
    owner: ExchangeOwner,
    conn: PooledConnection,
    method: string,
    target: string,
    timeouts: {
      readonly connect?: number | null | undefined;
      readonly read?: number | null | undefined;
    },
    body: BodyOptions,
    signal: AbortSignal | undefined,
    startedAt: number,
    expect: ContinueRequest | null = null,
    sent?: () => void,
  ) {
    this.startedAt = startedAt;
    this.dispatchedAt = now();
    this.#first = conn.requests++ === 0;
    this.#owner = owner;
    this.conn = conn;
    this.#method = method;
    this.#target = target;
    this.connectTimeout = timeouts.connect ?? null;
    this.readTimeout = timeouts.read ?? null;
    this.#body = body;
    this.#signal = signal;
    this.#continue = expect === null ? null : new ContinuePhase(expect, this);
    this.#sent = sent;
    this.promise = new Promise<PoolResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    signal?.addEventListener('abort', this);
  }

  get url(): string {
    return (this.#url ??= this.#owner.urlOf(this.#target));
  }

  get poolName(): string {
    return this.#owner.poolName;
  }

  get host(): string {
    return this.#owner.host;
  }

  /** The request was handed to the socket: from here on it may have been (partly) sent. */
  get started(): boolean {
    return this.phase !== 'connect';
  }

  /** The body undici is to send: gated by the 100-continue phase when there is one. */
  bodyToSend(body: PoolBody): PoolBody {
    return this.#continue === null || body === null ? body : this.#continue.body(body);
  }

  // ---- undici's handler interface ----

  onConnect(abort: (err?: Error) => void): void {
    this.writingAt = now();
    this.#abort = abort;
    this.phase = 'request';
    this.#sending = true;
    const socket = this.conn.socket;
    const phase = this.#continue;
    if (socket !== null && this.conn.version === 11) {
      this.#guard = headGuard(socket);
      this.#guard.watch(this);
      phase?.arm(socket);
    } else {
      phase?.open(); // HTTP/2: the body goes at once (undici's h2 client has its own Expect)
    }
    // Waiting for 100 is not the server being slow: the read timeout starts with the body.
    if (phase === null || !phase.waiting || phase.unbounded) this.bodyGoes();
  }

  /** The body goes out now (or there is no 100-continue wait): the read timeout runs. */
  bodyGoes(): void {
    if (this.readTimeout !== null && this.#timer === null && !this.#done) {
      this.#timer = setTimeout(onReadTimeout, this.readTimeout, this);
    }
  }

  onBodySent(): void {
    this.#timer?.refresh();
  }

  onRequestSent(): void {
    this.sentAt = now();
    this.#sending = false;
    this.#timer?.refresh();
    this.#sent?.();
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    this.#timer?.refresh();
    this.#sending = false; // the server answered: whatever is still being sent no longer matters
    if (status < 200) return true; // 1xx: informational, the real head follows
    const headers = parseHeaders(raw);
    const held = this.#heldLength;
    if (held !== null) {
      if (held.length === 0) delete headers['content-length'];
      else headers['content-length'] = held.length === 1 ? held[0] : held;
    }
    this.onResponseHead(status, headers, resume, statusText);
    return true;
  }

  /** The final response head, headers parsed (HTTP/1.1 through onHeaders; HTTP/2 directly). */
  onResponseHead(status: number, headers: RawHeaders, resume: () => void, statusText = ''): void {
    this.#timer?.refresh();
    this.#sending = false;
    this.headersAt = now();
    this.#continue?.skip(); // a final answer before 100: the body is never sent
    this.bodyGoes();
    this.#resume = resume;
    this.phase = 'body';
    this.expected = this.#lengthFrames ? expectedLength(this.#method, status, headers) : null;
    const version = this.conn.version;
    // HTTP/2 has no reason phrase: give the standard one, as the layers above show it.
    const reason = version === 20 && !statusText ? (STATUS_CODES[status] ?? '') : statusText;
    const response = new PoolResponse(this, this.#body, status, reason, headers, version);
    this.#response = response;
    this.#resolve(response);
  }

  onData(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (this.#response!.push(chunk)) {
      this.#timer?.refresh();
      return true;
    }
    this.#paused = true;
    return false;
  }

  onComplete(): void {
    const response = this.#response!;
    // A request whose body was never sent was not framed: its connection is not reused.
    this.#finish(
      !this.#suspect && !closesConnection(response.headers) && this.#continue?.skipped !== true,
    );
    response.end();
  }

  onError(err: unknown): void {
    const error = asPoolError(err, this);
    this.#finish(false);
    if (this.#response !== null) this.#response.fail(error);
    else this.#reject(error);
  }

  #finish(reusable: boolean): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#guard?.unwatch(this);
    this.#continue?.end();
    this.#signal?.removeEventListener('abort', this);
    this.#owner.finish(this.conn, reusable);
  }

  /** The timings of this try, its body read to the end at `doneAt` (-1: not yet). */
  timings(doneAt: number): Timings {
    return computeTimings(this, this.#first ? this.conn.marks : null, doneAt);
  }

  // ---- the head guard's reports (HeadWatcher) ----

  get headRequest(): boolean {
    return this.#method === 'HEAD';
  }

  headBytes(): void {
    this.#timer?.refresh();
  }

  continued(): void {
    this.#continue?.open();
  }

  heldContentLength(values: string[], frames: boolean): void {
    this.#heldLength = values;
    this.#lengthFrames = frames;
  }

  suspectFraming(): void {
    this.#suspect = true;
  }

  badHead(err: Error): void {
    this.abort(err);
  }

  // ---- control ----

  /** Aborts the exchange with `reason`, which is what the caller then gets. */
  abort(reason: unknown): void {
    if (this.#done) return;
    this.abortReason = reason;
    if (this.#abort !== null) this.#abort(reason as Error);
    else void this.conn.destroy(reason); // still connecting: only closing the socket stops it
  }

  /** The signal aborted. */
  handleEvent(): void {
    this.abort(this.#signal!.reason);
  }

  cancel(): void {
    this.abort(CLOSED_BY_CALLER);
  }

  resume(): void {
    this.#paused = false;
    this.#timer?.refresh();
    this.#resume?.();
  }

  /** No byte moved for `readTimeout` ms. */
  readTimedOut(): void {
    if (this.#done || this.#paused) return; // a paused reader re-arms the timer on resume
    const waiting = this.#continue?.waiting === true; // for 100: the server is what we wait on
    if (this.#sending && !waiting && this.conn.socket?.writableNeedDrain !== true) {
      // Still sending, and the socket takes more: we wait on the body source, not the server.
      this.#timer!.refresh();
      return;
    }
    this.abort(
      new ReadTimeoutError(
        this.url,
        `${this.poolName}: Read timed out. (read timeout=${this.readTimeout} ms)`,
      ),
    );
  }
}

/**
 * undici's raw header list as a record: lower-case names, repeated headers as arrays. The record
 * has no prototype, so a header named `constructor`, `__proto__` or `toString` is an ordinary one.
 */
export function parseHeaders(raw: Buffer[]): RawHeaders {
  const headers = headerRecord();
  for (let i = 0; i < raw.length; i += 2) {
    const nameBytes = raw[i]!;
    const known = knownName(nameBytes);
    if (known === -1) {
      addHeader(
        headers,
        nameBytes.toString('latin1').toLowerCase(),
        raw[i + 1]!.toString('latin1'),
      );
    } else {
      addHeader(headers, KNOWN_NAMES[known]!, knownValue(known, raw[i + 1]!));
    }
  }
  return headers;
}

// Names of common response headers, lower case: such a name is matched on its bytes (no string
// made, no native call), and its last value is kept, so a value repeated from one response to
// the next (Server, Content-Type, Connection, ETag, a Date within its second) is not decoded again.
const KNOWN_NAMES = [
  'server',
  'date',
  'content-type',
  'content-length',
  'connection',
  'keep-alive',
  'etag',
  'last-modified',
  'transfer-encoding',
  'content-encoding',
  'cache-control',
  'expires',
  'vary',
  'accept-ranges',
  'location',
  'set-cookie',
  'age',
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'access-control-allow-origin',
  'content-security-policy',
  'alt-svc',
  'via',
  'pragma',
  'x-request-id',
];
/** Indexes into KNOWN_NAMES, by name length. */
const KNOWN_BY_LENGTH: number[][] = [];
for (let k = 0; k < KNOWN_NAMES.length; k++)
  (KNOWN_BY_LENGTH[KNOWN_NAMES[k]!.length] ??= []).push(k);
/**
 * The last value of each known name. Set-Cookie and Location are not kept: they rarely repeat,
 * and may carry a credential, which is held no longer than its response.
 */
const lastValues: Array<string | undefined> = [];
const NOT_KEPT = new Set(['set-cookie', 'location'].map((n) => KNOWN_NAMES.indexOf(n)));

/** The index in KNOWN_NAMES of the name `bytes` spell in any ASCII case, else -1. */
function knownName(bytes: Uint8Array): number {
  const candidates = KNOWN_BY_LENGTH[bytes.length];
  if (candidates === undefined) return -1;
  next: for (const k of candidates) {
    const name = KNOWN_NAMES[k]!;
    for (let j = 0; j < name.length; j++) {
      let b = bytes[j]!;
      if (b >= 65 && b <= 90) b += 32;
      if (b !== name.charCodeAt(j)) continue next;
    }
    return k;
  }
  return -1;
}

/** `bytes` as latin-1 text, the known name's last value when the bytes are the same. */
function knownValue(k: number, bytes: Buffer): string {
  const last = lastValues[k];
  if (last !== undefined && last.length === bytes.length && sameText(last, bytes)) return last;
  const value = bytes.toString('latin1');
  if (!NOT_KEPT.has(k)) lastValues[k] = value;
  return value;
}

function sameText(text: string, bytes: Uint8Array): boolean {
  for (let j = 0; j < bytes.length; j++) if (text.charCodeAt(j) !== bytes[j]) return false;
  return true;
}

/** An empty header record without a prototype: any name is an ordinary key. */
export function headerRecord(): RawHeaders {
  return Object.create(null) as RawHeaders;
}

/** Adds one header to a {@link headerRecord} of lower-case names, a repeated one becoming an array. */
export function addHeader(headers: RawHeaders, name: string, value: string): void {
  const seen = headers[name];
  if (seen === undefined) headers[name] = value;
  else if (typeof seen === 'string') headers[name] = [seen, value];
  else seen.push(value);
}

/** The Content-Length the body must reach, when the response has one. */
export function expectedLength(method: string, status: number, headers: RawHeaders): number | null {
  if (method === 'HEAD' || status === 204 || status === 304) return null;
  const value = headers['content-length'];
  if (value === undefined) return null;
  // Repeated or listed values were checked equal by the head guard: the first one stands.
  const first = typeof value === 'string' ? value : value[0]!;
  const comma = first.indexOf(',');
  const n = Number(comma === -1 ? first : first.slice(0, comma));
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** `Connection: close` in the response: the server will not take another request. */
function closesConnection(headers: RawHeaders): boolean {
  const value = headers.connection;
  if (value === undefined) return false;
  return (typeof value === 'string' ? value : value.join(',')).toLowerCase().includes('close');
}
