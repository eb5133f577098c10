/**
 * urllib3's HTTPConnectionPool on undici: the connections to one origin (with one set of TLS and
 * proxy settings), and `urlopen` with the Retry loop. Each connection is a single-connection
 * undici Client, so the pool itself decides reuse (LIFO), overflow and blocking as urllib3 does.
 */

import type { Dispatcher } from 'undici';
import { ClosedPoolError } from '../_internal/pool-errors.js';
import type { Retry } from '../retry.js';
import { TimeoutConfig } from '../timeout.js';
import { CallContext } from './call-context.js';
import { type ClientOptions, type ConnectionOwner, PooledConnection } from './connection.js';
import { defaultConnectorFactory, guardConnect } from './connector.js';
import { type ContinueRequest, DEFAULT_EXPECT_CONTINUE_TIMEOUT } from './continue-phase.js';
import { connectionCreated, connectionDiscarded } from './diagnostics.js';
import { Exchange, type ExchangeOwner } from './exchange.js';
import { parseUrl, pathOf, type RequestTarget } from './parse-url.js';
import { checkMethod, expectLine, prepareHeaders } from './request-headers.js';
import { now } from './timings.js';
import type {
  ConnectorFactory,
  PoolBody,
  PoolStats,
  ProxySettings,
  RawResponse,
  TlsSettings,
  UrlopenOptions,
} from './types.js';
import { unixConnectorFactory } from './unix.js';
import { type Attempt, type Call, runCall } from './urlopen.js';
import { installConnectionPoolView } from './views.js';
import { Waiter } from './waiter.js';

const VERIFY: TlsSettings = Object.freeze({ rejectUnauthorized: true });

/** Options of a {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  scheme: 'http' | 'https';
  /** Lower case; an IPv6 address in brackets. */
  host: string;
  port: number;
  /** Idle kept-alive connections kept; with `block`, connections open at all. @default 1 */
  maxsize?: number | undefined;
  /** Wait (up to `timeout.pool`) for a free connection instead of opening an extra one. @default false */
  block?: boolean | undefined;
  /** TLS settings of the default connector (https only). */
  tls?: TlsSettings | null | undefined;
  /**
   * Connect to the Unix domain socket at this path instead of `host:port` (an `http+unix:` URL);
   * `host` is then only the Host header and TLS server name (`localhost`).
   */
  socketPath?: string | null | undefined;
  /** The proxy this pool goes through; informational here, the connector does the work. */
  proxy?: ProxySettings | null | undefined;
  /** Opens connections; @default undici's buildConnector with `tls` and the call's connect timeout. */
  connectorFactory?: ConnectorFactory | undefined;
  /** `absolute`: send `GET http://host/path` (an HTTP proxy); `origin`: `GET /path`. @default 'origin' */
  requestTargetMode?: 'origin' | 'absolute' | undefined;
  /** Headers added to every request unless it sets them (e.g. Proxy-Authorization). */
  extraHeaders?: Record<string, string> | undefined;
  /** Headers of a call that gives none (urllib3's pool `headers`). */
  headers?: Record<string, string> | undefined;
  /** How long an idle connection stays open, ms; a shorter server Keep-Alive hint wins. @default 4_000 */
  keepAliveTimeout?: number | undefined;
  /** Retries of a call that gives none. @default Retry.DEFAULT (3) */
  retries?: Retry | number | false | null | undefined;
  /** Timeouts of a call that gives none. @default TimeoutConfig.NONE */
  timeout?: TimeoutConfig | undefined;
  /** Offer HTTP/2 through ALPN (https). @default false */
  http2?: boolean | undefined;
  /** The pool key this pool is stored under (set by PoolManager). */
  key?: string | undefined;
}

/**
 * The connections to one origin.
 * @example
 * const pool = new ConnectionPool({ scheme: 'http', host: '127.0.0.1', port: 8080, maxsize: 4 });
 * const r = await pool.urlopen('GET', '/status', { timeout: new TimeoutConfig({ read: 5_000 }) });
 */
export class ConnectionPool implements ConnectionOwner, ExchangeOwner {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly maxsize: number;
  readonly block: boolean;
  readonly key: string;
  readonly tls: TlsSettings | null;
  readonly proxy: ProxySettings | null;
  /** The Unix socket this pool connects to, or null for TCP. */
  readonly socketPath: string | null;
  /** urllib3's description: `HTTPConnectionPool(host='h', port=80)`. */
  readonly poolName: string;

