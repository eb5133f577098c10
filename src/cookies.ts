/**
 * requests' cookie jar over tough-cookie: `RequestsCookieJar` and the helpers requests keeps in
 * `cookies.py` (`cookiejar_from_dict`, `merge_cookies`, `get_cookie_header`,
 * `extract_cookies_to_jar`). tough-cookie decides domain, path, expiry, secure and host-only
 * matching; this module adds what requests' jar does besides: cookies set by hand without a domain
 * apply to every host, lookups by name with conflict detection, and a name → value view.
 */

import type { Cookie, MemoryCookieStore } from 'tough-cookie';
import { CookieJar, cookieCompare, pathMatch } from 'tough-cookie';
import {
  ANY_HOST,
  bareDomain,
  type CookieOptions,
  createCookie,
  expiryOf,
  fromJarCookie,
  isExpired,
  type JarCookie,
  pinMaxAge,
  snapshot,
} from './utils/cookie-attrs.js';

export type { CookieOptions, JarCookie } from './utils/cookie-attrs.js';

/** Several cookies match a name and no domain/path narrowed it (requests' `CookieConflictError`). */
export class CookieConflictError extends Error {
  override name = 'CookieConflictError';
}

/** Narrows a lookup; a leading dot on `domain` is ignored on both sides. */
export interface CookieFilter {
  domain?: string | null | undefined;
  path?: string | null | undefined;
}

// Options that make tough-cookie accept and send what requests' http.cookiejar does: nameless
// cookies (`Set-Cookie: flag`), Secure cookies received over http (sent later over https only),
// `__Host-`/`__Secure-` names without browser prefix rules.
const TOUGH_OPTIONS = {
  looseMode: true,
  allowSecureOnLocal: false,
  enforceSecureOriginOnStorage: false,
  prefixSecurity: 'unsafe-disabled',
} as const;

function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || url.protocol === 'wss:';
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
  #tough: CookieJar | null = null;

  /** The tough-cookie jar underneath (created on first use: most responses carry no cookie). */
  get tough(): CookieJar {
    this.#tough ??= new CookieJar(undefined, TOUGH_OPTIONS);
    return this.#tough;
  }

  get #store(): MemoryCookieStore {
    return this.tough.store as MemoryCookieStore;
  }

  /** Every live cookie (expired ones are dropped as they are met). */
  *#cookies(): Generator<Cookie> {
    if (this.#tough === null) return;
    const now = Date.now();
    const idx = this.#store.idx;
    for (const domain in idx) {
      const paths = idx[domain]!;
      for (const path in paths) {
        const keys = paths[path]!;
        for (const key in keys) {
          const c = keys[key]!;
          if (isExpired(c, now)) delete keys[key];
          else yield c;
        }
      }
    }
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
    if (this.#tough === null) return true;
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
    this.#store.putCookie(cookie, () => {});
    return snapshot(cookie);
  }

  /** Stores a copy of `cookie` as it is, bypassing domain checks (requests' `set_cookie`). */
  setCookie(cookie: JarCookie | Cookie): void {
    this.#store.putCookie(fromJarCookie(cookie), () => {});
  }

  /** Removes every cookie called `name`, narrowed by domain/path; true when one was removed. */
  delete(name: string, filter: CookieFilter = {}): boolean {
    const found = this.#matching(name, filter);
    for (const c of found) this.#remove(c);
    return found.length > 0;
  }

  #remove(c: Cookie): void {
    this.#store.removeCookie(c.domain ?? ANY_HOST, c.path ?? '/', c.key, () => {});
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
      this.#tough?.removeAllCookiesSync();
      return;
    }
    for (const c of this.#matching(name ?? null, { domain, path })) this.#remove(c);
  }

  /** Drops expired cookies (requests' `clear_expired_cookies`). */
  clearExpiredCookies(): void {
    for (const _ of this.#cookies());
  }

  /** Removes session cookies (no expiry), as http.cookiejar's `clear_session_cookies`. */
  clearSessionCookies(): void {
    for (const c of [...this.#cookies()]) if (expiryOf(c) === null) this.#remove(c);
  }

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
      for (const c of other.#cookies()) this.setCookie(c);
    } else {
      for (const name of Object.keys(other)) this.set(name, other[name]!);
    }
    return this;
  }

  /** An independent copy. */
  copy(): RequestsCookieJar {
    return new RequestsCookieJar().update(this);
  }

  /**
   * The `Cookie` header for a request to `url`, or `null` when no cookie applies (requests'
   * `get_cookie_header`).
   */
  cookieHeaderFor(url: string): string | null {
    if (this.isEmpty) return null;
    let cookies: Cookie[];
    try {
      cookies = this.tough.getCookiesSync(url);
    } catch {
      return null;
    }
    const anyHost = this.#anyHostCookies(url);
    if (anyHost.length > 0) cookies = cookies.concat(anyHost).sort(cookieCompare);
    if (cookies.length === 0) return null;
    let header = cookies[0]!.cookieString();
    for (let i = 1; i < cookies.length; i++) header += `; ${cookies[i]!.cookieString()}`;
    return header;
  }

  #anyHostCookies(url: string): Cookie[] {
    const byPath = this.#store.idx[ANY_HOST];
    if (byPath === undefined) return [];
    const u = new URL(url);
    const path = u.pathname || '/';
    const secure = isSecureUrl(u);
    const now = Date.now();
    const out: Cookie[] = [];
    for (const cookiePath in byPath) {
      if (!pathMatch(path, cookiePath)) continue;
      const keys = byPath[cookiePath]!;
      for (const key in keys) {
        const c = keys[key]!;
        if (isExpired(c, now)) delete keys[key];
        else if (!c.secure || secure) out.push(c);
      }
    }
    return out;
  }

  /**
   * Stores the cookies of `Set-Cookie` header values received from `url`; cookies the rules
   * reject (another domain, a public suffix, unparsable) are ignored, as a browser does.
   */
  extractFrom(url: string, setCookie: readonly string[]): void {
    if (setCookie.length === 0) return;
    const jar = this.tough;
    for (const header of setCookie) {
      let cookie: Cookie | undefined;
      try {
        cookie = jar.setCookieSync(header, url, { ignoreError: true });
      } catch {
        continue; // an invalid URL: nothing can be stored for it
      }
      if (cookie) pinMaxAge(cookie);
    }
  }

  /** `<RequestsCookieJar[<Cookie a=1 for example.org/>]>`, as `str(jar)` in requests. */
  toString(): string {
    const items = Array.from(this, (c) => `<Cookie ${c.name}=${c.value} for ${c.domain}${c.path}>`);
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
