/**
 * tough-cookie Cookies as requests' jar makes and shows them: `jar.set()` attributes
 * (`create_cookie`), the JarCookie view iteration yields, copies that keep creation order, and
 * Max-Age pinned when a cookie is received; and the store a jar shares with its copies, with its
 * memo of Cookie headers. Used by src/cookies.ts.
 */
import type { Cookie, CookieJar, MemoryCookieStore } from 'tough-cookie';
import { toughCookie } from '../_internal/optional.js';
import { urlsplit } from './url.js';

/** A cookie as the jar shows it (a snapshot; change cookies through the jar). */
export interface JarCookie {
  readonly name: string;
  readonly value: string;
  /**
   * `example.com` for a host-only cookie, `.example.com` for a domain cookie (it matches
   * subdomains), `''` for a cookie set by hand without a domain (it matches every host). A cookie
   * set by hand with a domain shows it as given, as requests' `create_cookie` keeps it
   * (`{ domain: 'test.com' }` shows `test.com`, and matches subdomains as http.cookiejar does).
   */
  readonly domain: string;
  readonly path: string;
  /** Expiry in epoch milliseconds, `null` for a session cookie. */
  readonly expires: number | null;
  readonly secure: boolean;
  readonly httpOnly: boolean;
}

/** Attributes of a cookie created with `jar.set()` (requests' `create_cookie` keywords). */
export interface CookieOptions {
  /** `undefined`/`''`: every host, as requests' jar; otherwise the domain and its subdomains. */
  domain?: string | undefined;
  /** @default '/' */
  path?: string | undefined;
  /** A Date or epoch milliseconds; `null`/`undefined` makes a session cookie. */
  expires?: Date | number | null | undefined;
  /** @default false */
  secure?: boolean | undefined;
  /** @default false */
  httpOnly?: boolean | undefined;
}

/** The store key of cookies that apply to every host (requests' `domain=''`). */
export const ANY_HOST = '';

/** `domain` lower-cased without a leading dot, for comparing domains given with or without one. */
export function bareDomain(domain: string): string {
  return domain.startsWith('.') ? domain.slice(1).toLowerCase() : domain.toLowerCase();
}

/**
 * The domain as JarCookie.domain shows it (see there). `hostOnly` is true for a host-only
 * cookie, false for a domain cookie shown with its dot, and null (tough-cookie's "not decided")
 * for one set by hand with a domain given without a dot: it matches as a domain cookie.
 */
export function shownDomain(c: Cookie): string {
  const domain = c.domain ?? ANY_HOST;
  return c.hostOnly !== false || domain === ANY_HOST ? domain : `.${domain}`;
}

/**
 * The value requests' jar stores (`RequestsCookieJar.set_cookie`): a value wrapped in double
 * quotes loses every `\"` inside, so `"\"bar:baz\""` becomes `"bar:baz"`.
 */
export function storedValue(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.replaceAll('\\"', '') : value;
}

/** Expiry in epoch ms; `null` for a session cookie, 0 for one already expired by Max-Age. */
export function expiryOf(c: Cookie): number | null {
  const t = c.expiryTime();
  if (t === undefined || t === Number.POSITIVE_INFINITY) return null;
  return t === Number.NEGATIVE_INFINITY ? 0 : t;
}

/** Whether `c` has expired at `now` (epoch ms). */
export function isExpired(c: Cookie, now: number): boolean {
  const t = expiryOf(c);
  return t !== null && t <= now;
}

/** The JarCookie view of `c`. */
export function snapshot(c: Cookie): JarCookie {
  return {
    name: c.key,
    value: c.value,
    domain: shownDomain(c),
    path: c.path ?? '/',
    expires: expiryOf(c),
    secure: c.secure,
    httpOnly: c.httpOnly,
  };
}

/** `expires` of CookieOptions as a Date (`null`: session cookie). @throws {TypeError} invalid date */
export function toDate(expires: Date | number | null | undefined): Date | null {
  if (expires == null) return null;
  const d = expires instanceof Date ? expires : new Date(expires);
  if (Number.isNaN(d.getTime())) {
    throw new TypeError(`cookie expires must be a Date or epoch milliseconds, got ${expires}`);
  }
  return d;
}

/** A tough-cookie Cookie for `jar.set()` (requests' `create_cookie`). */
export function createCookie(name: string, value: string, options: CookieOptions): Cookie {
  const given = options.domain;
  const domain = given ? (toughCookie().canonicalDomain(given) ?? ANY_HOST) : ANY_HOST;
  return new (toughCookie().Cookie)({
    key: name,
    value: storedValue(value),
    domain,
    path: options.path || '/',
    expires: toDate(options.expires) ?? 'Infinity',
    secure: options.secure ?? false,
    httpOnly: options.httpOnly ?? false,
    // null: shown as given, without a dot (see shownDomain).
    hostOnly: given && !given.startsWith('.') ? null : false,
  });
}

/**
 * A copy that keeps creation order (tough-cookie's own `clone()` goes through JSON and is several
 * times slower; Session copies its jar on every request).
 */
