/**
 * The one URL parse of a pool call (urllib3's `parse_url`, cut to what a request needs). It keeps
 * the path and query exactly as given: the layers above have already quoted them, and the WHATWG
 * URL parser would re-encode some characters.
 */
import { LocationParseError } from '../_internal/pool-errors.js';
import { redactUrl } from '../_internal/redact.js';

/** A parsed absolute http(s) URL, ready for a pool. */
export interface RequestTarget {
  /** The protocol spoken, lower case: `http` for `http+unix:` too, `https` for `https+unix:`. */
  readonly scheme: 'http' | 'https';
  /**
   * Lower case; an IPv6 address keeps its brackets, and its zone ID as written after a `%`
   * (`[fe80::1%eth0]`, from `[fe80::1%25eth0]`). `localhost` for a Unix socket.
   */
  readonly host: string;
  /** The given port, else 80 or 443. */
  readonly port: number;
  /**
   * The socket of an `http+unix:` / `https+unix:` URL, percent-decoded from its host
   * (`%2Frun%2Fapp.sock` → `/run/app.sock`); `null` for a TCP URL.
   */
  readonly socketPath: string | null;
  /** The Host header: host, plus `:port` when it is not the scheme's default. */
  readonly authority: string;
  /** The origin-form request target: path and query, `/` when empty, no fragment. */
  readonly path: string;
  /** The absolute URL without credentials or fragment (absolute-form target, error messages). */
  readonly url: string;
  /** The user info before the host's `@`, as written (still percent-encoded); `null` without. */
  readonly userinfo: string | null;
}

const BAD_HOST = /[\x00-\x20"#%/<>?@[\\\]^`{|}]/;

function fail(url: string, why: string): never {
  throw new LocationParseError(`Failed to parse: '${redactUrl(url)}': ${why}`);
}

function parsePort(url: string, text: string, scheme: string): number {
  if (text === '') return scheme === 'https' ? 443 : 80;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    fail(url, `the port '${text}' is not a number from 0 to 65535.`);
  }
  return Number(text);
}

function splitHostPort(url: string, hostport: string, scheme: string): [string, number] {
  if (hostport.charCodeAt(0) === 91 /* [ */) {
    const close = hostport.indexOf(']');
    if (close === -1) fail(url, 'an IPv6 address is missing its closing bracket.');
    const rest = hostport.slice(close + 1);
    if (rest !== '' && rest[0] !== ':') fail(url, 'unexpected text after the IPv6 address.');
    return [hostport.slice(0, close + 1), parsePort(url, rest.slice(1), scheme)];
  }
  const colon = hostport.lastIndexOf(':');
  if (colon === -1) return [hostport, parsePort(url, '', scheme)];
  return [hostport.slice(0, colon), parsePort(url, hostport.slice(colon + 1), scheme)];
}

type Scheme = 'http' | 'https' | 'http+unix' | 'https+unix';

function schemeOf(url: string, sep: number): Scheme {
  const scheme = url.slice(0, sep).toLowerCase();
  if (
    scheme === 'http' ||
    scheme === 'https' ||
    scheme === 'http+unix' ||
    scheme === 'https+unix'
  ) {
    return scheme;
  }
  throw new LocationParseError(
    `Unsupported URL scheme '${scheme}' in '${redactUrl(url)}': only http://, https://, http+unix:// and https+unix:// URLs can be requested.`,
  );
}

/** How to write a socket path into a URL, for the messages of a malformed one. */
export const SOCKET_URL_HINT =
  'give the socket path percent-encoded as the host, slashes as %2F, e.g. http+unix://%2Frun%2Fapp.sock/path (encodeURIComponent(socketPath))';

/** The socket path of a unix URL's host (without user info), percent-decoded. */
function socketPathOf(url: string, host: string): string {
  if (host === '') fail(url, `no socket path: ${SOCKET_URL_HINT}.`);
  if (host.includes(':')) {
    fail(url, `a Unix socket has no port; a ':' in the socket path is written %3A.`);
  }
  let path: string;
  try {
    path = decodeURIComponent(host);
  } catch {
    fail(url, `the socket path '${host}' is not validly percent-encoded.`);
  }
  return path;
}

let parses = 0;

/** How many times {@link parseUrl} has run in this process (for the tests of its one call). */
export function parseUrlCount(): number {
  return parses;
}

/**
 * Parses an absolute http(s) URL, or an `http+unix:` / `https+unix:` one (the requests-unixsocket
 * convention: the percent-encoded socket path as the host; the Host header is `localhost`).
 * @throws LocationParseError for another scheme, a missing host or socket path, or a bad port.
 * @example parseUrl('http://user:pw@Example.org:8080/a?b#c').path // '/a?b'
 */
