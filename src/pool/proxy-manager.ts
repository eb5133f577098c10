/**
 * urllib3's ProxyManager and SOCKSProxyManager in one class: a PoolManager whose pools reach
 * their origins through one proxy. Through an HTTP(S) proxy, http:// targets share one pool to
 * the proxy and are sent in absolute form with the proxy headers; https:// targets get a pool
 * each whose connections are CONNECT tunnels with TLS to the origin inside. Through a SOCKS proxy
 * every pool's connections are SOCKS connections. Proxy credentials only ever go to the proxy.
 */
import { isIPv6 } from 'node:net';
import type { Duplex } from 'node:stream';
import type { buildConnector } from 'undici';
import {
  LocationParseError,
  PoolBaseError,
  PoolProxyError,
  ProxySchemeUnknown,
} from '../_internal/pool-errors.js';
import { redactUrl } from '../_internal/redact.js';
import { ConnectionPool, type ConnectionPoolOptions } from './connection-pool.js';
import {
  type NewPoolParams,
  PoolManager,
  type PoolManagerOptions,
  type PoolSettings,
} from './pool-manager.js';
import { type SocksProxyConfig, socksConnectorFactory } from './socks.js';
import { ConnectAttempt, connectTimeoutError, tlsConnector, tlsConnectorFactory } from './tls.js';
import type { ConnectorFactory, ProxySettings, TlsSettings } from './types.js';
import { toPoolError } from './undici-errors.js';

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
  return {
    scheme,
    host,
    port,
    username: decode(colon === -1 ? userinfo : userinfo.slice(0, colon)),
    password: colon === -1 ? '' : decode(userinfo.slice(colon + 1)),
    url: `${scheme}://${shown}:${port}`,
  };
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
    this.proxyHeaders = Object.freeze({ ...proxyHeaders });
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
    return new ConnectionPool({
      ...this.poolOptions,
      key: params.key,
      scheme: params.scheme,
      host: params.host,
      port: params.port,
      tls: params.tls,
      // The forwarding pool's key carries `#forward`; the pool reports the plain proxy URL.
      proxy: this.proxySettings,
      connectorFactory,
      ...extra,
    });
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

/**
 * A failure to reach the proxy, as urllib3 wraps it: ProxyError('Unable to connect to proxy')
 * with the pool error of the cause (NewConnectionError, ...), plus a hint when an https:// proxy
 * URL names a proxy that only speaks HTTP.
 */
export function proxyConnectError(
  proxy: ParsedProxy,
  err: Error,
  connection: 'HTTPConnection' | 'HTTPSConnection',
  connectTimeout: number | null,
): PoolProxyError {
  const cause =
    err instanceof PoolBaseError
      ? err
      : (toPoolError(err, {
          url: proxy.url,
          poolName: `${connection}(host='${proxy.host}', port=${proxy.port})`,
          host: proxy.host,
          phase: 'connect',
          connectTimeout,
          readTimeout: null,
          received: 0,
          expected: null,
          abortReason: undefined,
        }) as Error);
  const plainHttp =
    proxy.scheme === 'https' &&
    /wrong version number|unknown protocol|record layer failure/i.test(
      `${err.message} ${cause.message}`,
    );
  const hint = plainHttp
    ? '. Your proxy appears to only use HTTP and not HTTPS, try changing your proxy URL to be HTTP.'
    : '';
  return new PoolProxyError(`Unable to connect to proxy${hint}: ${cause.message}`, { cause });
}

/** The proxy's answer to CONNECT may not be longer than this (status line and headers). */
const MAX_TUNNEL_ANSWER = 64 * 1024;

function tunnelFailure(what: string): Error {
  return new Error(`Tunnel connection failed: ${what}`);
}

/**
 * Reads the proxy's answer to CONNECT, status line and headers, and nothing past them; data after
 * them (before our TLS handshake even started) is a proxy error.
 */
