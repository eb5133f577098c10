/**
 * tough-cookie Cookies as requests' jar makes and shows them: `jar.set()` attributes
 * (`create_cookie`), the JarCookie view iteration yields, copies that keep creation order, and
 * Max-Age pinned when a cookie is received. Used by src/cookies.ts.
 */
import { Cookie, canonicalDomain } from 'tough-cookie';

/** A cookie as the jar shows it (a snapshot; change cookies through the jar). */
export interface JarCookie {
  readonly name: string;
  readonly value: string;
  /**
   * `example.com` for a host-only cookie, `.example.com` for a domain cookie (it matches
   * subdomains), `''` for a cookie set by hand without a domain (it matches every host).
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

/** The domain as JarCookie.domain shows it (see there). */
export function shownDomain(c: Cookie): string {
  const domain = c.domain ?? ANY_HOST;
  return c.hostOnly || domain === ANY_HOST ? domain : `.${domain}`;
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
  const domain = options.domain ? (canonicalDomain(options.domain) ?? ANY_HOST) : ANY_HOST;
  return new Cookie({
    key: name,
    value,
    domain,
    path: options.path || '/',
    expires: toDate(options.expires) ?? 'Infinity',
    secure: options.secure ?? false,
    httpOnly: options.httpOnly ?? false,
    hostOnly: false,
  });
}

/**
 * A copy that keeps creation order (tough-cookie's own `clone()` goes through JSON and is several
 * times slower; Session copies its jar on every request).
 */
export function cloneCookie(c: Cookie): Cookie {
  const copy = new Cookie({
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

export function fromJarCookie(c: JarCookie | Cookie): Cookie {
  if (c instanceof Cookie) return cloneCookie(c);
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
