/**
 * urllib3's PoolManager: one ConnectionPool per pool key (origin, TLS settings, proxy), at most
 * `numPools` of them, the least recently used closed (once idle) when another is needed.
 */

import { ConnectionPool, type ConnectionPoolOptions } from './connection-pool.js';
import { parseUrl, type RequestTarget } from './parse-url.js';
import { poolKey, unixPoolKey } from './pool-key.js';
import type { ProxySettings, RawResponse, TlsSettings, UrlopenOptions } from './types.js';
import { installPoolManagerView } from './views.js';

/** Options of a {@link PoolManager}; every pool option is given to each pool it makes. */
export interface PoolManagerOptions
  extends Omit<ConnectionPoolOptions, 'scheme' | 'host' | 'port' | 'key' | 'proxy'> {
  /** Pools kept (urllib3's `num_pools`). @default 10 */
  numPools?: number | undefined;
  /** Idle kept-alive connections per pool. @default 10 */
  maxsize?: number | undefined;
}

/** The settings that pick a pool besides its origin. */
export interface PoolSettings {
  /** TLS settings of an https pool. @default the manager's `tls`, else verification on */
  tls?: TlsSettings | null | undefined;
  proxy?: ProxySettings | null | undefined;
}

/** Everything a new pool is made from (see {@link PoolManager.newPool}). */
export interface NewPoolParams {
  readonly key: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly tls: TlsSettings | null;
  readonly proxy: ProxySettings | null;
  /** The Unix socket of an `http+unix:` / `https+unix:` pool. */
  readonly socketPath?: string | null | undefined;
}

/** urlopen options of a PoolManager: a call's options plus the settings that pick its pool. */
export type PoolManagerUrlopenOptions = UrlopenOptions & PoolSettings;

const VERIFY: TlsSettings = Object.freeze({ rejectUnauthorized: true });

/**
 * Pools by origin and settings.
 * @example
 * const pm = new PoolManager({ numPools: 4, maxsize: 8 });
 * const r = await pm.urlopen('GET', 'http://127.0.0.1:8080/items');
 * await pm.close();
 */
