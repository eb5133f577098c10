/**
 * The body of `ConnectionPool.urlopen` (urllib3's `urlopen`): the total timeout, then the Retry
 * loop over single tries: connection and read errors are counted and retried, retryable statuses
 * are drained and retried, and a body is only sent again when it can be.
 */
import {
  ConnectTimeoutError,
  MaxRetryError,
  NewConnectionError,
  PoolProxyError,
  PoolSSLError,
  PoolUnrewindableBodyError,
  ProtocolError,
  ReadTimeoutError,
} from '../_internal/pool-errors.js';
import { redactUrl } from '../_internal/redact.js';
import { Retry } from '../retry.js';
import type { TimeoutConfig } from '../timeout.js';
import { CallContext } from './call-context.js';
import type { ContinueRequest } from './continue-phase.js';
import {
  type RequestAttemptMessage,
  type RequestRetryMessage,
  requestAttempt,
  requestRetry,
  retrying,
} from './diagnostics.js';
import { isUnprocessed } from './h2-session.js';
import type { BodyOptions, PoolResponse } from './raw-response.js';
import type { PoolBody, RawResponse, UrlopenOptions } from './types.js';

/** What one urlopen call fixed before its first try. */
export interface Call {
  readonly method: string;
  /** The request target: a path, or the absolute URL (absolute-form). */
  readonly path: string;
  /** The URL as the caller gave it, for Retry's history and MaxRetryError. */
  readonly url: string;
  readonly headers: Record<string, string> | undefined;
  readonly timeout: TimeoutConfig;
  readonly body: BodyOptions;
  /** The call's deadline and signal (pool/call-context.ts). */
  readonly context: CallContext;
  /** `context.signal`: what every wait of the call observes. */
  readonly signal: AbortSignal | undefined;
  /** `options.retries`, else the pool's. */
  readonly retries: Retry | number | false | null;
  readonly options: UrlopenOptions;
  /** The `Expect: 100-continue` phase the headers ask for, or null (pool/continue-phase.ts). */
  readonly expect: ContinueRequest | null;
}

/** One try as the Retry loop sees it (an Exchange). */
export interface Attempt {
  /** Resolves with the response once its headers arrived. */
  readonly promise: Promise<PoolResponse>;
  /** The request (body) may have reached the socket. */
  readonly started: boolean;
  readonly conn: { readonly used: boolean };
}

/** The pool side of a call. */
export interface CallPool {
  readonly poolName: string;
  urlOf(target: string): string;
  /** Starts one try on a connection (waiting for one if the pool blocks). */
  startExchange(call: Call, body: PoolBody, retrying: boolean): Attempt | Promise<Attempt>;
}

/** Tries of requests the server did not process that are not counted against the Retry. */
const FREE_UNPROCESSED = 4;

/** Errors urllib3's urlopen counts against the Retry and tries again. */
const RETRYABLE: readonly Function[] = [
  NewConnectionError,
  ConnectTimeoutError,
  ReadTimeoutError,
  ProtocolError,
  PoolSSLError,
  PoolProxyError,
];

function isRetryable(err: unknown): err is Error {
  for (const cls of RETRYABLE) if (err instanceof cls) return true;
  return false;
}

/**
 * Runs a call under its context: the deadline (`timeout.total`) aborts whatever the call is doing
 * (waiting, sending, reading a preloaded body, sleeping between tries). A context made here ends
 * with the call; one given by the caller (Session, HTTPAdapter) is theirs to end.
 */
export function runCall(pool: CallPool, call: Call, given: boolean): Promise<RawResponse> {
  const context = call.context;
  if (context.deadline !== null) context.at(pool.poolName, pool.urlOf(call.path));
  if (given || context === CallContext.NONE) return retryLoop(pool, call);
  return endAfter(context, retryLoop(pool, call));
}

async function endAfter(context: CallContext, call: Promise<RawResponse>): Promise<RawResponse> {
  try {
    return await call;
  } finally {
    context.end();
  }
}

const NO_REDIRECT = Object.freeze({ redirect: false });

/**
 * urllib3's urlopen recursion. The common call (a connection at hand, the body not preloaded, no
 * attempt subscriber) makes its first try here without an async frame, and returns the response
 * when its status is not retried; anything else goes on in {@link tries}, from that first try.
 */
function retryLoop(pool: CallPool, call: Call): Promise<RawResponse> {
  let retries: Retry;
  let first: Attempt | Promise<Attempt>;
  try {
    retries = Retry.from(call.retries, NO_REDIRECT);
    call.signal?.throwIfAborted();
    if (requestAttempt.hasSubscribers || (call.options.preloadContent ?? true)) {
      return tries(pool, call, retries, null);
    }
    first = pool.startExchange(call, call.options.body ?? null, false);
  } catch (err) {
    // Before the first try: as the loop's own throw; a try that failed to start: the loop's.
    if (retries! === undefined || call.signal?.aborted) return Promise.reject(err);
    return tries(pool, call, retries, Promise.reject(err));
  }
  if (first instanceof Promise) return tries(pool, call, retries, first);
  const exchange = first;
  return exchange.promise.then(
    (response) => {
      if (
        !retries.isRetry(call.method, response.status, Boolean(response.headers['retry-after']))
      ) {
        response.retries = retries;
        return response;
      }
      return tries(pool, call, retries, exchange);
    },
    () => tries(pool, call, retries, exchange),
  );
}