  readonly #origin: string;
  readonly #base: string;
  /** The Host header of origin-form requests: host, and port unless the default. */
  readonly #authority: string;
  readonly #absolute: boolean;
  readonly #http2: boolean;
  readonly #extraHeaders: Record<string, string> | undefined;
  readonly #headers: Record<string, string> | undefined;
  readonly #retries: Retry | number | false | null;
  readonly #timeout: TimeoutConfig;
  readonly #clientOptions: ClientOptions;
  readonly #connectorFactory: ConnectorFactory;
  readonly #connectors = new Map<number | null, ReturnType<ConnectorFactory>>();
  /** Open connections, busy or idle. */
  readonly #all = new Set<PooledConnection>();
  /** Idle connections; the last one returned is used first. */
  readonly #idle: PooledConnection[] = [];
  readonly #waiters: Waiter[] = [];
  #connected = 0;
  #running = 0;
  #closed = false;

  constructor(options: ConnectionPoolOptions) {
    const { scheme, host, port } = options;
    if (scheme !== 'http' && scheme !== 'https') {
      throw new TypeError(`scheme must be 'http' or 'https', got ${String(scheme)}.`);
    }
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.maxsize = positiveInteger('maxsize', options.maxsize ?? 1);
    this.block = options.block ?? false;
    this.tls = options.tls ?? null;
    this.proxy = options.proxy ?? null;
    this.socketPath = options.socketPath ?? null;
    this.#origin = `${scheme}://${host}:${port}`;
    const isDefault = port === (scheme === 'https' ? 443 : 80);
    this.#authority = isDefault ? host : `${host}:${port}`;
    const kind = scheme === 'https' ? 'HTTPS' : 'HTTP';
    if (this.socketPath === null) {
      this.key = options.key ?? this.#origin;
      this.#base = `${scheme}://${this.#authority}`;
      this.poolName = `${kind}ConnectionPool(host='${host}', port=${port})`;
    } else {
      this.#base = `${scheme}+unix://${encodeURIComponent(this.socketPath)}`;
      this.key = options.key ?? this.#base;
      this.poolName = `Unix${kind}ConnectionPool(path='${this.socketPath}')`;
    }
    this.#absolute = options.requestTargetMode === 'absolute';
    this.#extraHeaders = options.extraHeaders;
    this.#headers = options.headers;
    this.#retries = options.retries ?? null;
    this.#timeout = options.timeout ?? TimeoutConfig.NONE;
    this.#http2 = options.http2 ?? false;
    const keepAlive = options.keepAliveTimeout ?? 4_000;
    this.#clientOptions = {
      pipelining: 1,
      // Ours is also the cap of a server's Keep-Alive hint: a shorter hint still wins.
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: keepAlive,
      headersTimeout: 0,
      bodyTimeout: 0,
      allowH2: options.http2 ?? false,
    };
    const tls = scheme === 'https' ? this.tls : null;
    this.#connectorFactory =
      options.connectorFactory ??
      (this.socketPath === null
        ? defaultConnectorFactory(tls, this.#http2)
        : unixConnectorFactory(
            this.socketPath,
            scheme === 'https' ? (tls ?? VERIFY) : null,
            this.#http2,
          ));
  }

