/**
 * The one URL parse of a pool call (urllib3's `parse_url`, cut to what a request needs). It keeps
 * the path and query exactly as given: the layers above have already quoted them, and the WHATWG
 * URL parser would re-encode some characters.
 */
import { LocationParseError } from '../_internal/pool-errors.js';
import { redactUrl } from '../_internal/redact.js';

/** A parsed absolute http(s) URL, ready for a pool. */
export interface RequestTarget {
  /** Lower case. */
  readonly scheme: 'http' | 'https';
  /** Lower case; an IPv6 address keeps its brackets. */
  readonly host: string;
  /** The given port, else 80 or 443. */
  readonly port: number;
  /** The Host header: host, plus `:port` when it is not the scheme's default. */
  readonly authority: string;
  /** The origin-form request target: path and query, `/` when empty, no fragment. */
  readonly path: string;
  /** The absolute URL without credentials or fragment (absolute-form target, error messages). */
  readonly url: string;
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

function schemeOf(url: string, sep: number): 'http' | 'https' {
  const scheme = url.slice(0, sep).toLowerCase();
  if (scheme === 'http' || scheme === 'https') return scheme;
  throw new LocationParseError(
    `Unsupported URL scheme '${scheme}' in '${redactUrl(url)}': only http:// and https:// URLs can be requested.`,
  );
}

/**
 * Parses an absolute http(s) URL.
 * @throws LocationParseError for another scheme, a missing host or a bad port.
 * @example parseUrl('http://user:pw@Example.org:8080/a?b#c').path // '/a?b'
 */
export function parseUrl(url: string): RequestTarget {
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
  const hostport = authority.slice(authority.lastIndexOf('@') + 1);
  const [rawHost, port] = splitHostPort(url, hostport, scheme);
  if (rawHost === '') fail(url, 'no host specified.');
  const host = rawHost.toLowerCase();
  if (host[0] !== '[' && BAD_HOST.test(host)) fail(url, `the host '${rawHost}' is not valid.`);
  const hash = url.indexOf('#', end);
  let path = hash === -1 ? url.slice(end) : url.slice(end, hash);
  if (path === '') path = '/';
  else if (path[0] === '?') path = `/${path}`;
  const isDefault = port === (scheme === 'https' ? 443 : 80);
  const hostHeader = isDefault ? host : `${host}:${port}`;
  return {
    scheme,
    host,
    port,
    authority: hostHeader,
    path,
    url: `${scheme}://${hostHeader}${path}`,
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
