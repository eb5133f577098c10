/**
 * The RFC 9111 conformance table CacheAdapter is held to: each case names its section, how the
 * origin answers its n-th request (n from 1), and the steps a client takes, with the number of
 * requests the origin has received after each step.
 */
import type { EchoRecord } from './server.js';

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Step {
  method?: string;
  /** Path below the case's own prefix. @default '/r' */
  path?: string;
  headers?: Record<string, string>;
  /** Requests the origin has received after this step. */
  hits: number;
  fromCache: boolean;
  status?: number;
  body?: string;
  /** Checks on what the origin received last / the response's headers. */
  sent?: (last: EchoRecord) => void;
  got?: (headers: Record<string, string | undefined>) => void;
}

export interface Case {
  section: string;
  name: string;
  shared?: boolean;
  serve: (n: number, last: EchoRecord) => Answer;
  steps: Step[];
}

/** An HTTP date `s` seconds from now (negative: in the past). */
export const at = (s: number) => new Date(Date.now() + s * 1000).toUTCString();
const cc =
  (v: string, more: Record<string, string> = {}) =>
  () => ({
    headers: { 'cache-control': v, ...more },
  });
const twice = (first: boolean): Step[] => [
  { hits: 1, fromCache: false },
  { hits: first ? 1 : 2, fromCache: first },
];
const CACHED = twice(true);
const NOT_CACHED = twice(false);
const eq = (a: unknown, b: unknown, what: string) => {
  if (a !== b) throw new Error(`${what}: expected ${String(b)}, got ${String(a)}`);
};
const etagged = (cacheControl: string) => (n: number, last: EchoRecord) =>
  last.headers['if-none-match'] === '"v1"'
    ? { status: 304, headers: { etag: '"v1"', 'cache-control': cacheControl } }
    : { headers: { etag: '"v1"', 'cache-control': cacheControl }, body: `body-${n}` };

