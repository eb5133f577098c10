/**
 * The request headers as undici takes them, prepared once per call. undici writes its own
 * framing and connection headers and refuses some that requests sets (e.g. `Transfer-Encoding:
 * chunked` for a stream body), so those are dropped here: undici then chunks a body of unknown
 * length itself.
 */

/** Lower-cased names undici refuses, by length for a cheap first test. */
const REFUSED_BY_LENGTH: Readonly<Record<number, readonly string[]>> = {
  17: ['transfer-encoding'],
  10: ['keep-alive'],
  7: ['upgrade'],
  6: ['expect'],
};

function isRefused(name: string): boolean {
  const candidates = REFUSED_BY_LENGTH[name.length];
  return candidates?.includes(name.toLowerCase()) === true;
}

/** `out[name] = value`, a header named `__proto__` included (an assignment would set the prototype). */
function put(out: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(out, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else out[name] = value;
}

function hasName(headers: Record<string, string>, lower: string): boolean {
  for (const name in headers) {
    if (name.length === lower.length && name.toLowerCase() === lower) return true;
  }
  return false;
}

/**
 * The headers to send. `extra` (proxy headers) are added unless the caller set the same name;
 * `host` is set when given and the caller did not set one (absolute-form requests to a proxy).
 * The caller's object is returned untouched when nothing needs to change.
 */
export function prepareHeaders(
  headers: Record<string, string> | undefined,
  extra: Record<string, string> | undefined,
  host: string | undefined,
): Record<string, string> | undefined {
  let refused = false;
  if (headers !== undefined) {
    for (const name in headers) {
      if (isRefused(name)) {
        refused = true;
        break;
      }
    }
  }
  if (!refused && extra === undefined && host === undefined) return headers;
  const out: Record<string, string> = {};
  if (headers !== undefined) {
    for (const name in headers) if (!isRefused(name)) put(out, name, headers[name]!);
  }
  if (extra !== undefined) {
    for (const name in extra) if (!hasName(out, name.toLowerCase())) put(out, name, extra[name]!);
  }
  if (host !== undefined && !hasName(out, 'host')) out.host = host;
  return out;
}

/**
 * The head line of `Expect: 100-continue` among `headers` (any case; as the caller spelled it),
 * which undici refuses and pool/continue-phase.ts writes instead; null when there is none. Only
 * called when prepareHeaders changed something, so a call without a refused header never pays.
 */
export function expectLine(headers: Record<string, string> | undefined): string | null {
  if (headers === undefined) return null;
  for (const name in headers) {
    if (name.length === 6 && name.toLowerCase() === 'expect') {
      const value = headers[name]!.trim();
      return value.toLowerCase() === '100-continue' ? `${name}: ${value}` : null;
    }
  }
  return null;
}

/** An HTTP token (RFC 9110 section 5.6.2): what a request method may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Refuses a method undici would refuse with its own words, naming the method instead. CONNECT is
 * refused too: undici takes it for an upgrade, and tunnels through a proxy are opened by the pool
 * itself (set `proxies`). http.client refuses a method with a space or control byte the same way.
 * @throws TypeError naming the method.
 */
export function checkMethod(method: string): void {
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    throw new TypeError(
      `Invalid HTTP method ${JSON.stringify(method)}: a method must be a non-empty HTTP token (letters, digits, !#$%&'*+-.^_\`|~; no spaces or control characters)`,
    );
  }
  if (method.length === 7 && method.toUpperCase() === 'CONNECT') {
    throw new TypeError(
      `Unsupported HTTP method ${JSON.stringify(method)}: requests-ts opens CONNECT tunnels itself for https through a proxy; set the proxies option instead`,
    );
  }
}
