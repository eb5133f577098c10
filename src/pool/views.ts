/**
 * The printed and serialised forms of the pool layer (ConnectionPool, PoolManager,
 * ProxyManager): what a user needs to see their pooling (keys, stats), never a proxy password,
 * proxy header value, TLS key or passphrase.
 */
import { installView, redactHeaders, redactUrl } from '../_internal/redact.js';
import type { ConnectionPool } from './connection-pool.js';
import type { PoolManager } from './pool-manager.js';
import type { ProxyManager } from './proxy-manager.js';

type Ctor<T> = abstract new (...args: any[]) => T;

/** Installs the view of ConnectionPool: `<HTTPConnectionPool(host='h', port=80)> { stats }`. */
export function installConnectionPoolView(cls: Ctor<ConnectionPool>): void {
  installView(
    cls,
    (p) => ({
      key: redactUrl(p.key),
      maxsize: p.maxsize,
      block: p.block,
      proxy: p.proxy ? redactUrl(p.proxy.url) : null,
      stats: p.stats,
    }),
    (p) => `<${p.poolName}>`,
  );
}

function poolsOf(m: PoolManager): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, pool] of m.pools) out[redactUrl(key)] = pool.stats;
  return out;
}

/** Installs the view of PoolManager: its bound and its live pools with their stats. */
export function installPoolManagerView(cls: Ctor<PoolManager>): void {
  installView(
    cls,
    (m) => ({ numPools: m.numPools, pools: poolsOf(m) }),
    (m) => `<${m.constructor.name}(${m.pools.size}/${m.numPools} pools)>`,
  );
}

/** Installs the view of ProxyManager: the proxy without credentials, header values redacted. */
export function installProxyManagerView(cls: Ctor<ProxyManager>): void {
  installView(
    cls,
    (m) => ({
      proxy: m.proxy.url,
      proxyHeaders: redactHeaders(m.proxyHeaders),
      numPools: m.numPools,
      pools: poolsOf(m),
    }),
    (m) => `<ProxyManager ${m.proxy.url}>`,
  );
}
