/**
 * urllib3's ProxyManager and SOCKSProxyManager in one class: a PoolManager whose pools reach
 * their origins through one proxy. Through an HTTP(S) proxy, http:// targets share one pool to
 * the proxy and are sent in absolute form with the proxy headers; https:// targets get a pool
 * each whose connections are CONNECT tunnels with TLS to the origin inside. Through a SOCKS proxy
 * every pool's connections are SOCKS connections. Proxy credentials only ever go to the proxy.
 */

import { LocationParseError, ProxySchemeUnknown } from '../_internal/pool-errors.js';
import { hidden, redactUrl } from '../_internal/redact.js';
import type { ConnectionPool, ConnectionPoolOptions } from './connection-pool.js';
import {
  type NewPoolParams,
  PoolManager,
  type PoolManagerOptions,
  type PoolSettings,
} from './pool-manager.js';
import { type SocksProxyConfig, socksConnectorFactory } from './socks.js';
import { tlsConnectorFactory } from './tls.js';
import { proxyConnectError, tunnelConnectorFactory } from './tunnel.js';
import type { ConnectorFactory, ProxySettings, TlsSettings } from './types.js';
import { installProxyManagerView } from './views.js';

/** A proxy URL taken apart. */
export interface ParsedProxy {
  readonly scheme: 'http' | 'https' | 'socks4' | 'socks4a' | 'socks5' | 'socks5h';
  /** Lower case; an IPv6 address without brackets. */
  readonly host: string;
  /** The given port, else 80 / 443 / 1080. */
  readonly port: number;
  /** Percent-decoded credentials, '' when absent. */
  readonly username: string;
  readonly password: string;
  /** `scheme://host:port`, without credentials (pool keys, messages). */
  readonly url: string;
}

const DEFAULT_PORTS: Readonly<Record<ParsedProxy['scheme'], number>> = {
  http: 80,
  https: 443,
  socks4: 1080,
  socks4a: 1080,
  socks5: 1080,
  socks5h: 1080,
};

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function proxyScheme(url: string): ParsedProxy['scheme'] {
  const sep = url.indexOf('://');
  const scheme = sep > 0 ? url.slice(0, sep).toLowerCase() : '';
  if (Object.hasOwn(DEFAULT_PORTS, scheme)) return scheme as ParsedProxy['scheme'];
  // urllib3 reads `localhost:3128` as scheme "localhost" and reports it as no scheme.
  if (scheme === '' || scheme === 'localhost') {
    throw new ProxySchemeUnknown('Proxy URL had no scheme, should start with http:// or https://');
  }
  if (scheme.startsWith('socks')) {
    throw new ProxySchemeUnknown(
      `Unable to determine SOCKS version from ${redactUrl(url)}: use socks4://, socks4a://, socks5:// or socks5h://`,
    );
  }
  throw new ProxySchemeUnknown(
    `Proxy URL had unsupported scheme ${scheme}, should use http:// or https://`,
  );
}

/**
 * Takes a proxy URL apart (`http`, `https`, `socks4`, `socks4a`, `socks5`, `socks5h`).
 * @throws ProxySchemeUnknown for a missing or unsupported scheme; LocationParseError for a URL
 *   without a host ('Please check proxy URL. It is malformed and could be missing the host.') or
 *   with a bad port.
 * @example parseProxyUrl('socks5h://u:p@127.0.0.1:1080').port // 1080
 */
export function parseProxyUrl(url: string): ParsedProxy {
  const scheme = proxyScheme(url);
  const start = url.indexOf('://') + 3;
  const end = url.slice(start).search(/[/?#]/);
  const authority = end === -1 ? url.slice(start) : url.slice(start, start + end);
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? '' : authority.slice(0, at);
  const hostport = authority.slice(at + 1);
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*))(?::(\d*))?$/.exec(hostport);
  const host = (m?.[1] ?? m?.[2] ?? '').toLowerCase();
  if (!m || host === '') {
    throw new LocationParseError(
      'Please check proxy URL. It is malformed and could be missing the host.',
    );
  }
  const port = m[3] ? Number(m[3]) : DEFAULT_PORTS[scheme];
  if (!Number.isInteger(port) || port > 65535) {
    throw new LocationParseError(`Failed to parse: ${redactUrl(url)}: bad proxy port '${m[3]}'.`);
  }
  const colon = userinfo.indexOf(':');
  const shown = m[1] === undefined ? host : `[${host}]`;
  const parsed = {
    scheme,
    host,
    port,
    username: decode(colon === -1 ? userinfo : userinfo.slice(0, colon)),
    url: `${scheme}://${shown}:${port}`,
  } as ParsedProxy;
  // Not enumerable: printing or serialising a parsed proxy must not show its password.
  hidden(parsed, 'password', colon === -1 ? '' : decode(userinfo.slice(colon + 1)));
  return parsed;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The proxy headers, refused when a name or value could break the CONNECT request apart. */
function checkedHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name) || /[\r\n\0]/.test(String(value))) {
      throw new TypeError(
        `Invalid proxy header ${JSON.stringify(name)}: names must be tokens and values may not hold CR, LF or NUL.`,
      );
    }
  }
  return { ...headers };
}