export function parseUrl(url: string): RequestTarget {
  parses++;
  const sep = url.indexOf('://');
  if (sep <= 0) fail(url, 'it has no scheme; give an absolute URL such as http://host/path.');
  const scheme = schemeOf(url, sep);
  const start = sep + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
    end++;
  }
  const authority = url.slice(start, end);
  const at = authority.lastIndexOf('@');
  const hostport = at === -1 ? authority : authority.slice(at + 1);
  const userinfo = at === -1 ? null : authority.slice(0, at);
  const hash = url.indexOf('#', end);
  let path = hash === -1 ? url.slice(end) : url.slice(end, hash);
  if (path === '') path = '/';
  else if (path[0] === '?') path = `/${path}`;
  if (scheme === 'http+unix' || scheme === 'https+unix') {
    const socketPath = socketPathOf(url, hostport);
    const https = scheme === 'https+unix';
    return {
      scheme: https ? 'https' : 'http',
      host: 'localhost',
      port: https ? 443 : 80,
      socketPath,
      authority: 'localhost',
      path,
      url: `${scheme}://${hostport}${path}`,
      userinfo,
    };
  }
  const [rawHost, port] = splitHostPort(url, hostport, scheme);
  if (rawHost === '') fail(url, 'no host specified.');
  if (rawHost[0] === '[') {
    const zone = rawHost.indexOf('%');
    if (zone !== -1) return scopedTarget(url, scheme, rawHost, zone, port, path, userinfo);
    return tcpTarget(scheme, rawHost.toLowerCase(), port, path, userinfo);
  }
  const host = rawHost.toLowerCase();
  if (BAD_HOST.test(host)) fail(url, `the host '${rawHost}' is not valid.`);
  return tcpTarget(scheme, host, port, path, userinfo);
}

/** What a zone ID may hold (RFC 6874 §2: unreserved characters and percent-escapes). */
const ZONE_ID = /^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+$/;

/**
 * The target of an IPv6 address with a zone ID (`[fe80::1%25eth0]`, RFC 6874), as urllib3's
 * parse_url reads it: the address lower case, the zone ID as written (an interface name: Linux's
 * are case-sensitive), its `%25` separator unescaped (`[fe80::1%eth0]`, RFC 4007's form, the one
 * a socket connects to). The Host header leaves the zone out, as Python's http.client does; `url`
 * keeps it in its URL form.
 */
function scopedTarget(
  url: string,
  scheme: 'http' | 'https',
  rawHost: string,
  percent: number,
  port: number,
  path: string,
  userinfo: string | null,
): RequestTarget {
  const address = rawHost.slice(1, percent).toLowerCase();
  let zone = rawHost.slice(percent + 1, -1);
  // urllib3 takes a bare '%' too; a zone ID of '25' alone has no '%25' before it.
  if (zone.startsWith('25') && zone !== '25') zone = zone.slice(2);
  if (!ZONE_ID.test(zone)) fail(url, `the IPv6 zone ID '${zone}' is not valid.`);
  const bare = `[${address}]`;
  const suffix = port === (scheme === 'https' ? 443 : 80) ? '' : `:${port}`;
  return {
    scheme,
    host: `[${address}%${zone}]`,
    port,
    socketPath: null,
    authority: `${bare}${suffix}`,
    path,
    url: `${scheme}://[${address}%25${zone}]${suffix}${path}`,
    userinfo,
  };
}

/**
 * A pool host without its IPv6 zone ID (`[fe80::1%eth0]` → `[fe80::1]`): what undici's origin
 * (a WHATWG URL, which has no zone IDs) and the Host header hold. Any other host as it is.
 */
export function unscopedHost(host: string): string {
  if (host.charCodeAt(0) !== 91 /* [ */) return host;
  const percent = host.indexOf('%');
  return percent === -1 ? host : `${host.slice(0, percent)}]`;
}

/**
 * The target of a TCP URL from pieces already checked (the one constructor of {@link parseUrl} and
 * of URL preparation, which makes the value from its own parse): `host` lower case and valid
 * (brackets kept), `port` a number, `path` origin-form (starts with `/`, no fragment).
 */
export function tcpTarget(
  scheme: 'http' | 'https',
  host: string,
  port: number,
  path: string,
  userinfo: string | null,
): RequestTarget {
  const hostHeader = port === (scheme === 'https' ? 443 : 80) ? host : `${host}:${port}`;
  return {
    scheme,
    host,
    port,
    socketPath: null,
    authority: hostHeader,
    path,
    url: `${scheme}://${hostHeader}${path}`,
    userinfo,
  };
}

/**
 * The origin-form path of `url` for a pool that already knows its origin: `url` itself when it
 * starts with `/`, else the path and query of the absolute URL.
 */
export function pathOf(url: string): string {
  if (url.charCodeAt(0) === 47 /* / */) {
    const hash = url.indexOf('#');
    return hash === -1 ? url : url.slice(0, hash);
  }
  return parseUrl(url).path;
}
