/**
 * urllib3's `Retry` (util/retry.py) as an immutable value object, every duration in milliseconds.
 * `increment()` returns a new Retry (of the caller's subclass) or throws MaxRetryError; the pool's
 * `urlopen` loop drives it. The clock and the random source are injectable so that backoff and
 * Retry-After are tested without waiting.
 */

import { parseHttpDate } from './_internal/http-date.js';
import { checkOptionKeys, optionKeys } from './_internal/options.js';
import {
  ConnectTimeoutError,
  MaxRetryError,
  NewConnectionError,
  PoolInvalidHeader,
  PoolProxyError,
  ProtocolError,
  ReadTimeoutError,
  ResponseError,
} from './_internal/pool-errors.js';
import type { RawHeaders } from './pool/types.js';

/** What Retry needs of a response: its status and its (lower-cased) headers. */
export interface RetryResponse {
  /** The HTTP status. */
  readonly status: number;
  readonly headers: RawHeaders;
}

/** Time for Retry: the current time and an abortable sleep, both in ms. Inject one in tests. */
export interface RetryClock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Resolves after `ms`; rejects with `signal.reason` when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** One try that led to a retry: what was asked and what went wrong (urllib3's RequestHistory). */
export class RequestHistory {
  constructor(
    readonly method: string | null,
    readonly url: string | null,
    readonly error: Error | null,
    readonly status: number | null,
    readonly redirectLocation: string | null,
  ) {
    if (new.target === RequestHistory) Object.freeze(this);
  }
}

export interface RetryOptions {
  /** Retries of any kind; takes precedence over the others. `null` = no limit; `false` = no retries, errors raised as they are, redirects not followed. @default 10 @example { total: 3 } */
  total?: number | false | null;
  /** Retries on errors before the request reached the server. `false` raises them. @default null @example { connect: 2 } */
  connect?: number | false | null;
  /** Retries on errors after the request was sent. `false` raises them. @default null @example { read: false } */
  read?: number | false | null;
  /** Redirects to follow. `false` = none, and the 3xx response is returned. @default null @example { redirect: 5 } */
  redirect?: number | false | null;
  /** Retries on a status of `statusForcelist` (or Retry-After). @default null @example { status: 3 } */
  status?: number | false | null;
  /** Retries on any other error. @default null @example { other: 0 } */
  other?: number | false | null;
  /** Methods retried after a read error or a bad status (upper-cased). `null` = every method. @default Retry.DEFAULT_ALLOWED_METHODS @example { allowedMethods: ['GET', 'PUT'] } */
  allowedMethods?: Iterable<string> | null;
  /** Statuses that force a retry when the method is allowed. @default none @example { statusForcelist: [502, 503, 504] } */
  statusForcelist?: Iterable<number> | null;
  /** ms; the sleep before retry n (n >= 2 consecutive errors) is factor * 2^(n-1). @default 0 @example { backoffFactor: 200 } */
  backoffFactor?: number;
  /** Longest backoff, ms. @default 120_000 @example { backoffMax: 10_000 } */
  backoffMax?: number;
  /** Up to this many ms of random jitter are added to each backoff. @default 0 @example { backoffJitter: 100 } */
  backoffJitter?: number;
  /** Throw MaxRetryError when redirects run out, rather than return the 3xx. @default true @example { raiseOnRedirect: false } */
  raiseOnRedirect?: boolean;
  /** Throw MaxRetryError when status retries run out, rather than return the response. @default true @example { raiseOnStatus: false } */
  raiseOnStatus?: boolean;
  /** The tries so far, oldest first. @default [] @example { history: [] } */
  history?: readonly RequestHistory[];
  /** Honour Retry-After on 413, 429 and 503. @default true @example { respectRetryAfterHeader: false } */
  respectRetryAfterHeader?: boolean;
  /** Longest Retry-After wait honoured, ms (6 hours). @default 21_600_000 @example { retryAfterMax: 60_000 } */
  retryAfterMax?: number;
  /** Headers dropped when a redirect leaves the origin (compared lower-case). @default Retry.DEFAULT_REMOVE_HEADERS_ON_REDIRECT @example { removeHeadersOnRedirect: ['authorization', 'x-api-key'] } */
  removeHeadersOnRedirect?: Iterable<string>;
  /** Time source and sleep. @default the real clock @example { clock: fakeClock } */
  clock?: RetryClock;
  /** Ours: the random source of the jitter, in [0, 1). @default Math.random @example { random: () => 0.5 } */
  random?: () => number;
}

const RETRY_KEYS = optionKeys<RetryOptions>({
  total: true,
  connect: true,
  read: true,
  redirect: true,
  status: true,
  other: true,
  allowedMethods: true,
  statusForcelist: true,
  backoffFactor: true,
  backoffMax: true,
  backoffJitter: true,
  raiseOnRedirect: true,
  raiseOnStatus: true,
  history: true,
  respectRetryAfterHeader: true,
  retryAfterMax: true,
  removeHeadersOnRedirect: true,
  clock: true,
  random: true,
});

type Count = number | false | null;
type Counters = { total: Count; connect: Count; read: Count; status: Count; other: Count };
type RetryConstructor<T extends Retry> = new (options: RetryOptions) => T;

/** A Set that refuses changes once built, so a Retry's sets cannot be altered through a cast. */
class FrozenSet<T> extends Set<T> {
  #sealed = false;
  constructor(items: Iterable<T>) {
    super();
    for (const item of items) super.add(item);
    this.#sealed = true;
    Object.freeze(this);
  }
  override add(value: T): this {
    if (this.#sealed) throw new TypeError('This set belongs to a Retry and cannot be changed.');
    return super.add(value);
  }
  override delete(_value: T): boolean {
    throw new TypeError('This set belongs to a Retry and cannot be changed.');
  }
  override clear(): void {
    throw new TypeError('This set belongs to a Retry and cannot be changed.');
  }
}

// setTimeout fires at once past 2^31-1 ms; such a wait is capped instead.
const MAX_TIMER_MS = 2_147_483_647;

/** The default clock: Date.now and an abortable setTimeout. */
export const REAL_CLOCK: RetryClock = Object.freeze({
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(Math.max(ms, 0), MAX_TIMER_MS),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
});

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function countOption(name: string, value: unknown, fallback: Count): Count {
  if (value === undefined) return fallback;
  if (value === null || value === false) return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new TypeError(
    `Retry option ${name} must be a whole number, false or null (no limit), got ${describe(value)}.`,
  );
}

function msOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value >= 0) return value;
  throw new TypeError(
    `Retry option ${name} must be a number of milliseconds >= 0, got ${describe(value)}.`,
  );
}

