/**
 * requests' cookie jar over tough-cookie: `RequestsCookieJar` and the helpers requests keeps in
 * `cookies.py` (`cookiejar_from_dict`, `merge_cookies`, `get_cookie_header`,
 * `extract_cookies_to_jar`). tough-cookie decides domain, path, expiry, secure and host-only
 * matching; this module adds what requests' jar does besides: cookies set by hand without a domain
 * apply to every host, lookups by name with conflict detection, and a name → value view.
 */

import type { Cookie, CookieJar } from 'tough-cookie';
import { toughCookie } from './_internal/optional.js';
import {
  ANY_HOST,
  anyHostCookies,
  bareDomain,
  type CookieOptions,
  type CookieStore,
  cloneStore,
  createCookie,
  expiryOf,
  fromJarCookie,
  type JarCookie,
  liveCookies,
  type MemoEntry,
  memoKey,
  newStore,
  pinMaxAge,
  rememberHeader,
  snapshot,
  storedValue,
} from './utils/cookie-attrs.js';

export type { CookieOptions, JarCookie } from './utils/cookie-attrs.js';

/** Several cookies match a name and no domain/path narrowed it (requests' `CookieConflictError`). */
export class CookieConflictError extends Error {
  override name = 'CookieConflictError';
  /** Stable, for structured logs. */
  readonly code = 'ERR_COOKIE_CONFLICT';
}

/** Narrows a lookup; a leading dot on `domain` is ignored on both sides. */
export interface CookieFilter {
  domain?: string | null | undefined;
  path?: string | null | undefined;
}

/**
 * requests' `RequestsCookieJar`: a cookie jar with a Map-like face keyed by cookie name.
 *
 * @example
 * const jar = new RequestsCookieJar();
 * jar.set('token', 'abc');                                   // sent to every host, path /
 * jar.set('sid', '1', { domain: 'example.org', path: '/app' });
 * jar.get('sid');            // '1'
 * jar.toJSON();              // { token: 'abc', sid: '1' }
 */
export class RequestsCookieJar implements Iterable<JarCookie> {
  // Copy-on-write: copy() and update() into an empty jar share the store (and its Cookie-header
  // memo) until one side changes, so the jar a Session copies for every request costs nothing.
  #store: CookieStore | null = null;
  /** Whether #store is this jar's alone (false once shared: the next change copies it first). */
  #owned = true;
  #version = 0;

  /** A counter bumped by every change to the jar (set, delete, clear, update, extraction, ...). */
  get version(): number {
    return this.#version;
  }

  /**
   * The tough-cookie jar underneath. It may be changed behind this jar's back, so from now on this
   * jar neither shares it with copies nor memoises Cookie headers: prefer the jar's own methods.
   */
  get tough(): CookieJar {
    const store = this.#writable();
    store.escaped = true;
    return store.tough;
  }

  /** The store, made this jar's own and emptied of memoised headers, for a change. */
  #writable(): CookieStore {
    let store = this.#store;
    if (store === null) store = this.#store = newStore();
    else if (!this.#owned) store = this.#store = cloneStore(store);
    this.#owned = true;
    this.#version++;
    store.memo.clear();
    return store;
  }

  /**
   * A jar over a tough-cookie `CookieJar`: one that keeps its cookies in memory is shared live
   * (cookies a Session receives land in it); one over another synchronous store is copied.
   * @throws {TypeError} for a jar over an asynchronous store, which a request cannot wait on.
   * @example s.cookies = RequestsCookieJar.fromTough(new CookieJar());
   */
  static fromTough(tough: CookieJar): RequestsCookieJar {
    const jar = new RequestsCookieJar();
    const store = tough.store as { idx?: unknown; synchronous?: boolean };
    if (typeof store.idx === 'object' && store.idx !== null) {
      jar.#store = { tough, memo: new Map(), escaped: true };
      return jar;
    }
    if (!store.synchronous) {
      throw new TypeError(
        'cookies: a tough-cookie CookieJar over an asynchronous store cannot be used; pass one over a MemoryCookieStore or a synchronous store',
      );
    }
    const target = jar.#writable().tough.store;
    for (const c of tough.serializeSync()?.cookies ?? []) {
      const cookie = toughCookie().Cookie.fromJSON(c);
      if (cookie) target.putCookie(cookie, () => {});
    }
    return jar;
  }

