/**
 * Proxy selection, as requests' `utils.py` does it: the `proxies` mapping (keys `http`, `https`,
 * `all`, `scheme://host`, `all://host`), the `*_proxy` environment variables, and NO_PROXY.
 * Pure functions: the environment is a parameter (default `process.env`) so tests need not touch it.
 */

import { urlsplit, urlunsplit } from './url.js';
import { parseUrl } from './url-parse.js';

/** A proxies mapping: `http`, `https`, `all`, `scheme://host`, `all://host` (and `no_proxy`). */
export type ProxiesMap = Readonly<Record<string, string | null | undefined>>;

/** The environment the proxy variables are read from. */
export type Environment = Readonly<Record<string, string | undefined>>;

interface ProxyTarget {
  scheme: string;
  /** Lower-cased, without brackets or port; null when the URL has none (Python's `hostname`). */
  hostname: string | null;
  /** null when absent or not a valid port. */
  port: number | null;
  userinfo: string | null;
}

/** Python's `urlsplit(url)` with its `hostname`, `port` and user info. */
function splitUrl(url: string): ProxyTarget {
  const { scheme, netloc } = urlsplit(url);
  const at = netloc.lastIndexOf('@');
  const userinfo = at === -1 ? null : netloc.slice(0, at);
  const hostinfo = netloc.slice(at + 1);
  let host: string;
  let port: string;
  if (hostinfo.includes('[')) {
    const bracketed = hostinfo.slice(hostinfo.indexOf('[') + 1);
    const close = bracketed.indexOf(']');
    host = close === -1 ? bracketed : bracketed.slice(0, close);
    const rest = close === -1 ? '' : bracketed.slice(close + 1);
    port = rest.includes(':') ? rest.slice(rest.indexOf(':') + 1) : '';
  } else {
    const c = hostinfo.indexOf(':');
    host = c === -1 ? hostinfo : hostinfo.slice(0, c);
    port = c === -1 ? '' : hostinfo.slice(c + 1);
  }
  const portNumber = /^[0-9]+$/.test(port) ? Number(port) : null;
  return {
    scheme,
    hostname: host ? lowerHost(host) : null,
    port: portNumber !== null && portNumber <= 65535 ? portNumber : null,
    userinfo,
  };
}

/** Lower-cases a host, but not the zone of a scoped IPv6 address (as Python's `hostname`). */
function lowerHost(host: string): string {
  const pct = host.indexOf('%');
  return pct === -1 ? host.toLowerCase() : host.slice(0, pct).toLowerCase() + host.slice(pct);
}

/** Python's `urllib.parse.unquote`: %XX runs decoded as UTF-8, invalid bytes replaced. */
function unquote(value: string): string {
  return value.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) =>
    Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'),
  );
}

/**
 * The user name and password of a URL, percent-decoded; `['', '']` when it has no password
 * (requests' `get_auth_from_url`).
 * @example getAuthFromUrl('http://user:p%40ss@proxy:3128') // ['user', 'p@ss']
 */
export function getAuthFromUrl(url: string): [string, string] {
  const { userinfo } = splitUrl(url);
  if (userinfo === null) return ['', ''];
  const colon = userinfo.indexOf(':');
  if (colon === -1) return ['', ''];
  return [unquote(userinfo.slice(0, colon)), unquote(userinfo.slice(colon + 1))];
}

/** `http+unix` / `https+unix`: a Unix domain socket is reached directly, never through a proxy. */
function isUnixScheme(scheme: string): boolean {
  return scheme === 'http+unix' || scheme === 'https+unix';
}

/**
 * The proxy for `url` out of `proxies`, most specific key first: `scheme://host`, `scheme`,
 * `all://host`, `all` (requests' `select_proxy`). A URL without a host uses `scheme`, then `all`.
 * An `http+unix:` URL has none: a Unix socket is never proxied.
 * @example selectProxy('https://api.example.org/x', { https: 'http://p:3128' }) // 'http://p:3128'
 */
export function selectProxy(
  url: string,
  proxies: ProxiesMap | null | undefined,
): string | null | undefined {
  if (!proxies) return undefined;
  const { scheme, hostname } = splitUrl(url);
  if (isUnixScheme(scheme)) return undefined;
  return selectProxyFor(scheme, hostname, proxies);
}

/**
 * {@link selectProxy} for a URL already taken apart: its scheme and its hostname (lower case,
 * an IPv6 address without brackets; null for none). Internal: the adapter gives it the parts of
 * the request's one parsed URL.
 */