export function cloneCookie(c: Cookie): Cookie {
  const copy = new (toughCookie().Cookie)({
    key: c.key,
    value: c.value,
    expires: c.expires,
    maxAge: c.maxAge,
    domain: c.domain,
    path: c.path,
    secure: c.secure,
    httpOnly: c.httpOnly,
    extensions: c.extensions,
    creation: c.creation,
    hostOnly: c.hostOnly,
    pathIsDefault: c.pathIsDefault,
    lastAccessed: c.lastAccessed,
    sameSite: c.sameSite,
  });
  copy.creationIndex = c.creationIndex;
  return copy;
}

function isToughCookie(c: JarCookie | Cookie): c is Cookie {
  return typeof (c as Cookie).cookieString === 'function';
}

export function fromJarCookie(c: JarCookie | Cookie): Cookie {
  // Not `instanceof`: the caller's tough-cookie may be the other build (ESM vs CommonJS) of ours.
  if (isToughCookie(c)) {
    // A tough-cookie Cookie made by hand (e.g. Cookie.parse('n=1')) may lack both: as `set()`
    // without options, it then goes to every host under '/'.
    const copy = cloneCookie(c);
    copy.path ??= '/';
    copy.domain ??= ANY_HOST;
    return copy;
  }
  const cookie = createCookie(c.name, c.value, {
    domain: c.domain,
    path: c.path,
    expires: c.expires,
    secure: c.secure,
    httpOnly: c.httpOnly,
  });
  // A shown domain without a leading dot is a host-only cookie (see JarCookie.domain).
  cookie.hostOnly = c.domain !== ANY_HOST && !c.domain.startsWith('.');
  return cookie;
}

// tough-cookie computes Max-Age expiry from `lastAccessed`, which moves on every lookup; fix the
// expiry when the cookie is received, as http.cookiejar does.
export function pinMaxAge(c: Cookie): void {
  if (c.maxAge == null) return;
  const t = c.expiryTime(c.creation instanceof Date ? c.creation : new Date());
  c.expires =
    t === undefined || t === Number.POSITIVE_INFINITY ? 'Infinity' : new Date(Math.max(t, 0));
  c.maxAge = null;
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

/** A memoised Cookie header, right while `Date.now() < until`. */
export interface MemoEntry {
  readonly header: string | null;
  readonly until: number;
}

/** The cookies of a jar, shared copy-on-write by the jars copied from it. */
export interface CookieStore {
  readonly tough: CookieJar;
  /** Cookie header per memoKey(url); emptied on every change to the store. */
  readonly memo: Map<string, MemoEntry>;
  /** `jar.tough` was handed out: the store may change unseen, so it is neither shared nor memoised. */
  escaped: boolean;
}

/** Memoised headers kept per store (a Session talking to more URLs recomputes the oldest). */
export const MEMO_LIMIT = 64;

export function newStore(): CookieStore {
  return {
    tough: new (toughCookie().CookieJar)(undefined, TOUGH_OPTIONS),
    memo: new Map(),
    escaped: false,
  };
}

function idxOf(store: CookieStore): MemoryCookieStore['idx'] {
  return (store.tough.store as MemoryCookieStore).idx;
}

/** Every live cookie of `store`, in store order; expired ones are dropped as they are met. */
export function* liveCookies(store: CookieStore | null): Generator<Cookie> {
  if (store === null) return;
  const now = Date.now();
  const idx = idxOf(store);
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

/** A store of its own with copies of the live cookies of `store`, in the same order. */
export function cloneStore(store: CookieStore): CookieStore {
  const copy = newStore();
  const target = copy.tough.store;
  for (const c of liveCookies(store)) target.putCookie(cloneCookie(c), () => {});
  return copy;
}

/**
 * The memo key of `url`: the URL without query and fragment, which no cookie rule looks at (the
 * rest, scheme, host, port and path, is kept as written, so equal keys mean equal answers).
 */
export function memoKey(url: string): string {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
  return end < 0 ? url : url.slice(0, end);
}

/** Memoises `entry` under `key`, forgetting the oldest entry when the memo is full. */
export function rememberHeader(memo: Map<string, MemoEntry>, key: string, entry: MemoEntry): void {
  if (!memo.has(key) && memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, entry);
}

/** The live cookies set by hand without a domain that go with a request to `url`. */
export function anyHostCookies(store: CookieStore, url: string, now: number): Cookie[] {
  const byPath = idxOf(store)[ANY_HOST];
  if (byPath === undefined) return [];
  // The jar takes any URL (a request's, or one given by hand): Python's urlsplit, which never
  // throws, where WHATWG URL would throw a TypeError for a URL it cannot read.
  const { scheme, path: urlPath } = urlsplit(url);
  const path = urlPath || '/';
  const secure = scheme === 'https' || scheme === 'wss';
  const out: Cookie[] = [];
  for (const cookiePath in byPath) {
    if (!toughCookie().pathMatch(path, cookiePath)) continue;
    const keys = byPath[cookiePath]!;
    for (const key in keys) {
      const c = keys[key]!;
      if (isExpired(c, now)) delete keys[key];
      else if (!c.secure || secure) out.push(c);
    }
  }
  return out;
}