export class PoolManager {
  readonly numPools: number;
  /** The options every new pool gets. */
  protected readonly poolOptions: Readonly<Omit<PoolManagerOptions, 'numPools'>>;
  readonly #pools = new Map<string, ConnectionPool>();
  #mostRecent: ConnectionPool | null = null;
  /**
   * The origin of the last pool lookup (its parsed parts, and for connectionFromUrl its prefix
   * as written), its settings and its pool: the same origin again needs no key and no parse.
   */
  #last: {
    origin: string | null;
    scheme: 'http' | 'https';
    host: string;
    port: number;
    socketPath: string | null;
    tls: TlsSettings | null | undefined;
    proxy: ProxySettings | null | undefined;
    pool: ConnectionPool;
  } | null = null;

  constructor(options: PoolManagerOptions = {}) {
    const { numPools = 10, ...poolOptions } = options;
    if (!Number.isInteger(numPools) || numPools < 0) {
      throw new RangeError(`numPools must be a whole number of at least 0, got ${numPools}.`);
    }
    this.numPools = numPools;
    this.poolOptions = { maxsize: 10, ...poolOptions };
  }

  /** The live pools by key, least recently used first. */
  get pools(): ReadonlyMap<string, ConnectionPool> {
    return this.#pools;
  }

  /**
   * The pool for `url`'s origin with these settings, made when needed.
   * @throws LocationParseError for a URL that is not http(s) or http(s)+unix, or has no host.
   */
  connectionFromUrl(url: string, settings: PoolSettings = {}): ConnectionPool {
    const last = this.#last;
    if (
      last !== null &&
      last.origin !== null &&
      this.#isLast(last.pool, settings) &&
      hasOrigin(url, last.origin)
    ) {
      return last.pool; // the same origin as the last call: no parsing, no key, LRU unchanged
    }
    const pool = this.connectionFromTarget(parseUrl(url), settings);
    // connectionFromTarget left #last on this pool: remember the prefix that names it too.
    this.#last!.origin = originOf(url);
    return pool;
  }

  /** Whether `pool` is still the one the last lookup with these settings found. */
  #isLast(pool: ConnectionPool, settings: PoolSettings): boolean {
    const last = this.#last!;
    return (
      pool === this.#mostRecent &&
      last.tls === settings.tls &&
      last.proxy === settings.proxy &&
      !pool.closed
    );
  }

  /**
   * The pool for one origin (urllib3's `connection_from_host`).
   * @subclass a ProxyManager maps http origins to its proxy's pool here.
   */
  connectionFromHost(
    host: string,
    port: number,
    scheme: 'http' | 'https',
    settings: PoolSettings = {},
  ): ConnectionPool {
    const tls = scheme === 'https' ? (settings.tls ?? this.poolOptions.tls ?? VERIFY) : null;
    const proxy = settings.proxy ?? null;
    const key = poolKey(scheme, host, port, tls, proxy);
    return this.connectionFromPoolKey(key, { key, scheme, host, port, tls, proxy });
  }

  /** The pool for a parsed URL: its Unix socket's, else its origin's. */
  connectionFromTarget(target: RequestTarget, settings: PoolSettings = {}): ConnectionPool {
    const last = this.#last;
    if (
      last !== null &&
      last.host === target.host &&
      last.port === target.port &&
      last.scheme === target.scheme &&
      last.socketPath === target.socketPath &&
      this.#isLast(last.pool, settings)
    ) {
      return last.pool; // the same origin as the last call: no key, LRU unchanged
    }
    const { scheme, host, port, socketPath } = target;
    const pool =
      socketPath !== null
        ? this.connectionFromSocket(socketPath, scheme, settings)
        : this.connectionFromHost(host, port, scheme, settings);
    const { tls, proxy } = settings;
    this.#last = { origin: null, scheme, host, port, socketPath, tls, proxy, pool };
    return pool;
  }

  /**
   * The pool for the Unix domain socket at `socketPath` (an `http+unix:` URL; `https` speaks TLS
   * over the socket). A proxy never applies to a socket: `settings.proxy` is ignored.
   */
  connectionFromSocket(
    socketPath: string,
    scheme: 'http' | 'https',
    settings: PoolSettings = {},
  ): ConnectionPool {
    const tls = scheme === 'https' ? (settings.tls ?? this.poolOptions.tls ?? VERIFY) : null;
    const key = unixPoolKey(scheme, socketPath, tls);
    const port = scheme === 'https' ? 443 : 80;
    const params = { key, scheme, host: 'localhost', port, tls, proxy: null, socketPath };
    return this.connectionFromPoolKey(key, params);
  }

  /** The pool stored under `key`, made from `params` when missing; marks it most recently used. */
  connectionFromPoolKey(key: string, params: NewPoolParams): ConnectionPool {
    const pools = this.#pools;
    let pool = pools.get(key);
    if (pool !== undefined) {
      if (pool !== this.#mostRecent) {
        pools.delete(key);
        pools.set(key, pool);
        this.#mostRecent = pool;
      }
      return pool;
    }
    // numPools 0 keeps no pool (urllib3's RecentlyUsedContainer(0) drops each one at once): the
    // pool serves this call and keeps none of its connections, so nothing is left open.
    if (this.numPools === 0) return this.newPool(params, { keepIdle: false });
    pool = this.newPool(params);
    pools.set(key, pool);
    this.#mostRecent = pool;
    if (pools.size > this.numPools) this.#evictOldest();
    return pool;
  }

  #evictOldest(): void {
    const [key, pool] = this.#pools.entries().next().value as [string, ConnectionPool];
    this.#pools.delete(key);
    void pool.close(); // calls under way finish first; their connections close afterwards
  }

  /**
   * Makes a pool (urllib3's `_new_pool`); `extra` overrides the manager's pool options.
   * @subclass a ProxyManager gives its pools a tunnelling connector or absolute-form targets.
   */
  protected newPool(
    params: NewPoolParams,
    extra: Partial<ConnectionPoolOptions> = {},
  ): ConnectionPool {
    const options: ConnectionPoolOptions = {
      ...this.poolOptions,
      key: params.key,
      scheme: params.scheme,
      host: params.host,
      port: params.port,
      tls: params.tls,
    };
    if (params.proxy !== null) options.proxy = params.proxy;
    if (params.socketPath != null) options.socketPath = params.socketPath;
    return new ConnectionPool(Object.assign(options, extra));
  }

  /**
   * Sends a request to an absolute URL through the pool for its origin (urllib3's
   * `PoolManager.urlopen`, without redirects: the layer above follows them).
   * @throws LocationParseError for a URL that is not http(s) or has no host; else as
   *   ConnectionPool.urlopen.
   */
  urlopen(
    method: string,
    url: string,
    options: PoolManagerUrlopenOptions = {},
  ): Promise<RawResponse> {
    let target: RequestTarget;
    let pool: ConnectionPool;
    try {
      target = parseUrl(url);
      pool = this.connectionFromTarget(target, options);
    } catch (err) {
      return Promise.reject(err);
    }
    return pool.urlopenTarget(method, target, options);
  }

  /** Closes and forgets every pool (calls under way finish first). */
  clear(): void {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    this.#mostRecent = null;
    this.#last = null;
    for (const pool of pools) void pool.close();
  }

  /**
   * Closes every pool and its connections, busy ones too (their calls fail with ClosedPoolError),
   * so nothing keeps the process alive. The manager stays usable, as urllib3's after `clear()`.
   */
  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    this.#mostRecent = null;
    this.#last = null;
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  /** `await using`: `close()` when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
installPoolManagerView(PoolManager);

/** `scheme://authority` of `url` as written (up to the first `/`, `?` or `#` after `//`). */
function originOf(url: string): string {
  const start = url.indexOf('//') + 2;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    end++;
  }
  return url.slice(0, end);
}

/** Whether `url` starts with `origin` and the authority ends there. */
function hasOrigin(url: string, origin: string): boolean {
  if (!url.startsWith(origin)) return false;
  if (url.length === origin.length) return true;
  const c = url.charCodeAt(origin.length);
  return c === 0x2f || c === 0x3f || c === 0x23;
}
