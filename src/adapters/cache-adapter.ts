/**
 * CacheAdapter: an HTTP cache (RFC 9111) in front of another adapter, mounted like any adapter.
 * The rules are in cache/policy.ts, the stores in cache/store.ts and cache/file-cache.ts.
 */
import { ConnectionError, Timeout } from '../errors.js';
import { type PreparedRequest, requestTargetOrNull } from '../models/prepared-request.js';
import type { Response } from '../models/response.js';
import { parseUrl } from '../pool/parse-url.js';
import { now as clock } from '../pool/timings.js';
import type { RawHeaders } from '../pool/types.js';
import { prepareUrl, requoteUri } from '../utils/url.js';
import { joinUrl } from '../utils/url-parse.js';
import { BaseAdapter, type SendOptions } from './base-adapter.js';
import { buildResponse } from './build-response.js';
import {
  type CachedResponse,
  currentAge,
  type Directives,
  headerValue,
  isStorable,
  mergeNotModified,
  parseCacheControl,
  requestDirectives,
  staleIfError,
  storedHeaders,
  varyMatches,
  varyValues,
  verdict,
} from './cache/policy.js';
import { RecordingRawResponse } from './cache/recording-raw.js';
import { type CacheStore, MemoryCache } from './cache/store.js';
import { HTTPAdapter } from './http-adapter.js';
import { MemoryRawResponse } from './memory-raw.js';

/** Options of {@link CacheAdapter}. */
export interface CacheAdapterOptions {
  /** The adapter that reaches the origin. @default new HTTPAdapter() */
  adapter?: BaseAdapter | undefined;
  /** Where responses are kept. @default new MemoryCache() */
  store?: CacheStore | undefined;
  /**
   * A shared cache (RFC 9111 §1): `s-maxage` and `proxy-revalidate` apply, `private` responses
   * are not stored. @default false (a private cache, as a client's is)
   */
  shared?: boolean | undefined;
}

// §4.4: methods that do not invalidate (safe methods).
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const EMPTY = new Uint8Array(0);

/**
 * Caches GET responses as RFC 9111 says a client cache does: fresh responses are answered from
 * the store (`r.fromCache === true`), stale ones are revalidated with `If-None-Match` /
 * `If-Modified-Since`, unsafe methods invalidate what they touch.
 * @example
 * const s = new Session();
 * s.mount('https://', new CacheAdapter());
 * s.mount('http://', new CacheAdapter({ store: new FileCache('.cache/http') }));
 * const r = await s.get('https://example.org/'); // again within max-age: r.fromCache === true
 */
export class CacheAdapter extends BaseAdapter {
  readonly adapter: BaseAdapter;
  readonly store: CacheStore;
  readonly shared: boolean;
  // Writes still under way, so a request right after a streamed read finds its entry.
  readonly #pending = new Map<string, Promise<void>>();

  constructor(options: CacheAdapterOptions = {}) {
    super();
    const { adapter, store, shared = false } = options;
    if (adapter !== undefined && typeof adapter?.send !== 'function') {
      throw new TypeError('CacheAdapter({ adapter }) must be an adapter (a BaseAdapter)');
    }
    if (store !== undefined && typeof store?.get !== 'function') {
      throw new TypeError('CacheAdapter({ store }) must be a CacheStore (get, set, delete)');
    }
    this.adapter = adapter ?? new HTTPAdapter();
    this.store = store ?? new MemoryCache();
    this.shared = shared;
  }

  /** Answers from the store when it may, else through `adapter`, storing what it may. */
  async send(request: PreparedRequest, options: SendOptions = {}): Promise<Response> {
    const startedAt = clock();
    const method = request.method ?? 'GET';
    if (method !== 'GET') return this.#sendUncached(request, options, method);
    const key = cacheKey(request.url ?? '');
    const header = (name: string) => request.headers.get(name) ?? undefined;
    const req = requestDirectives(header('cache-control'), header('pragma'));
    // A Range or the caller's own validators: theirs to handle, the store is not consulted.
    const bypass = header('range') !== undefined || hasValidators(header);
    const entry = bypass ? undefined : await this.#lookup(key, header);
    const now = Date.now();
    if (entry !== undefined) {
      const v = verdict(entry, req, now, this.shared);
      if (v.verdict === 'fresh') return this.#answer(request, entry, options, v.age, startedAt);
    }
    if (req.has('only-if-cached')) return this.#gatewayTimeout(request, options, startedAt); // §5.2.1.7
    return this.#fetch(request, options, { key, req, entry, startedAt });
  }

