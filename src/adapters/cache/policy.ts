/**
 * adapters/cache/ holds the HTTP cache (RFC 9111) that CacheAdapter mounts: this file the
 * freshness and cacheability rules (pure functions, no I/O), store.ts the store interface and
 * MemoryCache, file-cache.ts the FileCache, recording-raw.ts the body recorder for streams.
 */
import { parseHttpDate } from '../../_internal/http-date.js';
import type { RawHeaders } from '../../pool/types.js';

/** Parsed Cache-Control directives: lower-cased names, unquoted values (`true` when bare). */
export type Directives = Map<string, string | true>;

/** A stored response, as a CacheStore keeps it. Times are epoch ms. */
export interface CachedResponse {
  /** The URL the response answered (without fragment). */
  url: string;
  status: number;
  reason: string;
  /** Response headers as received (lower-case names), hop-by-hop fields removed. */
  headers: RawHeaders;
  /** The decoded body. */
  body: Uint8Array;
  /** When the request that fetched it was sent (RFC 9111 §4.2.3 `request_time`). */
  requestTime: number;
  /** When its headers arrived (§4.2.3 `response_time`). */
  responseTime: number;
  /** Values of the request headers its Vary names, lower-case names; null when absent (§4.1). */
  vary: Record<string, string | null>;
}

// §3.1: a cache does not store these (hop-by-hop) fields.
const NOT_STORED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
]);
// RFC 9110 §15.1: statuses cacheable by heuristic freshness.
const HEURISTIC_STATI = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);
/** §4.2.2: the fraction of (Date - Last-Modified) used as heuristic lifetime. */
export const HEURISTIC_FRACTION = 0.1;
/** Cap of a heuristic lifetime: a day, the point where RFC 7234 required a warning. */
export const HEURISTIC_MAX_MS = 86_400_000;
// §1.2.2: delta-seconds above 2^31 are taken as 2^31.
const MAX_DELTA = 2 ** 31;

/** One header value from RawHeaders, repeated fields joined with ', '. */
export function headerValue(headers: RawHeaders, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}

/** Parses a Cache-Control value (§5.2); the first occurrence of a directive wins (§4.2.1). */
export function parseCacheControl(value: string | undefined | null): Directives {
  const out: Directives = new Map();
  if (!value) return out;
  for (const m of value.matchAll(/([^\s=,]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,]*))?/g)) {
    const name = (m[1] as string).toLowerCase();
    if (out.has(name)) continue;
    const raw = m[2]?.trim();
    out.set(
      name,
      raw === undefined ? true : raw.replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1'),
    );
  }
  return out;
}

/** A delta-seconds directive in ms: null when absent, 0 when malformed (treated as stale). */
export function deltaMs(d: Directives, name: string): number | null {
  const v = d.get(name);
  if (v === undefined) return null;
  if (v === true || !/^\d+$/.test(v)) return 0;
  return Math.min(Number(v), MAX_DELTA) * 1000;
}

/** The request's directives; `Pragma: no-cache` counts as `no-cache` without Cache-Control (§5.4). */
export function requestDirectives(cacheControl: string | undefined, pragma: string | undefined) {
  const d = parseCacheControl(cacheControl);
  if (cacheControl === undefined && pragma && /(^|,)\s*no-cache\s*(,|$)/i.test(pragma)) {
    d.set('no-cache', true);
  }
  return d;
}

/**
 * Whether a response to a GET may be stored (§3), `hasAuth` being an Authorization header on the
 * request (§3.5, applied to private caches too: a Session's credentials change between calls).
 */
export function isStorable(
  status: number,
  res: Directives,
  headers: RawHeaders,
  reqDirectives: Directives,
  hasAuth: boolean,
  shared: boolean,
): boolean {
  if (status < 200 || status === 206 || status === 304) return false;
  if (res.has('no-store') || reqDirectives.has('no-store')) return false; // §5.2.2.5, §5.2.1.5
  if (shared && res.has('private')) return false; // §5.2.2.7
  if (headerValue(headers, 'vary')?.includes('*')) return false; // §4.1: never matches
  if (hasAuth && !authAllows(res, shared)) return false;
  return (
    res.has('public') ||
    (!shared && res.has('private')) ||
    headers.expires !== undefined ||
    res.has('max-age') ||
    (shared && res.has('s-maxage')) ||
    HEURISTIC_STATI.has(status)
  );
}

/** §3.5: a response to a request with Authorization may be stored only when it says so. */
function authAllows(res: Directives, shared: boolean): boolean {
  return (
    res.has('public') ||
    res.has('must-revalidate') ||
    res.has('s-maxage') ||
    (!shared && res.has('private'))
  );
}

/** The freshness lifetime in ms (§4.2.1), heuristic when nothing explicit is given (§4.2.2). */
export function freshnessLifetime(entry: CachedResponse, res: Directives, shared: boolean): number {
  if (shared) {
    const s = deltaMs(res, 's-maxage');
    if (s !== null) return s;
  }
  const maxAge = deltaMs(res, 'max-age');
  if (maxAge !== null) return maxAge;
  const date = dateOf(entry);
  const expires = headerValue(entry.headers, 'expires');
  if (expires !== undefined) {
    const at = parseHttpDate(expires);
    return at === null ? 0 : Math.max(0, at - date); // §5.3: an invalid Expires is in the past
  }
  const lastModified = headerValue(entry.headers, 'last-modified');
  if (lastModified === undefined) return 0;
  if (!HEURISTIC_STATI.has(entry.status) && !res.has('public')) return 0;
  const lm = parseHttpDate(lastModified);
  if (lm === null || lm >= date) return 0;
  return Math.min(HEURISTIC_FRACTION * (date - lm), HEURISTIC_MAX_MS);
}