/** A user's iterable as a FrozenSet of normalised items; `undefined` and `null` pass through. */
function setOption<T>(
  name: string,
  value: Iterable<T> | null | undefined,
  normalise: (item: T) => T,
): ReadonlySet<T> | null | undefined {
  if (value === undefined || value === null || value instanceof FrozenSet) return value;
  if (typeof value === 'string' || typeof (value as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new TypeError(
      `Retry option ${name} must be an array or Set (or null), got ${describe(value)}.`,
    );
  }
  return new FrozenSet(Array.from(value, normalise));
}

const NO_STATUSES: ReadonlySet<number> = new FrozenSet<number>([]);

/**
 * A status code of statusForcelist. urllib3 compares with `in`, so `'500'` never matches 500 and
 * the retry silently never happens: refused here, where the mistake is made.
 */
function statusCodeItem(item: number): number {
  if (typeof item === 'number' && Number.isInteger(item)) return item;
  const what =
    typeof item === 'string' ? `'${item}' (a string)` : `${String(item)} (${typeof item})`;
  throw new TypeError(
    `Retry option statusForcelist must hold status codes as integers, e.g. [502, 503], got ${what}.`,
  );
}
const toUpper = (s: string) => String(s).toUpperCase();
const toLower = (s: string) => String(s).toLowerCase();

/** Python's `x - 1` on a counter, where False counts as 0 and None is left alone. */
function decrement(count: Count): Count {
  return count === null ? null : (count === false ? 0 : count) - 1;
}

/** A header value as urllib3's HTTPHeaderDict.get gives it: repeated values joined. */
function headerValue(headers: RawHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function redirectLocationOf(response: RetryResponse): string | null {
  if (!REDIRECT_STATUSES.has(response.status)) return null;
  return headerValue(response.headers, 'location') || null;
}

/**
 * Retry configuration and state (urllib3's Retry). Immutable: `increment()` returns a new one.
 * Subclasses survive `increment()` and `new()`; a subclass with options of its own overrides
 * `new()` to pass them on, and may `Object.freeze(this)` at the end of its constructor.
 *
 * @example
 * const retries = new Retry({ total: 5, backoffFactor: 200, statusForcelist: [502, 503, 504] });
 * await pools.urlopen('GET', url, { retries });
 */
export class Retry {
  /** Methods retried by default: the idempotent ones. */
  static readonly DEFAULT_ALLOWED_METHODS: ReadonlySet<string> = new FrozenSet(
    'HEAD GET PUT DELETE OPTIONS TRACE'.split(' '),
  );
  /** Statuses on which a Retry-After header makes a retry. */
  static readonly RETRY_AFTER_STATUS_CODES: ReadonlySet<number> = new FrozenSet([413, 429, 503]);
  /** Headers removed when a redirect goes to another origin (lower-case). */
  static readonly DEFAULT_REMOVE_HEADERS_ON_REDIRECT: ReadonlySet<string> = new FrozenSet(
    'cookie authorization proxy-authorization'.split(' '),
  );
  /** Longest backoff by default, ms. */
  static readonly DEFAULT_BACKOFF_MAX = 120_000;
  /** Longest Retry-After wait by default, ms (6 hours). */
  static readonly DEFAULT_RETRY_AFTER_MAX = 21_600_000;
  /** `new Retry({ total: 3 })`, what `Retry.from(null)` gives, as urllib3's Retry.DEFAULT. */
  static readonly DEFAULT: Retry = new Retry({ total: 3 });

  /** Retries left in all, or `null` (no overall limit), or `false` (no retry, errors raised as they are). */
  readonly total: Count;
  /** Retries left for errors opening a connection; `null` = limited by `total` only. */
  readonly connect: Count;
  /** Retries left for errors after the request was sent; `null` = limited by `total` only. */
  readonly read: Count;
  /** Never `false`: `redirect: false` (or `total: false`) becomes 0 with raiseOnRedirect false. */
  readonly redirect: number | null;
  /** Retries left for a status of `statusForcelist`; `null` = limited by `total` only. */
  readonly status: Count;
  /** Retries left for other errors; `null` = limited by `total` only. */
  readonly other: Count;
  /** Methods retried after their request may have reached the server; `null` = every method. */
  readonly allowedMethods: ReadonlySet<string> | null;
  /** Statuses that are retried (for methods of `allowedMethods`). */
  readonly statusForcelist: ReadonlySet<number>;
  /** ms; the sleep after the n-th consecutive error is `backoffFactor * 2^(n-1)`. */
  readonly backoffFactor: number;
  /** Longest backoff, ms. */
  readonly backoffMax: number;
  /** Up to this many ms of random jitter added to each backoff. */
  readonly backoffJitter: number;
  /** Throw MaxRetryError when redirects run out, rather than return the last 3xx. */
  readonly raiseOnRedirect: boolean;
  /** Raise (RetryError) when status retries run out, else return the last response. */
  readonly raiseOnStatus: boolean;
  /** What happened on each try so far, oldest first. */
  readonly history: readonly RequestHistory[];
  /** Wait for the Retry-After of a 413, 429 or 503. */
  readonly respectRetryAfterHeader: boolean;
  /** Longest Retry-After wait, ms: a longer one is cut to it. */
  readonly retryAfterMax: number;
  /** Lower-cased headers dropped when a redirect goes to another host. */
  readonly removeHeadersOnRedirect: ReadonlySet<string>;
  /** The time source and sleep of backoff and Retry-After waits. */
  readonly clock: RetryClock;
  /** Ours: the random source of the jitter, in [0, 1) (`Math.random` unless given). */
  readonly random: () => number;

  constructor(options: RetryOptions = {}) {
    const defaults = new.target as typeof Retry;
    // A subclass may take options of its own: only Retry itself knows the full set.
    if (new.target === Retry) checkOptionKeys(options, RETRY_KEYS, 'Retry option');
    this.total = countOption('total', options.total, 10);
    this.connect = countOption('connect', options.connect, null);
    this.read = countOption('read', options.read, null);
    this.status = countOption('status', options.status, null);
    this.other = countOption('other', options.other, null);
    const redirect = countOption('redirect', options.redirect, null);
    const noRedirects = redirect === false || this.total === false;
    this.redirect = noRedirects ? 0 : redirect;
    this.raiseOnRedirect = noRedirects ? false : (options.raiseOnRedirect ?? true);
    this.raiseOnStatus = options.raiseOnStatus ?? true;
    this.respectRetryAfterHeader = options.respectRetryAfterHeader ?? true;
    const methods = setOption('allowedMethods', options.allowedMethods, toUpper);
    this.allowedMethods = methods === undefined ? defaults.DEFAULT_ALLOWED_METHODS : methods;
    this.statusForcelist =
      setOption('statusForcelist', options.statusForcelist, statusCodeItem) ?? NO_STATUSES;
    this.removeHeadersOnRedirect =
      setOption('removeHeadersOnRedirect', options.removeHeadersOnRedirect, toLower) ??
      defaults.DEFAULT_REMOVE_HEADERS_ON_REDIRECT;
    this.backoffFactor = msOption('backoffFactor', options.backoffFactor, 0);
    this.backoffMax = msOption('backoffMax', options.backoffMax, defaults.DEFAULT_BACKOFF_MAX);
    this.backoffJitter = msOption('backoffJitter', options.backoffJitter, 0);
    const afterMax = defaults.DEFAULT_RETRY_AFTER_MAX;
    this.retryAfterMax = msOption('retryAfterMax', options.retryAfterMax, afterMax);
    const history = options.history ?? [];
    this.history = Object.isFrozen(history) ? history : Object.freeze([...history]);
    this.clock = options.clock ?? REAL_CLOCK;
    this.random = options.random ?? Math.random;
    if (new.target === Retry) Object.freeze(this);
  }

  /**
   * A Retry like this one with `options` changed (`undefined` keeps the current value), of the
   * same class as `this`.
   * @subclass
   */
  new(options: { [K in keyof RetryOptions]?: RetryOptions[K] | undefined } = {}): this {
    const merged: RetryOptions = {
      total: this.total,
      connect: this.connect,
      read: this.read,
      redirect: this.redirect,
      status: this.status,
      other: this.other,
      allowedMethods: this.allowedMethods,
      statusForcelist: this.statusForcelist,
      backoffFactor: this.backoffFactor,
      backoffMax: this.backoffMax,
      backoffJitter: this.backoffJitter,
      raiseOnRedirect: this.raiseOnRedirect,
      raiseOnStatus: this.raiseOnStatus,
      history: this.history,
      respectRetryAfterHeader: this.respectRetryAfterHeader,
      retryAfterMax: this.retryAfterMax,
      removeHeadersOnRedirect: this.removeHeadersOnRedirect,
      clock: this.clock,
      random: this.random,
    };
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
    return new (this.constructor as RetryConstructor<this>)(merged);
  }

  /**
   * urllib3's `Retry.from_int`: a Retry is kept; `null`/`undefined` take `options.default` (else
   * {@link Retry.DEFAULT}); a count n (or `false`) becomes `new Retry({ total: n })`, following
   * redirects unless `options.redirect` is falsy.
   * @example Retry.from(3) // Retry(total=3, connect=null, read=null, redirect=null, status=null)
   */
  static from(
    retries: Retry | number | false | null | undefined,
    options: { redirect?: boolean | number | null; default?: Retry | number | null } = {},
  ): Retry {
    // `this`, not Retry: a subclass's DEFAULT and constructor are used, as urllib3's `cls`.
    // biome-ignore lint/complexity/noThisInStatic: see above
    if (retries === null || retries === undefined) retries = options.default ?? this.DEFAULT;
    if (retries instanceof Retry) return retries;
    if (retries !== false && (typeof retries !== 'number' || !Number.isInteger(retries))) {
      throw new TypeError(
        `retries must be a Retry, a whole number, false or null, got ${describe(retries)}.`,
      );
    }
    const redirect = options.redirect === undefined ? true : options.redirect;
    return new this({ total: retries, redirect: redirect ? null : false });
  }

  /** Backoff before the next try, ms: none until 2 consecutive errors, then factor * 2^(n-1). */
  getBackoffTime(): number {
    let consecutive = 0;
    for (let i = this.history.length - 1; i >= 0; i--) {
      if (this.history[i]!.redirectLocation !== null) break;
      consecutive++;
    }
    if (consecutive <= 1) return 0;
    let backoff = this.backoffFactor * 2 ** (consecutive - 1);
    if (this.backoffJitter !== 0) backoff += this.random() * this.backoffJitter;
    return Math.max(0, Math.min(this.backoffMax, backoff));
  }

  /**
   * A Retry-After value in ms: whole seconds, or an HTTP date measured against the clock; never
   * below 0 nor above `retryAfterMax`.
   * @throws PoolInvalidHeader when it is neither.
   */
  parseRetryAfter(value: string): number {
    let ms: number;
    if (/^\s*[0-9]+\s*$/.test(value)) {
      ms = Number.parseInt(value.trim(), 10) * 1000;
    } else {
      const date = parseHttpDate(value);
      if (date === null) throw new PoolInvalidHeader(`Invalid Retry-After header: ${value}`);
      ms = date - this.clock.now();
    }
    return Math.min(Math.max(ms, 0), this.retryAfterMax);
  }

  /** The response's Retry-After wait in ms, or null when it has none. */
  getRetryAfter(response: RetryResponse): number | null {
    const value = headerValue(response.headers, 'retry-after');
    return value === undefined ? null : this.parseRetryAfter(value);
  }

  /** Sleeps for the response's Retry-After; false (no sleep) when it has none or it is 0. */
  async sleepForRetry(response: RetryResponse, signal?: AbortSignal): Promise<boolean> {
    const wait = this.getRetryAfter(response);
    if (!wait) return false;
    await this.clock.sleep(wait, signal);
    return true;
  }

  /**
   * Sleeps between tries: the response's Retry-After when it is respected and present, else the
   * backoff. Rejects with `signal.reason` when the signal aborts, at once when already aborted.
   */
  async sleep(response?: RetryResponse | null, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.respectRetryAfterHeader && response) {
      if (await this.sleepForRetry(response, signal)) return;
    }
    const backoff = this.getBackoffTime();
    if (backoff > 0) await this.clock.sleep(backoff, signal);
  }

  /** The server did not get the request: a connect timeout or a refused connection (also behind a proxy). */
  isConnectionError(err: Error): boolean {
    const inner = err instanceof PoolProxyError && err.cause instanceof Error ? err.cause : err;
    return inner instanceof ConnectTimeoutError || inner instanceof NewConnectionError;
  }

  /** The request went out, so the server may have acted on it: a read timeout or a broken connection. */
  isReadError(err: Error): boolean {
    return err instanceof ReadTimeoutError || err instanceof ProtocolError;
  }

  /** Whether `method` may be retried after a read error or a bad status. */
  isMethodRetryable(method: string): boolean {
    const allowed = this.allowedMethods;
    return allowed === null || allowed.size === 0 || allowed.has(method.toUpperCase());
  }

  /**
   * Whether a response with `statusCode` should be retried: the method is allowed and the status
   * is forced, or it carries Retry-After on 413/429/503 (only while `total` is a positive count,
   * as in urllib3).
   */
  isRetry(method: string, statusCode: number, hasRetryAfter = false): boolean {
    if (!this.isMethodRetryable(method)) return false;
    if (this.statusForcelist.has(statusCode)) return true;
    const codes = (this.constructor as typeof Retry).RETRY_AFTER_STATUS_CODES;
    return Boolean(
      this.total && this.respectRetryAfterHeader && hasRetryAfter && codes.has(statusCode),
    );
  }

  /** Whether a counter has gone below zero. */
  isExhausted(): boolean {
    for (const count of [
      this.total,
      this.connect,
      this.read,
      this.redirect,
      this.status,
      this.other,
    ]) {
      if (count && count < 0) return true;
    }
    return false;
  }

  /**
   * The Retry for the next try, after `error` or `response`. Throws `error` itself when retries
   * are off (`total: false`), when its kind is off (`connect`/`read: false`), or when it is a read
   * error on a method that may not be retried.
   * @throws MaxRetryError (reason: the error, or a ResponseError) when a counter runs out.
   */
  increment(
    method: string | null = null,
    url: string | null = null,
    options: {
      response?: RetryResponse | null;
      error?: Error | null;
      pool?: unknown;
      stacktrace?: unknown;
    } = {},
  ): this {
    const { response = null, error = null, pool = null } = options;
    if (this.total === false && error) throw error;
    const counts: Counters = {
      total: decrement(this.total),
      connect: this.connect,
      read: this.read,
      status: this.status,
      other: this.other,
    };
    let redirect = this.redirect;
    let cause = ResponseError.GENERIC_ERROR;
    let status: number | null = null;
    let redirectLocation: string | null = null;
    if (error) {
      this.countError(error, method, counts);
    } else if (response && (redirectLocation = redirectLocationOf(response))) {
      if (redirect !== null) redirect -= 1;
      cause = 'too many redirects';
      status = response.status;
    } else if (response?.status) {
      counts.status = decrement(counts.status);
      cause = ResponseError.SPECIFIC_ERROR.replace('{status_code}', String(response.status));
      status = response.status;
    }
    const history = Object.freeze([
      ...this.history,
      new RequestHistory(method, url, error, status, redirectLocation),
    ]);
    const next = this.new({ ...counts, redirect, history });
    if (next.isExhausted()) {
      throw new MaxRetryError(pool, url ?? '', error ?? new ResponseError(cause));
    }
    return next;
  }

  /** Counts `error` against its kind, or rethrows it when that kind may not be retried. */
  protected countError(error: Error, method: string | null, counts: Counters): void {
    if (this.isConnectionError(error)) {
      if (counts.connect === false) throw error;
      counts.connect = decrement(counts.connect);
    } else if (this.isReadError(error)) {
      if (counts.read === false || method === null || !this.isMethodRetryable(method)) throw error;
      counts.read = decrement(counts.read);
    } else {
      counts.other = decrement(counts.other);
    }
  }

  /** As urllib3's repr: `Retry(total=3, connect=null, read=null, redirect=null, status=null)`. */
  toString(): string {
    return `${this.constructor.name}(total=${this.total}, connect=${this.connect}, read=${this.read}, redirect=${this.redirect}, status=${this.status})`;
  }
}
