/**
 * Pool keys (urllib3's `PoolKey`): one string per distinct connection pool, from the origin and
 * every setting that changes how its connections are opened. The TLS and proxy parts are built
 * once per settings object and cached, so a key costs a couple of concatenations per request.
 */
import { createHash } from 'node:crypto';
import type { ProxySettings, TlsSettings } from './types.js';

const tlsParts = new WeakMap<TlsSettings, string>();
const proxyParts = new WeakMap<ProxySettings, string>();

/** A short digest of key material that came without an id, so the key never holds the bytes. */
function digest(value: string | Buffer | readonly (string | Buffer)[] | undefined): string {
  if (value === undefined) return '';
  const hash = createHash('sha256');
  for (const part of Array.isArray(value) ? value : [value]) hash.update(part).update('\0');
  return hash.digest('base64url').slice(0, 16);
}

/** The TLS part of a key: verification, CA source, client certificate source. */
export function tlsKeyPart(tls: TlsSettings): string {
  let part = tlsParts.get(tls);
  if (part === undefined) {
    const ca = tls.caId ?? digest(tls.ca);
    const cert =
      tls.certId ?? digest(tls.cert === undefined ? undefined : [tls.cert, tls.key ?? '']);
    part = `|tls:${tls.rejectUnauthorized ? 'verify' : 'noverify'}:${ca}:${cert}`;
    tlsParts.set(tls, part);
  }
  return part;
}

/** The proxy part of a key: proxy URL and proxy headers, in a stable order. */
export function proxyKeyPart(proxy: ProxySettings): string {
  let part = proxyParts.get(proxy);
  if (part === undefined) {
    const headers = proxy.headers
      ? Object.keys(proxy.headers)
          .map((name) => [name.toLowerCase(), proxy.headers![name]] as const)
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      : [];
    part = `|proxy:${proxy.url}${headers.length > 0 ? JSON.stringify(headers) : ''}`;
    proxyParts.set(proxy, part);
  }
  return part;
}

/**
 * The key of the pool for `scheme://host:port` with these settings. TLS settings only count for
 * https, as urllib3 drops its SSL keywords for http pools.
 * @example poolKey('https', 'example.org', 443, { rejectUnauthorized: true }) // 'https://example.org:443|tls:verify::'
 */
export function poolKey(
  scheme: string,
  host: string,
  port: number,
  tls?: TlsSettings | null,
  proxy?: ProxySettings | null,
): string {
  let key = `${scheme}://${host}:${port}`;
  if (tls && scheme === 'https') key += tlsKeyPart(tls);
  if (proxy) key += proxyKeyPart(proxy);
  return key;
}

/**
 * The key of the pool for the Unix socket at `socketPath` (decoded, so `%2f` and `%2F` share a
 * pool; two sockets never do). TLS settings count for `https` (TLS over the socket).
 * @example unixPoolKey('http', '/run/app.sock') // 'http+unix://%2Frun%2Fapp.sock'
 */
export function unixPoolKey(
  scheme: 'http' | 'https',
  socketPath: string,
  tls?: TlsSettings | null,
): string {
  let key = `${scheme}+unix://${encodeURIComponent(socketPath)}`;
  if (tls && scheme === 'https') key += tlsKeyPart(tls);
  return key;
}
