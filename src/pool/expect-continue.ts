/**
 * `Expect: 100-continue` (issue 6). undici refuses the header on HTTP/1.1, so a request that sets
 * it (and has a body) goes out through Node's own client, on a one-shot socket from the pool's
 * connector (same TLS settings, CONNECT tunnel or SOCKS), in a place the pool hands out (a
 * {@link PooledConnection} whose undici client stays unused), so the exchange counts against
 * `maxsize` and `block`, shows in `stats` and is closed by the pool's close(). The head is sent
 * at once; the body only after `100 Continue`, or after `expectContinueTimeout` ms without an
 * answer (as curl does). A final status that comes first (417, 401, 413...) is the response and
 * the body is never sent. The socket is closed after the response and its place given back.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { buildConnector } from 'undici';
import {
  LocationParseError,
  PoolInvalidHeader,
  ProtocolError,
  ReadTimeoutError,
} from '../_internal/pool-errors.js';
import type { PooledConnection } from './connection.js';
import { addHeader, expectedLength, headerRecord } from './exchange.js';
import { type BodyOptions, PoolResponse, type ResponseSource } from './raw-response.js';
import {
  computeTimings,
  now,
  type RequestMarks,
  type Timings,
  takeSocketMarks,
  watchSocket,
} from './timings.js';
import type { PoolBody, RawHeaders } from './types.js';
import { asPoolError } from './undici-errors.js';

/** The wait for `100 Continue` before the body is sent anyway, ms (curl's). */
export const DEFAULT_EXPECT_CONTINUE_TIMEOUT = 1_000;

/** What the Expect path needs from its pool. */
export interface ContinueOwner {
  readonly poolName: string;
  readonly scheme: 'http' | 'https';
  /** Lower case; an IPv6 address in brackets. */
  readonly host: string;
  readonly port: number;
  urlOf(target: string): string;
  /** The pool's connector, held to `connectTimeout` (guardConnect). */
  connector(connectTimeout: number | null): buildConnector.connector;
  /** The socket of a place opened (counted in `stats.connected`). */
  connectionUp(conn: PooledConnection): void;
  /** The exchange is over: its place goes back to the pool. */
  finish(conn: PooledConnection, reusable: boolean): void;
}

/** What one try on this path sends. */
export interface ContinueRequest {
  readonly method: string;
  /** The request target: a path, or the absolute URL (absolute-form). */
  readonly path: string;
  /** The headers as given, Expect included (request-headers.ts `continueHeaders`). */
  readonly headers: Record<string, string>;
  readonly timeout: {
    readonly connect?: number | null | undefined;
    readonly read?: number | null | undefined;
  };
  readonly body: BodyOptions;
  readonly signal: AbortSignal | undefined;
  /** ms; null waits for the server's answer as long as it takes. */
  readonly expectWait: number | null;
}

/** A reason the caller closed the response with: the socket is closed, nobody is told. */
const CLOSED_BY_CALLER = new Error('The response was closed before its body was read.');

function onReadTimeout(exchange: ContinueExchange): void {
  exchange.readTimedOut();
}

function onExpectWait(exchange: ContinueExchange): void {
  exchange.sendBody();
}

/** Where the request body is. */
type BodyState = 'waiting' | 'sending' | 'sent' | 'skipped';

/**
 * One request/response with `Expect: 100-continue`; the error context of what goes wrong in it.
 * It has the shape the Retry loop reads of an Exchange (`promise`, `started`, `conn.used`).
 */
export class ContinueExchange implements ResponseSource, RequestMarks {
  phase: 'connect' | 'request' | 'body' = 'connect';
  // Timing marks (pool/timings.ts); its connection is always new, so it reports connect phases.
  readonly startedAt = now();
  readonly dispatchedAt = this.startedAt;
  writingAt = -1;
  sentAt = -1;
  headersAt = -1;
  received = 0;
  expected: number | null = null;
  abortReason: unknown = undefined;
  /** Resolves with the response once its (final) head arrived. */
  readonly promise: Promise<PoolResponse>;
  /** Its place in the pool; never a kept-alive socket, so no free retry for a stale one. */
  readonly conn: PooledConnection;
  readonly connectTimeout: number | null;
  readonly readTimeout: number | null;

  readonly #owner: ContinueOwner;
  readonly #request: ContinueRequest;
  readonly #payload: Exclude<PoolBody, null>;
  readonly #req: http.ClientRequest;
  #url: string | null = null;
  #resolve!: (response: PoolResponse) => void;
  #reject!: (err: unknown) => void;
  #socket: Duplex | null = null;
  #res: http.IncomingMessage | null = null;
  #response: PoolResponse | null = null;
  #state: BodyState = 'waiting';
  #wait: NodeJS.Timeout | null = null;
  /** The read timeout, as in Exchange: pushed back by every byte moved, idle while paused. */
  #timer: NodeJS.Timeout | null = null;
  #paused = false;
  #done = false;