function readTunnelAnswer(
  socket: Duplex,
  done: (err: Error | null, status: number, reason: string) => void,
) {
  let head = Buffer.alloc(0);
  const finish = (err: Error | null, status = 0, reason = '') => {
    socket.off('readable', onReadable).off('end', onEnd).off('error', finish);
    done(err, status, reason);
  };
  const onEnd = () =>
    finish(tunnelFailure('the proxy closed the connection without answering CONNECT'));
  const onReadable = () => {
    for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read()) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_TUNNEL_ANSWER)
          return finish(tunnelFailure('the proxy answer is too long'));
        continue;
      }
      if (head.length > end + 4)
        return finish(tunnelFailure('the proxy sent data after its answer'));
      const line = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(line);
      if (!m) return finish(tunnelFailure(`the proxy answered '${line.slice(0, 80)}'`));
      return finish(null, Number(m[1]), (m[2] ?? '').trim());
    }
  };
  socket.on('readable', onReadable).on('end', onEnd).on('error', finish);
}

/** `CONNECT host:port HTTP/1.1` with Host and the proxy headers. */
function connectRequest(authority: string, headers: Readonly<Record<string, string>>): string {
  let text = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
  for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
  return `${text}\r\n`;
}

/**
 * The connector of https origins through an HTTP(S) proxy: a connection to the proxy (TLS for an
 * https:// proxy, with `proxyTls`), `CONNECT host:port` with the proxy headers, then TLS to the
 * origin inside the tunnel with `tls`. A proxy that cannot be reached or refuses the tunnel
 * (e.g. 407) fails with PoolProxyError naming the status; TLS errors with the origin keep Node's
 * error (the pool's table makes them PoolSSLError).
 */
export function tunnelConnector(
  proxy: ParsedProxy,
  proxyHeaders: Readonly<Record<string, string>>,
  tls: TlsSettings,
  proxyTls: TlsSettings,
  connectTimeout: number | null,
): buildConnector.connector {
  const toProxy = tlsConnector(proxyTls, null);
  const shown = isIPv6(proxy.host) ? `[${proxy.host}]` : proxy.host;
  const proxyTarget = {
    hostname: proxy.host,
    host: `${shown}:${proxy.port}`,
    protocol: `${proxy.scheme}:`,
    port: String(proxy.port),
  };
  return (options, callback) => {
    const attempt = new ConnectAttempt(callback, connectTimeout, () =>
      connectTimeoutError(proxyTarget.host, connectTimeout),
    );
    const host = isIPv6(options.hostname) ? `[${options.hostname}]` : options.hostname;
    const authority = `${host}:${Number(options.port) || 443}`;
    toProxy(proxyTarget, (err, socket) => {
      if (err !== null)
        return attempt.fail(proxyConnectError(proxy, err, 'HTTPSConnection', connectTimeout));
      if (attempt.settled) return socket.destroy();
      attempt.track(socket);
      socket.on('error', noop); // errors reach the attempt (or later the TLS socket) too
      socket.write(connectRequest(authority, proxyHeaders));
      readTunnelAnswer(socket, (answerErr, status, reason) => {
        if (attempt.settled) return;
        if (answerErr !== null) return attempt.fail(tunnelError(answerErr));
        if (status !== 200)
          return attempt.fail(tunnelError(tunnelFailure(`${status} ${reason}`.trim())));
        tlsConnector(tls, null)({ ...options, httpSocket: socket }, (tlsErr, tlsSocket) => {
          if (tlsErr !== null) attempt.fail(tlsErr);
          else attempt.succeed(tlsSocket);
        });
      });
    });
  };
}

function tunnelError(cause: Error): PoolProxyError {
  return new PoolProxyError(`Unable to connect to proxy: ${cause.message}`, { cause });
}

function noop(): void {}

/** The {@link ConnectorFactory} of the pools of https origins behind an HTTP(S) proxy. */
export function tunnelConnectorFactory(
  proxy: ParsedProxy,
  proxyHeaders: Readonly<Record<string, string>>,
  tls: TlsSettings,
  proxyTls: TlsSettings,
): ConnectorFactory {
  return ({ connectTimeout }) =>
    tunnelConnector(proxy, proxyHeaders, tls, proxyTls, connectTimeout);
}