export function selectProxyFor(
  scheme: string,
  hostname: string | null,
  proxies: ProxiesMap,
): string | null | undefined {
  if (hostname === null) return scheme in proxies ? proxies[scheme] : proxies.all;
  const keys = [`${scheme}://${hostname}`, scheme, `all://${hostname}`, 'all'];
  for (const key of keys) {
    if (Object.hasOwn(proxies, key)) return proxies[key];
  }
  return undefined;
}

/**
 * Every `<scheme>_proxy` variable as `{ scheme: url }` (Python's `getproxies_environment`): names
 * in any case, a lower-case name wins over the others, an empty lower-case value removes the
 * scheme, and `HTTP_PROXY` is ignored under CGI (`REQUEST_METHOD` set, CVE-2016-1000110).
 * NO_PROXY appears under the key `no`, as in Python.
 */
export function proxiesFromEnvironment(env: Environment = process.env): Record<string, string> {
  const proxies: Record<string, string> = {};
  const entries = Object.entries(env);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (value && lower.endsWith('_proxy')) proxies[lower.slice(0, -6)] = value;
  }
  if (env.REQUEST_METHOD !== undefined) delete proxies.http;
  for (const [name, value] of entries) {
    if (!name.endsWith('_proxy')) continue;
    const key = name.toLowerCase().slice(0, -6);
    if (value) proxies[key] = value;
    else delete proxies[key];
  }
  return proxies;
}

/**
 * One entry of {@link proxiesFromEnvironment} without reading the whole environment (it runs per
 * request): `name_proxy` decides when set, empty or not; else `NAME_PROXY`.
 */
function environProxy(key: string, env: Environment): string | undefined {
  const lower = env[`${key}_proxy`];
  if (lower !== undefined) return lower || undefined;
  if (key === 'http' && env.REQUEST_METHOD !== undefined) return undefined;
  return env[`${key.toUpperCase()}_PROXY`] || undefined;
}

/**
 * Python's `socket.inet_aton`: 1 to 4 dot-separated parts in decimal, octal (`0` prefix) or hex
 * (`0x`), the last part filling the remaining bytes. Returns the address as a 32-bit number.
 */
function inetAton(text: string): number | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) n = part.length === 2 ? 0 : Number.parseInt(part, 16);
    else if (/^0[0-7]*$/.test(part)) n = Number.parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) n = Number(part);
    else return null;
    values.push(n);
  }
  const last = values.pop() as number;
  if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return null;
  return values.reduce((acc, v, i) => acc + v * 2 ** (8 * (3 - i)), 0) + last;
}

/** True when `text` is an IPv4 address as `socket.inet_aton` reads it (requests' `is_ipv4_address`). */
export function isIPv4Address(text: string): boolean {
  return inetAton(text) !== null;
}

/** `a.b.c.d/n` with 1 <= n <= 32 (requests' `is_valid_cidr`). */
export function isValidCidr(text: string): boolean {
  const parts = text.split('/');
  if (parts.length !== 2 || !/^\s*[+-]?[0-9]+\s*$/.test(parts[1] as string)) return false;
  const mask = Number(parts[1]);
  return mask >= 1 && mask <= 32 && inetAton(parts[0] as string) !== null;
}

/**
 * True when IPv4 `ip` is inside `network` (`a.b.c.d/n`), requests' `address_in_network`.
 * @example addressInNetwork('192.168.1.1', '192.168.1.0/24') // true
 */
export function addressInNetwork(ip: string, network: string): boolean {
  const [net = '', bits = '32'] = network.split('/');
  const address = inetAton(ip);
  const base = inetAton(net);
  if (address === null || base === null) return false;
  const mask = Number(bits) >= 32 ? 0xffffffff : (0xffffffff << (32 - Number(bits))) >>> 0;
  return (address & mask) >>> 0 === (base & mask) >>> 0;
}

/** requests' own NO_PROXY check: IPv4 hosts by CIDR or exact IP, names by suffix, with port. */
function noProxyMatches(hostname: string, port: number | null, noProxy: string): boolean {
  const entries = noProxy.replace(/ /g, '').split(',').filter(Boolean);
  if (isIPv4Address(hostname)) {
    return entries.some((e) => (isValidCidr(e) ? addressInNetwork(hostname, e) : hostname === e));
  }
  const withPort = port ? `${hostname}:${port}` : hostname;
  return entries.some((entry) => {
    const host = entry.replace(/^\.+/, '');
    if (hostname === host || withPort === host) return true;
    return hostname.endsWith(`.${host}`) || withPort.endsWith(`.${host}`);
  });
}

/**
 * Python's `proxy_bypass_environment`, which requests calls after its own check: `*` alone
 * bypasses everything; entries compare case-insensitively, as suffixes, for IP addresses too.
 */