  /** Shares `other`'s cookies (an escaped store is copied: it may change behind our back). */
  #adopt(other: RequestsCookieJar): void {
    const store = other.#store;
    this.#version++;
    if (store === null || store.escaped) {
      this.#store = store && cloneStore(store);
      this.#owned = true;
      return;
    }
    this.#store = store;
    this.#owned = false;
    other.#owned = false;
  }

  /** Every live cookie (expired ones are dropped as they are met, which no reader can notice). */
  #cookies(): Generator<Cookie> {
    return liveCookies(this.#store);
  }

  #matching(name: string | null, filter: CookieFilter): Cookie[] {
    const domain = filter.domain == null ? null : bareDomain(filter.domain);
    const out: Cookie[] = [];
    for (const c of this.#cookies()) {
      if (name !== null && c.key !== name) continue;
      if (domain !== null && bareDomain(c.domain ?? ANY_HOST) !== domain) continue;
      if (filter.path != null && c.path !== filter.path) continue;
      out.push(c);
    }
    return out;
  }

  /** True when the jar holds no cookie at all (cheap: no allocation). */
  get isEmpty(): boolean {
    if (this.#store === null) return true; // a new jar: not even a generator is made
    for (const _ of this.#cookies()) return false;
    return true;
  }

  /** Number of live cookies. */
  get size(): number {
    let n = 0;
    for (const _ of this.#cookies()) n++;
    return n;
  }

  /**
   * The value of the cookie called `name`, `undefined` when none; throws CookieConflictError
   * when several match and `domain`/`path` do not single one out (requests' `get`).
   */
  get(name: string, filter: CookieFilter = {}): string | undefined {
    const found = this.#matching(name, filter);
    if (found.length > 1) {
      throw new CookieConflictError(`There are multiple cookies with name, '${name}'`);
    }
    return found[0]?.value;
  }

  /** Whether a cookie called `name` exists (several count too, as requests' `in`). */
  has(name: string, filter: CookieFilter = {}): boolean {
    return this.#matching(name, filter).length > 0;
  }

  /**
   * Sets a cookie; `value` `null` removes the cookies called `name` (narrowed by domain/path),
   * as requests' `set`. Without `domain` the cookie is sent to every host.
   */
  set(name: string, value: string | null, options: CookieOptions = {}): JarCookie | undefined {
    if (value === null) {
      this.delete(name, options);
      return undefined;
    }
    const cookie = createCookie(name, value, options);
    this.#writable().tough.store.putCookie(cookie, () => {});
    return snapshot(cookie);
  }

  /**
   * Stores a copy of `cookie`, bypassing domain checks (requests' `set_cookie`); a Max-Age is
   * turned into an expiry from the cookie's creation, as for a received cookie.
   */
  setCookie(cookie: JarCookie | Cookie): void {
    const copy = fromJarCookie(cookie);
    copy.value = storedValue(copy.value);
    pinMaxAge(copy);
    this.#writable().tough.store.putCookie(copy, () => {});
  }

  /** Removes every cookie called `name`, narrowed by domain/path; true when one was removed. */
  delete(name: string, filter: CookieFilter = {}): boolean {
    const found = this.#matching(name, filter);
    for (const c of found) this.#remove(c);
    return found.length > 0;
  }

  #remove(c: Cookie): void {
    this.#writable().tough.store.removeCookie(c.domain ?? ANY_HOST, c.path ?? '/', c.key, () => {});
  }

  /**
   * Removes cookies as http.cookiejar's `clear`: all of them, those of a domain, of a domain and
   * path, or one cookie (then all three are needed).
   */
  clear(domain?: string | null, path?: string | null, name?: string | null): void {
    if (name != null && (domain == null || path == null)) {
      throw new TypeError('domain and path must be given to remove a cookie by name');
    }
    if (path != null && domain == null) {
      throw new TypeError('domain must be given to remove cookies by path');
    }
    if (domain == null) {
      if (this.#owned) this.#store?.tough.removeAllCookiesSync();
      else this.#store = null; // the jars sharing it keep their cookies
      this.#owned = true;
      this.#version++;
      this.#store?.memo.clear();
      return;
    }
    for (const c of this.#matching(name ?? null, { domain, path })) this.#remove(c);
  }

  /** Drops expired cookies (requests' `clear_expired_cookies`). */
  clearExpiredCookies(): void {
    for (const _ of this.#cookies());
    this.#version++;
  }

  /** Removes session cookies (no expiry), as http.cookiejar's `clear_session_cookies`. */
  clearSessionCookies(): void {
    for (const c of [...this.#cookies()]) if (expiryOf(c) === null) this.#remove(c);
  }

  /**
   * Every cookie, as a snapshot with `name`, `value`, `domain`, `path`, `expires`, `secure`
   * (changing one does not change the jar).
   * @example
   * for (const c of s.cookies) console.log(c.name, c.domain);
   */
  *[Symbol.iterator](): IterableIterator<JarCookie> {
    for (const c of this.#cookies()) yield snapshot(c);
  }

  /** Cookie names (requests' `keys()`). */
  *keys(): IterableIterator<string> {
    for (const c of this.#cookies()) yield c.key;
  }

  /** Cookie values (requests' `values()`). */
  *values(): IterableIterator<string> {
    for (const c of this.#cookies()) yield c.value;
  }

  /** `[name, value]` pairs (requests' `items()`). */
  *items(): IterableIterator<[string, string]> {
    for (const c of this.#cookies()) yield [c.key, c.value];
  }

  /** Distinct domains, as shown in JarCookie.domain (requests' `list_domains`). */
  listDomains(): string[] {
    return [...new Set(Array.from(this, (c) => c.domain))];
  }

  /** Distinct paths (requests' `list_paths`). */
  listPaths(): string[] {
    return [...new Set(Array.from(this, (c) => c.path))];
  }

  /** True when cookies of more than one domain are held (requests' `multiple_domains`). */
  multipleDomains(): boolean {
    return this.listDomains().length > 1;
  }

  /** name → value of the cookies matching `filter`; a later duplicate wins (requests' `get_dict`). */
  getDict(filter: CookieFilter = {}): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.#matching(null, filter)) out[c.key] = c.value;
    return out;
  }

  /** name → value of every cookie, like `dict(jar)` in requests. */
  toJSON(): Record<string, string> {
    return this.getDict();
  }

  /** Adds every cookie of `other` (a jar, or a name → value record) to this jar. */
  update(other: RequestsCookieJar | Readonly<Record<string, string>>): this {
    if (other instanceof RequestsCookieJar) {
      // An empty jar shares `other`'s store, unless its own was handed out by `tough`.
      if (this.isEmpty && !this.#store?.escaped) this.#adopt(other);
      else for (const c of other.#cookies()) this.setCookie(c);
    } else {
      for (const name of Object.keys(other)) this.set(name, other[name]!);
    }
    return this;
  }

  /** An independent copy (it shares the cookies until either jar changes: O(1)). */
  copy(): RequestsCookieJar {
    const jar = new RequestsCookieJar();
    jar.#adopt(this);
    return jar;
  }

  /**
   * The `Cookie` header for a request to `url`, or `null` when no cookie applies (requests'
   * `get_cookie_header`). Memoised per URL without its query until the jar changes or one of the
   * cookies sent expires.
   */
  cookieHeaderFor(url: string): string | null {
    const store = this.#store;
    if (store === null) return null;
    const now = Date.now();
    if (store.escaped) return this.#header(store, url, now).header;
    const key = memoKey(url);
    const hit = store.memo.get(key);
    if (hit !== undefined && now < hit.until) return hit.header;
    const made = this.#header(store, url, now);
    rememberHeader(store.memo, key, made);
    return made.header;
  }

  /** The header and when it stops being right: the first expiry among the cookies it sends. */
  #header(store: CookieStore, url: string, now: number): MemoEntry {
    const none = { header: null, until: Number.POSITIVE_INFINITY };
    if (this.isEmpty) return none;
    let cookies: Cookie[];
    try {
      cookies = store.tough.getCookiesSync(url);
    } catch {
      return none; // an invalid URL
    }
    const anyHost = anyHostCookies(store, url, now);
    if (anyHost.length > 0) cookies = cookies.concat(anyHost).sort(toughCookie().cookieCompare);
    if (cookies.length === 0) return none;
    let header = cookies[0]!.cookieString();
    for (let i = 1; i < cookies.length; i++) header += `; ${cookies[i]!.cookieString()}`;
    let until = Number.POSITIVE_INFINITY;
    for (const c of cookies) {
      // A Max-Age expiry moves with every lookup (tough-cookie): such a header is not memoised.
      const expiry = c.maxAge != null ? now : expiryOf(c);
      if (expiry !== null && expiry < until) until = expiry;
    }
    return { header, until };
  }

  /**
   * Stores the cookies of `Set-Cookie` header values received from `url`; cookies the rules
   * reject (another domain, a public suffix, unparsable) are ignored, as a browser does.
   */
  extractFrom(url: string, setCookie: readonly string[]): void {
    if (setCookie.length === 0) return;
    const jar = this.#writable().tough;
    for (const header of setCookie) {
      let cookie: Cookie | undefined;
      try {
        cookie = jar.setCookieSync(header, url, { ignoreError: true });
      } catch {
        continue; // an invalid URL: nothing can be stored for it
      }
      if (!cookie) continue;
      cookie.value = storedValue(cookie.value);
      pinMaxAge(cookie);
    }
  }

  /**
   * `<RequestsCookieJar[<Cookie a=[redacted] for example.org/>]>`: requests' `str(jar)` with each
   * value redacted, so a printed or logged jar never shows a session cookie. `toJSON()` and
   * `get()` give the values.
   */
  toString(): string {
    const items = Array.from(this, (c) => `<Cookie ${c.name}=[redacted] for ${c.domain}${c.path}>`);
    return `<RequestsCookieJar[${items.join(', ')}]>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  get [Symbol.toStringTag](): string {
    return 'RequestsCookieJar';
  }
}

/**
 * A jar holding the cookies of `record` (requests' `cookiejar_from_dict`): added to `jar` when
 * given; with `overwrite` false, names already in the jar are kept.
 */
export function cookiejarFromDict(
  record: Readonly<Record<string, string>> | null | undefined,
  jar: RequestsCookieJar = new RequestsCookieJar(),
  overwrite = true,
): RequestsCookieJar {
  if (record == null) return jar;
  const existing = overwrite ? null : new Set(jar.keys());
  for (const name of Object.keys(record)) {
    if (existing === null || !existing.has(name)) jar.set(name, record[name]!);
  }
  return jar;
}

/** A tough-cookie `CookieJar` (from this package's tough-cookie or another copy of it). */
export function isToughJar(value: unknown): value is CookieJar {
  const v = value as Partial<CookieJar> | null;
  return (
    typeof v?.getCookieStringSync === 'function' &&
    typeof v.setCookieSync === 'function' &&
    typeof v.store === 'object'
  );
}

/**
 * `cookies` as a jar: a RequestsCookieJar as it is, a tough-cookie CookieJar through
 * {@link RequestsCookieJar.fromTough}, a name → value record or Map copied.
 * @throws {TypeError} for anything else, or a value that is not a string, so that no
 *   `[object Object]` is sent.
 */
export function toCookieJar(cookies: unknown, option = 'cookies'): RequestsCookieJar {
  if (cookies instanceof RequestsCookieJar) return cookies;
  if (cookies == null) return new RequestsCookieJar();
  if (isToughJar(cookies)) return RequestsCookieJar.fromTough(cookies);
  const proto = typeof cookies === 'object' ? Object.getPrototypeOf(cookies) : undefined;
  let entries: Iterable<[string, unknown]>;
  if (cookies instanceof Map) entries = cookies;
  else if (proto === Object.prototype || proto === null) entries = Object.entries(cookies);
  else {
    throw new TypeError(
      `${option} must be a record of name -> value, a Map, a RequestsCookieJar or a tough-cookie CookieJar; got ${describeValue(cookies)}`,
    );
  }
  const jar = new RequestsCookieJar();
  for (const [name, value] of entries) {
    if (value == null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(
        `${option}[${JSON.stringify(name)}] must be a string; got ${describeValue(value)}`,
      );
    }
    jar.set(name, String(value));
  }
  return jar;
}

function describeValue(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return value.constructor?.name ?? 'object';
}

/**
 * Adds `cookies` to `jar` and returns it (requests' `merge_cookies`): a record does not replace
 * names the jar has; a jar's cookies replace those with the same domain, path and name.
 */
export function mergeCookies(
  jar: RequestsCookieJar,
  cookies: RequestsCookieJar | Readonly<Record<string, string>> | null | undefined,
): RequestsCookieJar {
  if (!(jar instanceof RequestsCookieJar)) {
    throw new TypeError('You can only merge into CookieJar');
  }
  if (cookies instanceof RequestsCookieJar) return jar.update(cookies);
  if (cookies != null) cookiejarFromDict(cookies, jar, false);
  return jar;
}

/** The `Cookie` header `jar` produces for `url`, or `null` (requests' `get_cookie_header`). */
export function getCookieHeader(jar: RequestsCookieJar, url: string): string | null {
  return jar.cookieHeaderFor(url);
}

/** Stores the `Set-Cookie` values of a response from `url` (requests' `extract_cookies_to_jar`). */
export function extractCookiesToJar(
  jar: RequestsCookieJar,
  url: string,
  setCookie: readonly string[],
): void {
  jar.extractFrom(url, setCookie);
}