  constructor(
    owner: ContinueOwner,
    seat: PooledConnection,
    request: ContinueRequest,
    body: Exclude<PoolBody, null>,
  ) {
    this.#owner = owner;
    this.conn = seat;
    this.#request = request;
    this.#payload = body;
    this.connectTimeout = request.timeout.connect ?? null;
    this.readTimeout = request.timeout.read ?? null;
    this.promise = new Promise<PoolResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#req = http.request({
      method: request.method,
      path: request.path,
      headers: framedHeaders(request.headers, body),
      setHost: false,
      createConnection: (_opts, created) => {
        this.#connect(created);
        return undefined;
      },
    });
    this.#req.on('error', (err) => this.#fail(err));
    this.#req.on('continue', () => this.sendBody());
    this.#req.on('information', () => this.#timer?.refresh());
    this.#req.on('response', (res) => this.#onResponse(res));
    this.#req.flushHeaders(); // the head goes out as soon as the socket is there
    request.signal?.addEventListener('abort', this);
    seat.attach((reason) => this.abort(reason));
  }

  get url(): string {
    return (this.#url ??= this.#owner.urlOf(this.#request.path));
  }

  get poolName(): string {
    return this.#owner.poolName;
  }

  get host(): string {
    return this.#owner.host;
  }

  /** The body began to go out, so a stream body cannot be sent again. */
  get started(): boolean {
    return this.#state === 'sending' || this.#state === 'sent';
  }

  #connect(created: (err: Error | null, socket: Duplex) => void): void {
    const { scheme, host, port } = this.#owner;
    const hostname = host.charCodeAt(0) === 91 /* [ */ ? host.slice(1, -1) : host;
    const options = { host: `${host}:${port}`, hostname, protocol: `${scheme}:`, port: `${port}` };
    const marks = this.conn.marks;
    marks.connectStart = now();
    const pending = this.#owner.connector(this.connectTimeout)(options, (err, socket) => {
      if (err !== null) return created(err, null as unknown as Duplex);
      marks.readyAt = this.writingAt = now();
      takeSocketMarks(socket!, marks);
      if (this.#done) return void socket!.destroy();
      if ((socket as { alpnProtocol?: string | false }).alpnProtocol === 'h2') {
        socket!.destroy();
        const message = `${this.poolName}: Expect: 100-continue is sent over HTTP/1.1, but the server chose HTTP/2; drop the header or turn http2 off.`;
        return created(new ProtocolError(message), null as unknown as Duplex);
      }
      this.#socket = socket;
      this.phase = 'request';
      this.conn.connected = true;
      this.#owner.connectionUp(this.conn);
      // Waiting for 100 is not the server being slow: the read timeout starts with the body.
      if (this.#request.expectWait === null) this.#armReadTimer();
      else this.#wait = setTimeout(onExpectWait, this.#request.expectWait, this);
      created(null, socket!);
    }) as unknown;
    if (pending != null && marks.readyAt < 0) watchSocket(pending as Socket, marks);
  }

  /** The timings of this try, its body read to the end at `doneAt` (-1: not yet). */
  timings(doneAt: number): Timings {
    return computeTimings(this, this.conn.marks, doneAt);
  }

  #armReadTimer(): void {
    if (this.readTimeout !== null && this.#timer === null) {
      this.#timer = setTimeout(onReadTimeout, this.readTimeout, this);
    }
  }

  /** `100 Continue` came, or the wait for it ran out: the body goes out. */
  sendBody(): void {
    if (this.#state !== 'waiting' || this.#done) return;
    if (this.#wait !== null) clearTimeout(this.#wait);
    this.#state = 'sending';
    this.#armReadTimer();
    const body = this.#payload;
    if (typeof body === 'string' || body instanceof Uint8Array) {
      this.#req.end(body, () => this.#sent());
    } else {
      this.#pump(body).catch((err: unknown) => this.#fail(err));
    }
  }

  #sent(): void {
    this.sentAt = now();
    if (this.#state === 'sending') this.#state = 'sent';
    this.#timer?.refresh();
  }

  /** Writes a stream body with backpressure; stops when a final answer made it pointless. */
  async #pump(body: AsyncIterable<Uint8Array | string>): Promise<void> {
    const req = this.#req;
    for await (const chunk of body) {
      if (this.#state !== 'sending' || this.#done) return;
      if (!req.write(chunk)) await drained(req);
      this.#timer?.refresh();
    }
    if (this.#state === 'sending' && !this.#done) req.end(() => this.#sent());
  }

  #onResponse(res: http.IncomingMessage): void {
    if (this.#done) return void res.resume();
    if (this.#state === 'waiting') {
      // A final answer before 100: the body is never sent (curl, RFC 9110 10.1.1).
      this.#state = 'skipped';
      if (this.#wait !== null) clearTimeout(this.#wait);
    }
    this.#res = res;
    this.headersAt = now();
    this.phase = 'body';
    this.#armReadTimer();
    this.#timer?.refresh();
    const status = res.statusCode ?? 0;
    const headers = rawHeaders(res.rawHeaders);
    this.expected = expectedLength(this.#request.method, status, headers);
    const reason = res.statusMessage ?? '';
    const response = new PoolResponse(this, this.#request.body, status, reason, headers, 11);
    this.#response = response;
    res.on('data', (chunk: Buffer) => this.#onData(chunk));
    res.on('end', () => this.#onEnd());
    res.on('error', (err) => this.#fail(err));
    this.#resolve(response);
  }

  #onData(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.#response!.push(chunk)) {
      this.#timer?.refresh();
      return;
    }
    this.#paused = true;
    this.#res!.pause();
  }

  #onEnd(): void {
    const response = this.#response!;
    this.#finish();
    response.end();
  }

  #fail(err: unknown): void {
    if (this.#done) return;
    const error = asPoolError(err, this);
    this.#finish();
    if (this.#response !== null) this.#response.fail(error);
    else this.#reject(error);
  }

  /** Over: timers off, and the socket closed (it never serves another request). */
  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#wait !== null) clearTimeout(this.#wait);
    this.#request.signal?.removeEventListener('abort', this);
    this.#req.destroy();
    this.#owner.finish(this.conn, false);
  }

  // ---- control ----

  /** Aborts with `reason`, which is what the caller then gets. */
  abort(reason: unknown): void {
    if (this.#done) return;
    this.abortReason = reason;
    this.#fail(reason);
  }

  /** The signal aborted. */
  handleEvent(): void {
    this.abort(this.#request.signal!.reason);
  }

  cancel(): void {
    this.abort(CLOSED_BY_CALLER);
  }

  resume(): void {
    this.#paused = false;
    this.#timer?.refresh();
    this.#res?.resume();
  }

  /** No byte moved for `readTimeout` ms. */
  readTimedOut(): void {
    if (this.#done || this.#paused) return;
    if (this.#state === 'sending' && this.#socket?.writableNeedDrain !== true) {
      this.#timer!.refresh(); // we wait on the body source, not on the server
      return;
    }
    const message = `${this.poolName}: Read timed out. (read timeout=${this.readTimeout} ms)`;
    this.abort(new ReadTimeoutError(this.url, message));
  }
}

/**
 * Starts one try on this path. Bad headers or target (Node's checks) are a rejection.
 * @example const exchange = startContinue(pool, request, body); const r = await exchange.promise;
 */
export function startContinue(
  owner: ContinueOwner,
  seat: PooledConnection,
  request: ContinueRequest,
  body: Exclude<PoolBody, null>,
): ContinueExchange {
  try {
    return new ContinueExchange(owner, seat, request, body);
  } catch (err) {
    throw refused(err, owner.urlOf(request.path));
  }
}

/** Node's synchronous refusals (header names/values, target) as pool errors. */
function refused(err: unknown, url: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  const message = (err as Error).message;
  if (code === 'ERR_INVALID_HTTP_TOKEN' || code === 'ERR_INVALID_CHAR') {
    return new PoolInvalidHeader(`Invalid header for '${url}': ${message}`, { cause: err });
  }
  return new LocationParseError(`Failed to send to '${url}': ${message}`, { cause: err });
}

/**
 * The framing Node needs once the head went out before the body: Content-Length for bytes and
 * strings, chunked for a stream of unknown length (as undici would), unless the caller set one.
 */
function framedHeaders(
  headers: Record<string, string>,
  body: Exclude<PoolBody, null>,
): Record<string, string> {
  let framed = false;
  for (const name in headers) {
    const lower = name.length === 14 || name.length === 17 ? name.toLowerCase() : '';
    if (lower === 'content-length' || lower === 'transfer-encoding') framed = true;
  }
  if (framed) return headers;
  if (typeof body === 'string') {
    return { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  }
  if (body instanceof Uint8Array) return { ...headers, 'content-length': String(body.length) };
  return { ...headers, 'transfer-encoding': 'chunked' };
}

/** Resolves once the request takes more, or closed. */
function drained(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** Node's raw header list as a record: lower-case names, repeated headers as arrays. */
function rawHeaders(raw: readonly string[]): RawHeaders {
  const headers = headerRecord();
  for (let i = 0; i < raw.length; i += 2) addHeader(headers, raw[i]!.toLowerCase(), raw[i + 1]!);
  return headers;
}