/**
 * The Retry loop. `first`, when given, is the first try already started (or its start's
 * rejection): the loop takes it up from there.
 */
async function tries(
  pool: CallPool,
  call: Call,
  initial: Retry,
  first: Attempt | Promise<Attempt> | null,
): Promise<RawResponse> {
  const { method, url, signal, options } = call;
  let retries = initial;
  let body: PoolBody = options.body ?? null;
  let freeRetry = true;
  let unprocessed = 0;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0 || first === null) {
      signal?.throwIfAborted();
      if (requestAttempt.hasSubscribers) publishAttempt(pool, call, attempt + 1);
    }
    let exchange: Attempt | null = null;
    let response: PoolResponse;
    try {
      const started =
        attempt === 0 && first !== null ? first : pool.startExchange(call, body, attempt > 0);
      exchange = started instanceof Promise ? await started : started;
      response = await exchange.promise;
      if (options.preloadContent ?? true) await preload(response);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!isRetryable(err)) throw err;
      if (freeRetry && neverSent(exchange, err)) {
        freeRetry = false;
        continue;
      }
      // HTTP/2: the server said it did not process the request (GOAWAY, REFUSED_STREAM), so it
      // is sent again whatever the method, a few times without counting (RFC 9113 §8.7).
      if (unprocessed < FREE_UNPROCESSED && isUnprocessed(err)) {
        unprocessed++;
        body = rewind(body, options, exchange, err);
        continue;
      }
      retries = retries.increment(method, url, { error: err, pool });
      body = rewind(body, options, exchange, err);
      publishRetry(pool, call, retries, err, null, attempt + 1);
      await retries.sleep(null, signal);
      continue;
    }
    let next = statusRetry(pool, call, retries, response);
    if (next instanceof Promise) next = await next;
    if (next === null) {
      response.retries = retries;
      return response;
    }
    retries = next;
    body = rewind(body, options, exchange, null);
    publishRetry(pool, call, retries, null, response.status, attempt + 1);
    await retries.sleep(response, signal);
  }
}

/**
 * A try that broke on a reused connection before the request reached its socket: the server never
 * saw it, so it is tried again once without counting. (undici already re-sends a request whose
 * kept-alive socket closed before it was written; this covers what gets past that.)
 */
function neverSent(exchange: Attempt | null, err: Error): boolean {
  return (
    exchange !== null && !exchange.started && exchange.conn.used && err instanceof ProtocolError
  );
}

/**
 * The Retry for another try after this response, or null to return the response: at once for a
 * response that is not retried (most), so that the common call waits on nothing here.
 */
function statusRetry(
  pool: CallPool,
  call: Call,
  retries: Retry,
  response: PoolResponse,
): Retry | null | Promise<Retry | null> {
  const hasRetryAfter = Boolean(response.headers['retry-after']);
  if (!retries.isRetry(call.method, response.status, hasRetryAfter)) return null;
  return retryAfterStatus(pool, call, retries, response);
}

/** The status is retried: the next Retry once the response is drained (or the error it raised). */
async function retryAfterStatus(
  pool: CallPool,
  call: Call,
  retries: Retry,
  response: PoolResponse,
): Promise<Retry | null> {
  let next: Retry;
  try {
    next = retries.increment(call.method, call.url, { response, pool });
  } catch (err) {
    if (err instanceof MaxRetryError && !retries.raiseOnStatus) return null;
    await response.drain().catch(noop);
    throw err;
  }
  await response.drain().catch(noop); // so that its connection serves the next try
  return next;
}

function publishRetry(
  pool: CallPool,
  call: Call,
  retries: Retry,
  error: unknown,
  status: number | null,
  attempt: number,
): void {
  const { method, url } = call;
  if (retrying.hasSubscribers)
    retrying.publish({ pool: pool.poolName, method, url, retries: String(retries), error, status });
  if (requestRetry.hasSubscribers) {
    const full = redactUrl(pool.urlOf(url));
    const message: RequestRetryMessage = { method, url: full, attempt, error, status };
    requestRetry.publish(message);
  }
}

function publishAttempt(pool: CallPool, call: Call, attempt: number): void {
  const url = redactUrl(pool.urlOf(call.url));
  const message: RequestAttemptMessage = { method: call.method, url, attempt };
  requestAttempt.publish(message);
}

async function preload(response: PoolResponse): Promise<void> {
  try {
    await response.read();
  } catch (err) {
    response.close();
    throw err;
  }
}

/**
 * The body for the next try: `rewindBody()` when given; bytes and strings again; a stream only if
 * it never reached a socket. A stream that may have been (partly) sent is never sent twice.
 */
function rewind(
  body: PoolBody,
  options: UrlopenOptions,
  exchange: Attempt | null,
  cause: unknown,
): PoolBody {
  if (options.rewindBody !== undefined) return options.rewindBody();
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return body;
  if (exchange === null || !exchange.started) return body;
  throw new PoolUnrewindableBodyError(
    'The request body is a stream that was already (partly) sent, so it cannot be sent again for a retry; give a rewindBody function, or a bytes or string body.',
    { cause },
  );
}

function noop(): void {}