  async #fetch(
    request: PreparedRequest,
    options: SendOptions,
    ctx: { key: string; req: Directives; entry: CachedResponse | undefined; startedAt: number },
  ): Promise<Response> {
    const { key, req, entry, startedAt } = ctx;
    const sent = entry ? withValidators(request, entry) : request;
    const requestTime = Date.now();
    let r: Response;
    try {
      r = await this.adapter.send(sent, options);
    } catch (err) {
      const down = err instanceof ConnectionError || err instanceof Timeout;
      if (!down || !this.#mayServeStale(entry, req)) throw err;
      return this.#answerStale(request, entry as CachedResponse, options, startedAt);
    }
    const responseTime = Date.now();
    if (r.statusCode >= 500 && this.#mayServeStale(entry, req, r.statusCode)) {
      r.close();
      return this.#answerStale(request, entry as CachedResponse, options, startedAt);
    }
    if (entry !== undefined && r.statusCode === 304) {
      // §4.3.3/§4.3.4: the 304 freshens the stored response, which is what the caller gets.
      r.close();
      const headers = mergeNotModified(entry.headers, rawHeadersOf(r));
      const updated = { ...entry, headers, requestTime, responseTime };
      this.#write(key, updated);
      return this.#answer(request, updated, options, currentAge(updated, Date.now()), startedAt);
    }
    this.#maybeStore(key, request, r, req, { requestTime, responseTime }, options);
    return r;
  }

  #mayServeStale(entry: CachedResponse | undefined, req: Directives, status?: number): boolean {
    return entry !== undefined && staleIfError(entry, req, Date.now(), this.shared, status);
  }

  /** Stores `r` when §3 allows: now when its body was read, as it is read for a stream. */
  #maybeStore(
    key: string,
    request: PreparedRequest,
    r: Response,
    req: Directives,
    times: { requestTime: number; responseTime: number },
    options: SendOptions,
  ): void {
    const headers = rawHeadersOf(r);
    const res = parseCacheControl(headerValue(headers, 'cache-control'));
    const hasAuth = request.headers.has('authorization');
    if (!isStorable(r.statusCode, res, headers, req, hasAuth, this.shared)) {
      if (res.has('no-store')) this.#remove(key); // a stored copy must not outlive this answer
      return;
    }
    const vary = varyValues(headerValue(headers, 'vary'), (n) => request.headers.get(n));
    const make = (body: Uint8Array): CachedResponse => ({
      url: key,
      status: r.statusCode,
      reason: r.reason,
      headers: storedHeaders(headers),
      body,
      ...times,
      vary,
    });
    if (!options.stream || r.raw === null) {
      this.#write(key, make(r.content));
    } else {
      r.raw = new RecordingRawResponse(r.raw, (body) => this.#write(key, make(body)));
    }
  }

  /** Non-GET methods go through; unsafe ones invalidate the URL and its targets (§4.4). */
  async #sendUncached(request: PreparedRequest, options: SendOptions, method: string) {
    const r = await this.adapter.send(request, options);
    if (!SAFE.has(method) && r.statusCode >= 200 && r.statusCode < 400) {
      const url = request.url ?? '';
      const targets = [url, r.headers.get('location'), r.headers.get('content-location')];
      for (const target of targets) {
        const resolved = target ? sameOrigin(request, target) : null;
        if (resolved !== null) this.#remove(cacheKey(resolved));
      }
    }
    return r;
  }

  async #lookup(key: string, header: (name: string) => string | undefined) {
    await this.#pending.get(key);
    let entry: CachedResponse | undefined;
    try {
      entry = await this.store.get(key);
    } catch {
      return undefined; // a failing store is an empty one
    }
    return entry !== undefined && varyMatches(entry.vary, header) ? entry : undefined;
  }

  #write(key: string, entry: CachedResponse): void {
    this.#track(key, () => this.store.set(key, entry));
  }

  #remove(key: string): void {
    this.#track(key, () => this.store.delete(key));
  }

  // One write at a time per key, in order; errors are dropped (the entry is then just absent).
  #track(key: string, op: () => Promise<void>): void {
    const before = this.#pending.get(key) ?? Promise.resolve();
    const done = before.then(op).catch(() => undefined);
    this.#pending.set(key, done);
    void done.then(() => {
      if (this.#pending.get(key) === done) this.#pending.delete(key);
    });
  }

  #answerStale(
    request: PreparedRequest,
    entry: CachedResponse,
    options: SendOptions,
    startedAt: number,
  ) {
    return this.#answer(request, entry, options, currentAge(entry, Date.now()), startedAt);
  }

  /** A Response made from a stored entry, with the Age it has now (§4, §5.1). */
  async #answer(
    request: PreparedRequest,
    entry: CachedResponse,
    options: SendOptions,
    age: number,
    startedAt: number,
  ): Promise<Response> {
    const headers: RawHeaders = { ...entry.headers, age: String(Math.floor(age / 1000)) };
    // Answered from the store: no phase measured, `total` from the call to the body handed out.
    const raw = new MemoryRawResponse(
      entry.status,
      entry.reason,
      headers,
      entry.url,
      entry.body,
      startedAt,
    );
    const r = buildResponse(this, request, raw);
    r.fromCache = true;
    if (!options.stream) await r.read();
    return r;
  }

  async #gatewayTimeout(
    request: PreparedRequest,
    options: SendOptions,
    startedAt: number,
  ): Promise<Response> {
    const url = request.url ?? '';
    const raw = new MemoryRawResponse(504, 'Gateway Timeout', {}, url, EMPTY, startedAt);
    const r = buildResponse(this, request, raw);
    if (!options.stream) await r.read();
    return r;
  }

  /** Waits for the store writes under way, closes the wrapped adapter and the store. */
  async close(): Promise<void> {
    await Promise.all(this.#pending.values());
    await this.adapter.close();
    await this.store.close?.();
  }
}