// biome-ignore format: a table reads better one case a line
export const CASES: Case[] = [
  { section: '§4.2.1', name: 'max-age makes a response fresh', serve: cc('max-age=60'), steps: CACHED },
  { section: '§4.2.1', name: 'max-age=0 is stale at once', serve: cc('max-age=0'), steps: NOT_CACHED },
  { section: '§1.2.2', name: 'a malformed max-age counts as stale', serve: cc('max-age=abc'), steps: NOT_CACHED },
  { section: '§4.2.1', name: 'the first of two max-age directives wins', serve: cc('max-age=60, max-age=0'), steps: CACHED },
  { section: '§4.2.3', name: 'an Age past max-age makes it stale', serve: cc('max-age=60', { age: '100' }), steps: NOT_CACHED },
  { section: '§4.2.3', name: 'an Age below max-age keeps it fresh', serve: cc('max-age=60', { age: '30' }), steps: CACHED },
  { section: '§4.2.3', name: 'a Date in the past adds apparent age', serve: () => ({ headers: { 'cache-control': 'max-age=60', date: at(-100) } }), steps: NOT_CACHED },
  { section: '§4.2.1', name: 'Expires in the future is fresh', serve: () => ({ headers: { expires: at(60), date: at(0) } }), steps: CACHED },
  { section: '§4.2.1', name: 'Expires in the past is stale', serve: () => ({ headers: { expires: at(-60), date: at(0) } }), steps: NOT_CACHED },
  { section: '§5.3', name: 'an invalid Expires ("0") is in the past', serve: () => ({ headers: { expires: '0' } }), steps: NOT_CACHED },
  { section: '§5.3', name: 'max-age wins over Expires', serve: () => ({ headers: { 'cache-control': 'max-age=60', expires: at(-60) } }), steps: CACHED },
  { section: '§5.2.2.10', name: 'a private cache ignores s-maxage', serve: cc('s-maxage=60, max-age=0'), steps: NOT_CACHED },
  { section: '§5.2.2.10', name: 'a shared cache uses s-maxage over max-age', shared: true, serve: cc('s-maxage=60, max-age=0'), steps: CACHED },
  { section: '§4.2.2', name: 'Last-Modified long ago gives heuristic freshness', serve: () => ({ headers: { 'last-modified': at(-864_000), date: at(0) } }), steps: CACHED },
  { section: '§4.2.2', name: 'heuristic lifetime is 10% of Date - Last-Modified', serve: () => ({ headers: { 'last-modified': at(-100), date: at(0), age: '20' } }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, sent: (l) => eq(typeof l.headers['if-modified-since'], 'string', 'If-Modified-Since') }] },
  { section: '§4.2.2', name: 'heuristic lifetime is capped at a day', serve: () => ({ headers: { 'last-modified': at(-8_640_000), date: at(0), age: '90000' } }), steps: NOT_CACHED },
  { section: '§4.2.2', name: 'no heuristic freshness for a status not heuristically cacheable', serve: () => ({ status: 202, headers: { 'last-modified': at(-864_000) } }), steps: NOT_CACHED },
  { section: '§4.2.2', name: 'public allows heuristic freshness for any status', serve: () => ({ status: 202, headers: { 'cache-control': 'public', 'last-modified': at(-864_000), date: at(0) } }), steps: CACHED },
  { section: '§3', name: 'a 404 with max-age is stored', serve: () => ({ status: 404, headers: { 'cache-control': 'max-age=60' } }), steps: [{ hits: 1, fromCache: false, status: 404 }, { hits: 1, fromCache: true, status: 404 }] },
  { section: '§3', name: 'a 500 without freshness is not stored', serve: () => ({ status: 500 }), steps: NOT_CACHED },
  { section: '§3', name: 'a 301 is heuristically cacheable with max-age', serve: () => ({ status: 301, headers: { location: '/elsewhere', 'cache-control': 'max-age=60' } }), steps: [{ hits: 1, fromCache: false, status: 301 }, { hits: 1, fromCache: true, status: 301 }].map((s) => ({ ...s, headers: {} })) },
  { section: '§5.2.2.5', name: 'no-store is never stored', serve: cc('no-store, max-age=60'), steps: NOT_CACHED },
  { section: '§5.2.2.4', name: 'no-cache is stored but revalidated each time', serve: etagged('no-cache'), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: true, body: 'body-1', sent: (l) => eq(l.headers['if-none-match'], '"v1"', 'If-None-Match') }] },
  { section: '§5.2.2.7', name: 'a private cache stores private responses', serve: cc('private, max-age=60'), steps: CACHED },
  { section: '§5.2.2.7', name: 'a shared cache does not store private responses', shared: true, serve: cc('private, max-age=60'), steps: NOT_CACHED },
  { section: '§5.2.1.2', name: 'max-stale accepts a stale response', serve: cc('max-age=1', { age: '5' }), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: true, headers: { 'cache-control': 'max-stale=60' } }] },
  { section: '§5.2.1.2', name: 'max-stale without a value accepts any staleness', serve: cc('max-age=1', { age: '500' }), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: true, headers: { 'cache-control': 'max-stale' } }] },
  { section: '§5.2.1.2', name: 'max-stale below the staleness does not', serve: cc('max-age=1', { age: '5' }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, headers: { 'cache-control': 'max-stale=1' } }] },
  { section: '§5.2.2.2', name: 'must-revalidate forbids serving stale despite max-stale', serve: cc('max-age=1, must-revalidate', { age: '5' }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, headers: { 'cache-control': 'max-stale=60' } }] },
  { section: '§5.2.2.8', name: 'proxy-revalidate forbids stale in a shared cache', shared: true, serve: cc('max-age=1, proxy-revalidate', { age: '5' }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, headers: { 'cache-control': 'max-stale=60' } }] },
  { section: '§5.2.1.1', name: 'request max-age=0 forces validation', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, headers: { 'cache-control': 'max-age=0' } }] },
  { section: '§5.2.1.1', name: 'request max-age above the age accepts it', serve: cc('max-age=3600', { age: '30' }), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: true, headers: { 'cache-control': 'max-age=100' } }] },
  { section: '§5.2.1.1', name: 'request max-age below the age refuses it', serve: cc('max-age=3600', { age: '30' }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, headers: { 'cache-control': 'max-age=10' } }] },
  { section: '§5.2.1.3', name: 'min-fresh longer than the remaining life refuses it', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, headers: { 'cache-control': 'min-fresh=100' } }] },
  { section: '§5.2.1.3', name: 'min-fresh within the remaining life accepts it', serve: cc('max-age=600'), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: true, headers: { 'cache-control': 'min-fresh=100' } }] },
  { section: '§5.2.1.4', name: 'request no-cache validates a fresh entry', serve: etagged('max-age=60'), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: true, headers: { 'cache-control': 'no-cache' }, sent: (l) => eq(l.headers['if-none-match'], '"v1"', 'If-None-Match') }] },
  { section: '§5.4', name: 'Pragma: no-cache without Cache-Control acts as no-cache', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, headers: { pragma: 'no-cache' } }] },
  { section: '§5.4', name: 'Pragma is ignored when Cache-Control is present', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: true, headers: { pragma: 'no-cache', 'cache-control': 'max-stale' } }] },
  { section: '§5.2.1.5', name: 'request no-store keeps the response out of the store', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false, headers: { 'cache-control': 'no-store' } }, { hits: 2, fromCache: false }] },
  { section: '§5.2.1.7', name: 'only-if-cached with nothing stored is a 504', serve: cc('max-age=60'), steps: [{ hits: 0, fromCache: false, status: 504, headers: { 'cache-control': 'only-if-cached' } }] },
  { section: '§5.2.1.7', name: 'only-if-cached is answered from a fresh entry', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: true, headers: { 'cache-control': 'only-if-cached' } }] },
  { section: '§5.2.1.7', name: 'only-if-cached with a stale entry is a 504', serve: cc('max-age=0'), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: false, status: 504, headers: { 'cache-control': 'only-if-cached' } }] },
  { section: '§4.3.1', name: 'a stale entry with an ETag is validated with If-None-Match', serve: etagged('max-age=0'), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: true, body: 'body-1', sent: (l) => eq(l.headers['if-none-match'], '"v1"', 'If-None-Match') }] },
  { section: '§4.3.1', name: 'a stale entry with Last-Modified is validated with If-Modified-Since', serve: (n, l) => (l.headers['if-modified-since'] ? { status: 304 } : { headers: { 'cache-control': 'max-age=0', 'last-modified': 'Sun, 06 Nov 1994 08:49:37 GMT' }, body: `body-${n}` }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: true, body: 'body-1', sent: (l) => eq(l.headers['if-modified-since'], 'Sun, 06 Nov 1994 08:49:37 GMT', 'If-Modified-Since') }] },
  { section: '§4.3.4', name: 'a 304 merges its headers and freshness into the stored response', serve: (n, l) => (l.headers['if-none-match'] ? { status: 304, headers: { 'cache-control': 'max-age=60', 'x-version': '2' } } : { headers: { etag: '"v1"', 'cache-control': 'max-age=0', 'x-version': '1' }, body: `body-${n}` }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: true, got: (h) => eq(h['x-version'], '2', 'X-Version') }, { hits: 2, fromCache: true, body: 'body-1', got: (h) => eq(h['x-version'], '2', 'X-Version') }] },
  { section: '§4.3.3', name: 'a 200 to a validation replaces the stored response', serve: (n) => ({ headers: { etag: `"v${n}"`, 'cache-control': n === 1 ? 'max-age=0' : 'max-age=60' }, body: `body-${n}` }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, body: 'body-2' }, { hits: 2, fromCache: true, body: 'body-2' }] },
  { section: '§4', name: 'a response served from the store carries Age', serve: cc('max-age=60', { age: '7' }), steps: [{ hits: 1, fromCache: false }, { hits: 1, fromCache: true, got: (h) => eq(Number(h.age) >= 7, true, 'Age >= 7') }] },
  { section: '§4.1', name: 'Vary: a different value of the named header misses', serve: cc('max-age=60', { vary: 'Accept' }), steps: [{ hits: 1, fromCache: false, headers: { accept: 'text/html' } }, { hits: 2, fromCache: false, headers: { accept: 'application/json' } }] },
  { section: '§4.1', name: 'Vary: the same value of the named header hits', serve: cc('max-age=60', { vary: 'Accept' }), steps: [{ hits: 1, fromCache: false, headers: { accept: 'text/html' } }, { hits: 1, fromCache: true, headers: { accept: 'text/html' } }] },
  { section: '§4.1', name: 'Vary: a header absent both times matches', serve: cc('max-age=60', { vary: 'X-Flavour' }), steps: CACHED },
  { section: '§4.1', name: 'Vary: * never matches', serve: cc('max-age=60', { vary: '*' }), steps: NOT_CACHED },
  { section: '§4.4', name: 'a POST invalidates the URL', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { method: 'POST', hits: 2, fromCache: false }, { hits: 3, fromCache: false }] },
  { section: '§4.4', name: 'a DELETE invalidates the URL', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { method: 'DELETE', hits: 2, fromCache: false }, { hits: 3, fromCache: false }] },
  { section: '§4.4', name: 'an error answer to a POST does not invalidate', serve: (_n, l) => (l.method === 'POST' ? { status: 500 } : { headers: { 'cache-control': 'max-age=60' } }), steps: [{ hits: 1, fromCache: false }, { method: 'POST', hits: 2, fromCache: false, status: 500 }, { hits: 2, fromCache: true }] },
  { section: '§4.4', name: 'a POST invalidates its same-origin Location', serve: (_n, l) => (l.method === 'POST' ? { status: 201, headers: { location: 'a' } } : { headers: { 'cache-control': 'max-age=60' } }), steps: [{ path: '/a', hits: 1, fromCache: false }, { path: '/b', method: 'POST', hits: 2, fromCache: false, status: 201 }, { path: '/a', hits: 3, fromCache: false }] },
  { section: '§4.4', name: 'a POST invalidates its same-origin Content-Location', serve: (_n, l) => (l.method === 'POST' ? { headers: { 'content-location': 'a' } } : { headers: { 'cache-control': 'max-age=60' } }), steps: [{ path: '/a', hits: 1, fromCache: false }, { path: '/b', method: 'POST', hits: 2, fromCache: false }, { path: '/a', hits: 3, fromCache: false }] },
  { section: '§4.4', name: 'a Location of another origin is not invalidated (nor followed)', serve: (_n, l) => (l.method === 'POST' ? { status: 201, headers: { location: 'http://other.invalid/a' } } : { headers: { 'cache-control': 'max-age=60' } }), steps: [{ path: '/a', hits: 1, fromCache: false }, { path: '/b', method: 'POST', hits: 2, fromCache: false, status: 201 }, { path: '/a', hits: 2, fromCache: true }] },
  { section: '§3.5', name: 'a response to a request with Authorization is not stored', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false, headers: { authorization: 'Bearer t' } }, { hits: 2, fromCache: false, headers: { authorization: 'Bearer t' } }] },
  { section: '§3.5', name: 'Authorization with public is stored', serve: cc('public, max-age=60'), steps: [{ hits: 1, fromCache: false, headers: { authorization: 'Bearer t' } }, { hits: 1, fromCache: true, headers: { authorization: 'Bearer t' } }] },
  { section: '§3.5', name: 'Authorization with must-revalidate is stored', serve: cc('must-revalidate, max-age=60'), steps: [{ hits: 1, fromCache: false, headers: { authorization: 'Bearer t' } }, { hits: 1, fromCache: true, headers: { authorization: 'Bearer t' } }] },
  { section: '§3.5', name: 'Authorization with s-maxage is stored by a shared cache', shared: true, serve: cc('s-maxage=60'), steps: [{ hits: 1, fromCache: false, headers: { authorization: 'Bearer t' } }, { hits: 1, fromCache: true, headers: { authorization: 'Bearer t' } }] },
  { section: '§3.5', name: 'a shared cache does not store Authorization responses with only max-age', shared: true, serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false, headers: { authorization: 'Bearer t' } }, { hits: 2, fromCache: false, headers: { authorization: 'Bearer t' } }] },
  { section: '§9.3.2 (RFC 9110)', name: 'HEAD is not answered from a stored GET', serve: cc('max-age=60'), steps: [{ hits: 1, fromCache: false }, { method: 'HEAD', hits: 2, fromCache: false }] },
  { section: '§3.3', name: 'a 206 partial response is not stored', serve: () => ({ status: 206, headers: { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-5/100' } }), steps: NOT_CACHED },
  { section: '§4.2.4 (RFC 5861 §4)', name: 'stale-if-error serves the stale entry for a 503', serve: (n) => (n === 1 ? { headers: { 'cache-control': 'max-age=0, stale-if-error=60' } } : { status: 503 }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: true, status: 200, body: 'body-1' }] },
  { section: '§4.2.4 (RFC 5861 §4)', name: 'stale-if-error does not cover a 404', serve: (n) => (n === 1 ? { headers: { 'cache-control': 'max-age=0, stale-if-error=60' } } : { status: 404 }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, status: 404 }] },
  { section: '§4.2.4 (RFC 5861 §4)', name: 'stale-if-error past its window passes the error on', serve: (n) => (n === 1 ? { headers: { 'cache-control': 'max-age=0, stale-if-error=5', age: '30' } } : { status: 503 }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, status: 503 }] },
  { section: '§4.2.4', name: 'must-revalidate forbids stale-if-error', serve: (n) => (n === 1 ? { headers: { 'cache-control': 'max-age=0, must-revalidate, stale-if-error=60' } } : { status: 503 }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: false, status: 503 }] },
  { section: '§4.2.4 (RFC 5861 §4)', name: 'a request stale-if-error allows it for a response without one', serve: (n) => (n === 1 ? { headers: { 'cache-control': 'max-age=0' } } : { status: 502 }), steps: [{ hits: 1, fromCache: false }, { hits: 2, fromCache: true, status: 200, headers: { 'cache-control': 'stale-if-error=60' } }] },
];