/** The Date of the response, or when it was received when it has none (§4.2.3). */
function dateOf(entry: CachedResponse): number {
  const date = headerValue(entry.headers, 'date');
  const at = date === undefined ? null : parseHttpDate(date);
  return at ?? entry.responseTime;
}

/** The current age in ms (§4.2.3). */
export function currentAge(entry: CachedResponse, now: number): number {
  const ageHeader = headerValue(entry.headers, 'age');
  const ageValue = ageHeader && /^\d+$/.test(ageHeader.trim()) ? Number(ageHeader) * 1000 : 0;
  const apparentAge = Math.max(0, entry.responseTime - dateOf(entry));
  const responseDelay = entry.responseTime - entry.requestTime;
  const correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
  return correctedInitialAge + (now - entry.responseTime);
}

/** What the cache may do with a stored response for this request. */
export type Verdict = 'fresh' | 'stale';

/**
 * Whether `entry` may answer the request without contacting the origin (§4.2, §5.2.1, §5.2.2):
 * 'fresh' serves it, 'stale' asks for validation.
 */
export function verdict(
  entry: CachedResponse,
  req: Directives,
  now: number,
  shared: boolean,
): { verdict: Verdict; age: number } {
  const res = parseCacheControl(headerValue(entry.headers, 'cache-control'));
  const age = currentAge(entry, now);
  if (req.has('no-cache') || res.has('no-cache')) return { verdict: 'stale', age };
  let lifetime = freshnessLifetime(entry, res, shared);
  const reqMaxAge = deltaMs(req, 'max-age');
  if (reqMaxAge !== null) lifetime = Math.min(lifetime, reqMaxAge); // §5.2.1.1
  const minFresh = deltaMs(req, 'min-fresh') ?? 0; // §5.2.1.3
  if (lifetime > age && lifetime - age >= minFresh) {
    return { verdict: 'fresh', age };
  }
  return { verdict: staleAllowed(req, res, shared, age - lifetime) ? 'fresh' : 'stale', age };
}

/** §5.2.1.2 max-stale, unless must-revalidate (§5.2.2.2) or proxy-revalidate/s-maxage forbid it. */
function staleAllowed(req: Directives, res: Directives, shared: boolean, staleness: number) {
  const maxStale = req.get('max-stale');
  if (maxStale === undefined || req.has('max-age') || req.has('min-fresh')) return false;
  if (res.has('must-revalidate')) return false;
  if (shared && (res.has('proxy-revalidate') || res.has('s-maxage'))) return false;
  return maxStale === true || staleness <= (deltaMs(req, 'max-stale') ?? 0);
}

/** The stored headers: the response's, without the fields §3.1 excludes. */
export function storedHeaders(headers: RawHeaders): RawHeaders {
  const out: RawHeaders = Object.create(null); // a field may be named __proto__
  for (const name of Object.keys(headers)) {
    if (!NOT_STORED.has(name) && headers[name] !== undefined) out[name] = headers[name];
  }
  return out;
}

/** §3.2 / §4.3.4: a 304's headers update the stored ones, Content-Length excepted. */
export function mergeNotModified(stored: RawHeaders, notModified: RawHeaders): RawHeaders {
  const out: RawHeaders = Object.assign(Object.create(null), stored);
  for (const [name, value] of Object.entries(storedHeaders(notModified))) {
    if (name !== 'content-length') out[name] = value;
  }
  return out;
}

/** The request header values a response's Vary names (§4.1). */
export function varyValues(
  vary: string | undefined,
  get: (name: string) => string | undefined,
): Record<string, string | null> {
  const out: Record<string, string | null> = Object.create(null); // Vary may name __proto__
  if (!vary) return out;
  for (const part of vary.split(',')) {
    const name = part.trim().toLowerCase();
    if (name) out[name] = normalise(get(name));
  }
  return out;
}

/** Whether the request matches the Vary values stored with a response (§4.1). */
export function varyMatches(
  stored: Record<string, string | null>,
  get: (name: string) => string | undefined,
): boolean {
  for (const name of Object.keys(stored)) {
    if (normalise(get(name)) !== stored[name]) return false;
  }
  return true;
}

// §4.1: values may be normalised (whitespace), so "gzip,  br" matches "gzip, br".
function normalise(value: string | undefined): string | null {
  return value === undefined ? null : value.trim().replace(/\s*,\s*/g, ', ');
}

// RFC 5861 §4: the statuses stale-if-error covers.
const ERROR_STATI = new Set([500, 502, 503, 504]);

/**
 * Whether a stale `entry` may answer in place of an error (a failed connection, or `status`
 * when given): `stale-if-error` of the request or response (RFC 5861 §4), within its window,
 * unless a directive forbids serving stale (§4.2.4: no-cache, must-revalidate).
 */
export function staleIfError(
  entry: CachedResponse,
  req: Directives,
  now: number,
  shared: boolean,
  status?: number,
): boolean {
  if (status !== undefined && !ERROR_STATI.has(status)) return false;
  const res = parseCacheControl(headerValue(entry.headers, 'cache-control'));
  if (res.has('no-cache') || res.has('must-revalidate') || req.has('no-cache')) return false;
  if (shared && (res.has('proxy-revalidate') || res.has('s-maxage'))) return false;
  const window = deltaMs(req, 'stale-if-error') ?? deltaMs(res, 'stale-if-error');
  if (window === null) return false;
  return currentAge(entry, now) - freshnessLifetime(entry, res, shared) <= window;
}