/** Options of a {@link ProxyManager}: a PoolManager's, plus what goes to the proxy. */
export interface ProxyManagerOptions extends PoolManagerOptions {
  /**
   * Headers for the proxy only: on the CONNECT request of a tunnel, on every absolute-form
   * request otherwise (requests' `proxy_headers`: Proxy-Authorization from the URL's
   * credentials). Not used for SOCKS, which takes the credentials from the URL.
   */
  proxyHeaders?: Record<string, string> | undefined;
  /** TLS settings of the connection to an https:// proxy. @default the pool's TLS settings */
  proxyTls?: TlsSettings | undefined;
}

const VERIFY: TlsSettings = Object.freeze({ rejectUnauthorized: true });

/**
 * A PoolManager that sends everything through one proxy (urllib3's `ProxyManager`, and
 * `SOCKSProxyManager` for socks URLs). Pools are keyed by origin, TLS settings and proxy.
 * @example
 * const pm = new ProxyManager('http://user:pw@proxy.local:3128', { proxyHeaders });
 * const r = await pm.connectionFromUrl('https://example.org/').urlopen('GET', '/');
 */
export class ProxyManager extends PoolManager {
  readonly proxy: ParsedProxy;
  readonly proxyHeaders: Readonly<Record<string, string>>;
  /** The proxy of this manager's pools, in their keys (no credentials). */
  readonly proxySettings: ProxySettings;
  readonly #proxyTls: TlsSettings | undefined;
  /** The one pool key of every http:// origin through an HTTP(S) proxy. */
  readonly #forward: ProxySettings;

  /** @throws ProxySchemeUnknown / LocationParseError for a proxy URL that cannot be used. */
  constructor(proxyUrl: string, options: ProxyManagerOptions = {}) {
    const { proxyHeaders = {}, proxyTls, ...poolOptions } = options;
    super(poolOptions);
    this.proxy = parseProxyUrl(proxyUrl);
    this.proxyHeaders = Object.freeze(checkedHeaders(proxyHeaders));
    this.proxySettings = Object.freeze({ url: this.proxy.url });
    this.#forward = Object.freeze({ url: `${this.proxy.url}#forward` });
    this.#proxyTls = proxyTls;
  }

  /** True for socks4/4a/5/5h proxies. */
  get isSocks(): boolean {
    return this.proxy.scheme.startsWith('socks');
  }

  /**
   * The pool for an origin: through an HTTP(S) proxy, an http:// origin maps to the one pool of
   * the proxy itself (urllib3's `connection_from_host`); anything else gets its own pool.
   */
  override connectionFromHost(
    host: string,
    port: number,
    scheme: 'http' | 'https',
    settings: PoolSettings = {},
  ): ConnectionPool {
    if (this.isSocks || scheme === 'https') {
      return super.connectionFromHost(host, port, scheme, {
        ...settings,
        proxy: this.proxySettings,
      });
    }
    const proxy = this.proxy;
    const proxyHost = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
    const proxyScheme = proxy.scheme as 'http' | 'https';
    return super.connectionFromHost(proxyHost, proxy.port, proxyScheme, {
      tls: this.#proxyTls ?? settings.tls ?? null,
      proxy: this.#forward,
    });
  }

  protected override newPool(params: NewPoolParams): ConnectionPool {
    // A Unix socket is reached directly: no proxy applies to it.
    if (params.socketPath != null) return super.newPool(params);
    if (params.proxy === this.#forward) {
      return this.#poolWith(params, this.#forwardConnectors(params.tls), {
        requestTargetMode: 'absolute',
        extraHeaders: { ...this.proxyHeaders },
      });
    }
    const tls = params.tls ?? this.poolOptions.tls ?? VERIFY;
    if (this.isSocks) {
      return this.#poolWith(params, socksConnectorFactory(this.#socksConfig(), tls), {});
    }
    const proxyTls = this.#proxyTls ?? tls;
    const factory = tunnelConnectorFactory(this.proxy, this.proxyHeaders, tls, proxyTls);
    return this.#poolWith(params, factory, {});
  }

  #poolWith(
    params: NewPoolParams,
    connectorFactory: ConnectorFactory,
    extra: Pick<ConnectionPoolOptions, 'requestTargetMode' | 'extraHeaders'>,
  ): ConnectionPool {
    // The forwarding pool's key carries `#forward`; the pool reports the plain proxy URL.
    return super.newPool(params, { proxy: this.proxySettings, connectorFactory, ...extra });
  }

  /** Connections to the proxy itself, its failures reported as the proxy's (urllib3). */
  #forwardConnectors(tls: TlsSettings | null): ConnectorFactory {
    const direct = tlsConnectorFactory(tls ?? VERIFY);
    const proxy = this.proxy;
    return (opts) => {
      const connect = direct(opts);
      return (options, callback) =>
        connect(options, (err, socket) => {
          if (err === null) return callback(null, socket);
          callback(proxyConnectError(proxy, err, 'HTTPConnection', opts.connectTimeout), null);
        });
    };
  }

  #socksConfig(): SocksProxyConfig {
    const { scheme, host, port, username, password } = this.proxy;
    return { scheme: scheme as SocksProxyConfig['scheme'], host, port, username, password };
  }
}
installProxyManagerView(ProxyManager);
