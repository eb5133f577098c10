/**
 * Redaction: nothing that prints, serialises or stringifies one of our objects shows a
 * credential. Passwords in URLs are removed, and the values of Authorization,
 * Proxy-Authorization and Cookie become `[redacted]`. Every `util.inspect` / `toJSON` view of
 * Response, Request, Session, adapters, pools and errors goes through these functions.
 */

/** What a secret is shown as. */
export const REDACTED = '[redacted]';

/** Node's `util.inspect.custom`, without importing node:util into the bottom layer. */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Removes `user:password@` from a URL so that it can go in an error message or a log. */
export function redactUrl(url: string): string {
  const at = url.indexOf('@');
  if (at === -1) return url;
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1 || at < schemeEnd) return url;
  const slash = url.indexOf('/', schemeEnd + 3);
  if (slash !== -1 && slash < at) return url;
  return url.slice(0, schemeEnd + 3) + url.slice(at + 1);
}

/** Any `scheme://user:pass@` inside free text (a message, a stack) loses its credentials. */
export function redactText(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]*@/gi, '$1');
}

/** True for the header names whose values are credentials. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A plain record of header entries with secret values replaced by `[redacted]`. */
export function redactHeaders(
  entries: Iterable<readonly [string, unknown]> | Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (entries == null) return out;
  const pairs =
    typeof (entries as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? (entries as Iterable<readonly [string, unknown]>)
      : Object.entries(entries);
  for (const [k, v] of pairs) out[k] = isSecretHeader(k) && v != null ? REDACTED : v;
  return out;
}

/** A proxies record (`scheme -> proxy URL`) with the proxies' credentials removed. */
export function redactProxies(proxies: Record<string, unknown> | null | undefined): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(proxies ?? {})) {
    out[k] = typeof v === 'string' ? redactUrl(v) : v;
  }
  return out;
}

type Inspect = (value: unknown, options?: object) => string;

/**
 * Gives a class a redacted `toJSON` and a short `util.inspect` form built from that same view:
 * `<tag> { ...view }` (the tag alone below the inspect depth). Defined on the prototype, not
 * enumerable, so instances stay as they are and `toString` keeps requests' `repr`.
 */
export function installView<T extends object>(
  cls: abstract new (...args: any[]) => T,
  view: (self: T) => object,
  tag?: (self: T) => string,
): void {
  const proto = cls.prototype as object;
  define(proto, 'toJSON', function toJSON(this: T) {
    return view(this);
  });
  define(proto, INSPECT, function inspect(this: T, depth: number, opts: object, fn?: Inspect) {
    if (tag && depth < 0) return tag(this);
    const body = fn ? fn(view(this), { ...opts, depth: opts && depthOf(opts) }) : '';
    return tag ? `${tag(this)} ${body}` : `${cls.name} ${body}`;
  });
}

function depthOf(opts: object): number | null {
  const d = (opts as { depth?: number | null }).depth;
  return d == null ? (d ?? null) : Math.max(d - 1, 0);
}

function define(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

/** Defines `key` on `target` as a writable property that inspect and JSON.stringify skip. */
export function hidden(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * A Map whose keys may hold credentials (HTTPAdapter's `proxyManager`, keyed by proxy URL as in
 * requests): printing or serialising it shows the keys without their passwords.
 */
export class RedactedKeyMap<V> extends Map<string, V> {
  toJSON(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const [k, v] of this) out[redactUrl(k)] = v;
    return out;
  }

  [INSPECT](depth: number, opts: object, inspect?: Inspect): string {
    const shown = new Map<string, V>();
    for (const [k, v] of this) shown.set(redactUrl(k), v);
    return inspect ? inspect(shown, opts) : `Map(${this.size})`;
  }
}