function proxyBypassEnvironment(host: string, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  if (noProxy === '*') return true;
  const lower = host.toLowerCase();
  const portMatch = /^(.*):([0-9]*)$/s.exec(lower);
  const hostOnly = portMatch ? (portMatch[1] as string) : lower;
  for (const raw of noProxy.split(',')) {
    const name = raw.trim().replace(/^\.+/, '').toLowerCase();
    if (!name) continue;
    if (hostOnly === name || lower === name) return true;
    if (hostOnly.endsWith(`.${name}`) || lower.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * True when no proxy should be used for `url` (requests' `should_bypass_proxies`): a URL without
 * a host, or a host NO_PROXY names (`noProxy` if given, else `no_proxy` / `NO_PROXY`): an exact
 * host, `host:port`, a domain suffix (leading dot optional), an IPv4 address or CIDR block, `*`.
 * @example shouldBypassProxies('http://api.internal:8080/', 'internal') // true
 */
export function shouldBypassProxies(
  url: string,
  noProxy?: string | null,
  env: Environment = process.env,
): boolean {
  const { scheme, hostname, port } = splitUrl(url);
  if (hostname === null || isUnixScheme(scheme)) return true;
  const effective = noProxy ?? (env.no_proxy || env.NO_PROXY);
  if (effective && noProxyMatches(hostname, port, effective)) return true;
  // Python then runs proxy_bypass with no_proxy set to the argument, read back through
  // getproxies_environment (an empty value counts as unset there).
  const forBypass = noProxy != null ? noProxy || undefined : environProxy('no', env);
  return proxyBypassEnvironment(hostname, forBypass);
}

/**
 * The environment's proxies for `url`, `{}` when NO_PROXY bypasses it (requests'
 * `get_environ_proxies`).
 */
export function getEnvironProxies(
  url: string,
  noProxy?: string | null,
  env: Environment = process.env,
): Record<string, string> {
  return shouldBypassProxies(url, noProxy, env) ? {} : proxiesFromEnvironment(env);
}

/**
 * The proxies to use for `request`: a copy of `proxies` plus, when `trustEnv`, the environment's
 * proxy for the URL's scheme (or `all`) unless NO_PROXY (or `proxies.no_proxy`) bypasses it
 * (requests' `resolve_proxies`).
 */
export function resolveProxies(
  request: { readonly url: string | null },
  proxies: ProxiesMap | null | undefined,
  trustEnv = true,
  env: Environment = process.env,
): Record<string, string | null | undefined> {
  const resolved: Record<string, string | null | undefined> = { ...proxies };
  const url = request.url ?? '';
  const noProxy = resolved.no_proxy;
  if (trustEnv && !shouldBypassProxies(url, noProxy, env)) {
    const { scheme } = splitUrl(url);
    const proxy = environProxy(scheme, env) ?? environProxy('all', env);
    if (proxy && !Object.hasOwn(resolved, scheme)) resolved[scheme] = proxy;
  }
  return resolved;
}

/**
 * `url` with `newScheme` in front when it has none; a scheme it has is kept (requests'
 * `prepend_scheme_if_needed`, which normalises through urllib3's `parse_url`).
 * @example prependSchemeIfNeeded('proxy.local:3128', 'http') // 'http://proxy.local:3128'
 * @throws InvalidURL for a port that is not a number up to 65535.
 */
export function prependSchemeIfNeeded(url: string, newScheme: string): string {
  const { scheme, auth, host, port, path, query, fragment } = parseUrl(url);
  // urllib3's `netloc` drops a port 0; without a host, the path stands in for it.
  let netloc = host === null ? '' : port ? `${host}:${port}` : host;
  let rest = path ?? '';
  if (!netloc) [netloc, rest] = [rest, ''];
  if (auth) netloc = `${auth}@${netloc}`;
  return urlunsplit({
    scheme: scheme ?? newScheme,
    netloc,
    path: rest,
    query: query ?? '',
    fragment: fragment ?? '',
  });
}

/**
 * True when a proxy URL (after {@link prependSchemeIfNeeded}) has a host; requests raises
 * InvalidProxyURL('Please check proxy URL. It is malformed and could be missing the host.')
 * otherwise.
 */
export function proxyUrlHasHost(proxy: string): boolean {
  try {
    return Boolean(parseUrl(proxy).host);
  } catch {
    return false;
  }
}

/** requests' message for a proxy URL without a host. */
export const MALFORMED_PROXY_URL =
  'Please check proxy URL. It is malformed and could be missing the host.';