  /** Live counters: open sockets, idle ones, waiting calls, requests on the wire. */
  get stats(): PoolStats {
    const pending = this.#waiters.length;
    const running = this.#running;
    return {
      connected: this.#connected,
      free: this.#idle.length,
      pending,
      running,
      size: pending + running,
    };
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  toString(): string {
    return this.poolName;
  }

  /**
   * Sends a request and resolves with the response once its headers arrived (or its whole body,
   * with `preloadContent`, the default). Retries as `options.retries` says (urllib3's urlopen).
   * @param url A path (`/a?b`), or an absolute URL; absolute when the pool sends absolute-form.
   * @throws pool errors (src/_internal/pool-errors.ts), MaxRetryError when retries run out, or
   *   the signal's reason when `options.signal` aborts.
   */
  urlopen(method: string, url: string, options: UrlopenOptions = {}): Promise<RawResponse> {
    try {
      if (this.#absolute) {
        const target = parseUrl(url);
        return this.#run(method, target.url, target.authority, url, options);
      }
      return this.#run(method, pathOf(url), undefined, url, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** urlopen for a URL the caller has parsed already (PoolManager). @internal */
  urlopenTarget(
    method: string,
    target: RequestTarget,
    options: UrlopenOptions,
  ): Promise<RawResponse> {
    if (this.#absolute) return this.#run(method, target.url, target.authority, target.url, options);
    return this.#run(method, target.path, undefined, target.url, options);
  }

  #run(
    method: string,
    path: string,
    host: string | undefined,
    url: string,
    options: UrlopenOptions,
  ): Promise<RawResponse> {
    let call: Call;
    try {
      // A throw here (e.g. a hostile headers object) must still be a rejection, never a throw.
      checkMethod(method);
      const given = options.headers ?? this.#headers;
      const headers = prepareHeaders(given, this.#extraHeaders, host);
      const timeout = options.timeout ?? this.#timeout;
      const expect =
        headers !== given && options.body != null && !this.#http2
          ? this.#expect(given, options)
          : null;
      // Last: once made, a context of ours is ended by runCall.
      const context = options.context ?? CallContext.start(timeout.total, options.signal);
      call = {
        method,
        path,
        url,
        headers,
        timeout,
        body: {
          decodeContent: options.decodeContent ?? true,
          maxSize: options.maxResponseSize ?? null,
        },
        context,
        signal: context.signal,
        retries: options.retries ?? this.#retries,
        options,
        // Only a call whose headers needed changes can hold Expect: the normal path pays nothing.
        expect,
      };
    } catch (err) {
      return Promise.reject(err);
    }
    return runCall(this, call, options.context !== undefined);
  }

  /** Starts one try of `call`: a connection (maybe after a wait), then the request on it. @internal */
  startExchange(call: Call, body: PoolBody, retrying: boolean): Attempt | Promise<Attempt> {
    const startedAt = now(); // `queued` runs from here to the dispatch
    const got = this.#acquire(call.timeout, call.signal, retrying);
    if (got instanceof PooledConnection) return this.#dispatch(got, call, body, startedAt);
    return got.then((conn) => this.#dispatch(conn, call, body, startedAt));
  }

  /** The absolute URL of a request target. */
  urlOf(target: string): string {
    return target.charCodeAt(0) === 47 /* / */ ? this.#base + target : target;
  }

  /** The 100-continue phase a call's headers ask for (pool/continue-phase.ts), or null. */
  #expect(
    headers: Record<string, string> | undefined,
    options: UrlopenOptions,
  ): ContinueRequest | null {
    const line = expectLine(headers);
    if (line === null) return null;
    const wait = options.expectContinueTimeout;
    return { line, wait: wait === undefined ? DEFAULT_EXPECT_CONTINUE_TIMEOUT : wait };
  }

  #dispatch(conn: PooledConnection, call: Call, body: PoolBody, startedAt: number): Exchange {
    const { timeout } = call;
    const exchange = new Exchange(
      this,
      conn,
      call.method,
      call.path,
      timeout,
      call.body,
      call.signal,
      startedAt,
      body === null ? null : call.expect,
    );
    this.#running++;
    const options: Dispatcher.DispatchOptions = {
      method: call.method,
      path: call.path,
      headers: call.headers ?? null,
      body: exchange.bodyToSend(body) as string | Uint8Array | null,
      // The exchange keeps the read timeout itself (undici's timers tick in ~1 s steps).
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    // undici closes the connection after every HEAD; a HEAD's answer is framed like any other
    // (RFC 9110 §9.3.2), so it is kept alive as urllib3 keeps it.
    if (call.method === 'HEAD') options.reset = false;
    conn.client.dispatch(options, exchange);
    return exchange;
  }

  // ---- connections ----

  #acquire(
    timeout: TimeoutConfig,
    signal: AbortSignal | undefined,
    retrying: boolean,
  ): PooledConnection | Promise<PooledConnection> {
    // A call already under way may finish its retries on a pool closed meanwhile (LRU eviction).
    if (this.#closed && !retrying) throw new ClosedPoolError(`${this.poolName}: Pool is closed.`);
    const idle = this.#idle;
    while (idle.length > 0) {
      const conn = idle.pop()!;
      conn.idle = false;
      if (conn.connected) return conn;
      this.#drop(conn);
    }
    const connect = timeout.connect ?? null;
    if (!this.block || this.#all.size < this.maxsize) return this.#open(connect);
    const waiter = new Waiter(this, connect, timeout.pool ?? null, signal);
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /** The connector of new connections, held to `connectTimeout`; one per timeout. @internal */
  connector(connectTimeout: number | null): ReturnType<ConnectorFactory> {
    let connector = this.#connectors.get(connectTimeout);
    if (connector === undefined) {
      if (this.#connectors.size >= 16) this.#connectors.clear();
      connector = guardConnect(this, this.#connectorFactory({ connectTimeout }), connectTimeout);
      this.#connectors.set(connectTimeout, connector);
    }
    return connector;
  }

  #open(connectTimeout: number | null): PooledConnection {
    const connector = this.connector(connectTimeout);
    const conn = new PooledConnection(this, this.#origin, this.#clientOptions, connector);
    this.#all.add(conn);
    if (connectionCreated.hasSubscribers) {
      connectionCreated.publish({ pool: this.poolName, connection: conn.id });
    }
    return conn;
  }

  /** Closes a connection for good; it no longer counts against `maxsize`. */
  #drop(conn: PooledConnection, reason?: Error): Promise<void> {
    if (!this.#all.delete(conn)) return Promise.resolve();
    if (conn.connected) {
      conn.connected = false; // counted now; its 'disconnect' comes later and is then ignored
      this.#connected--;
    }
    return conn.destroy(reason);
  }

  /** An exchange ended: the connection goes back to the pool, to a waiter, or is closed. */
  finish(conn: PooledConnection, reusable: boolean): void {
    this.#running--;
    if (!reusable || this.#closed || conn.closed || !conn.connected) {
      void this.#drop(conn);
      this.#serveWaiter(null);
      return;
    }
    conn.used = true;
    if (this.#serveWaiter(conn)) return;
    if (this.#idle.length < this.maxsize) {
      conn.idle = true;
      this.#idle.push(conn);
      return;
    }
    if (connectionDiscarded.hasSubscribers) {
      connectionDiscarded.publish({
        pool: this.poolName,
        connection: conn.id,
        maxsize: this.maxsize,
      });
    }
    void this.#drop(conn);
  }

  /** Gives `conn` (or, when null, a new connection) to the first waiting call, if any. */
  #serveWaiter(conn: PooledConnection | null): boolean {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return false;
    waiter.grant(conn ?? this.#open(waiter.connectTimeout));
    return true;
  }

  /** A waiting call gave up (pool timeout or abort). @internal */
  forgetWaiter(waiter: Waiter): void {
    const i = this.#waiters.indexOf(waiter);
    if (i !== -1) this.#waiters.splice(i, 1);
  }

  connectionUp(_conn: PooledConnection): void {
    this.#connected++;
  }

  connectionDown(conn: PooledConnection): void {
    this.#connected--;
    if (!conn.idle) return;
    conn.idle = false;
    const i = this.#idle.indexOf(conn);
    if (i !== -1) this.#idle.splice(i, 1);
    void this.#drop(conn);
  }

  /**
   * Closes the pool (urllib3's close): idle connections now, busy ones when their response is
   * done; waiting calls fail with ClosedPoolError, new calls too.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const error = new ClosedPoolError(`${this.poolName}: Pool is closed.`);
    for (const waiter of this.#waiters.splice(0)) waiter.fail(error);
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((conn) => this.#drop(conn)));
  }

  /**
   * Closes the pool and every connection, busy ones too: calls under way (and bodies still being
   * read) fail with ClosedPoolError, so nothing keeps the process alive (`HTTPAdapter.close()`).
   * @example await pool.destroy();
   */
  async destroy(): Promise<void> {
    await this.close();
    const error = new ClosedPoolError(
      `${this.poolName}: The pool was closed while this request was under way.`,
    );
    await Promise.all([...this.#all].map((conn) => this.#drop(conn, error)));
  }

  /** `await using`: `close()` when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
installConnectionPoolView(ConnectionPool);

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number of at least 1, got ${value}.`);
  }
  return value;
}