/** The store key of a URL: the URL without its fragment. */
function cacheKey(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function hasValidators(header: (name: string) => string | undefined): boolean {
  return header('if-none-match') !== undefined || header('if-modified-since') !== undefined;
}

/** A copy of `request` with the stored response's validators (§4.3.1). */
function withValidators(request: PreparedRequest, entry: CachedResponse): PreparedRequest {
  const etag = headerValue(entry.headers, 'etag');
  const lastModified = headerValue(entry.headers, 'last-modified');
  if (etag === undefined && lastModified === undefined) return request;
  const copy = request.copy();
  if (etag !== undefined) copy.headers.set('If-None-Match', etag);
  if (lastModified !== undefined) copy.headers.set('If-Modified-Since', lastModified);
  return copy;
}

function rawHeadersOf(r: Response): RawHeaders {
  if (r.raw !== null) return r.raw.headers;
  const out: RawHeaders = Object.create(null); // a field may be named __proto__
  for (const [name, value] of r.headers.lowerItems()) out[name] = value;
  return out;
}

/**
 * `ref` resolved against the request's URL and prepared as a request URL is (so it matches the
 * key of a cached response) when it has the request's origin (§4.4), else null. The same parse
 * as the request's (scheme, host, port, socket): no second URL parser with other rules.
 */
function sameOrigin(request: PreparedRequest, ref: string): string | null {
  const base = requestTargetOrNull(request);
  if (base === null) return null;
  try {
    const url = prepareUrl(joinUrl(request.url!, requoteUri(ref)));
    const t = parseUrl(url);
    const same =
      t.scheme === base.scheme &&
      t.host === base.host &&
      t.port === base.port &&
      t.socketPath === base.socketPath;
    return same ? url : null;
  } catch {
    return null;
  }
}
