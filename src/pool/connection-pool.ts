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
import {
  type ClientOptions,
  type ConnectionOwner,
  PooledConnection,
  type SharedConnect,
} from './connection.js';
import { defaultConnectorFactory, guardConnect, scopedConnectorFactory } from './connector.js';
import { type ContinueRequest, DEFAULT_EXPECT_CONTINUE_TIMEOUT } from './continue-phase.js';
import { connectionCreated, connectionDiscarded } from './diagnostics.js';
import { Exchange, type ExchangeOwner } from './exchange.js';
import { parseUrl, pathOf, type RequestTarget, unscopedHost } from './parse-url.js';
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
  /**
   * Idle kept-alive connections kept; with `block`, connections open at all. 0 keeps any number,
   * as urllib3's pool queue of size 0 (then `block` is refused: no connection could be had). @default 1
   */
  maxsize?: number | undefined;
  /** false: close every connection after its exchange (a pool its PoolManager does not keep). @default true */
  keepIdle?: boolean | undefined;
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
  /** Streams one h2 connection carries at most (also bounded by the server's limit). @default 100 */
  maxConcurrentStreams?: number | undefined;
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
  /** http2 pools: connections that multiplex, or may (their protocol not known yet). */
  readonly #shared: PooledConnection[] = [];
  /** http2 pools: how a connection opens, and our stream limit; null without http2. */
  readonly #sharedConnect: {
    readonly maxStreams: number;
    readonly options: SharedConnect['options'];
  } | null;
  #streams = 0;
  #connected = 0;
  #running = 0;
  #closed = false;
  /** Idle connections kept at most (maxsize; unbounded for 0; none when not kept). */
  readonly #idleLimit: number;
  /** Connections open at most where that is bounded (maxsize; unbounded for 0). */
  readonly #sizeLimit: number;

  constructor(options: ConnectionPoolOptions) {
    const { scheme, host, port } = options;
    if (scheme !== 'http' && scheme !== 'https') {
      throw new TypeError(`scheme must be 'http' or 'https', got ${String(scheme)}.`);
    }
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.maxsize = poolSize(options.maxsize ?? 1, options.block ?? false);
    this.block = options.block ?? false;
    this.#sizeLimit = this.maxsize === 0 ? Number.POSITIVE_INFINITY : this.maxsize;
    this.#idleLimit = options.keepIdle === false ? 0 : this.#sizeLimit;
    this.tls = options.tls ?? null;
    this.proxy = options.proxy ?? null;
    this.socketPath = options.socketPath ?? null;
    // An IPv6 zone ID stays out of undici's origin and the Host header (scopedConnectorFactory).
    const bare = unscopedHost(host);
    this.#origin = `${scheme}://${bare}:${port}`;
    const isDefault = port === (scheme === 'https' ? 443 : 80);
    this.#authority = isDefault ? bare : `${bare}:${port}`;
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
        ? scopedConnectorFactory(defaultConnectorFactory(tls, this.#http2), host)
        : unixConnectorFactory(
            this.socketPath,
            scheme === 'https' ? (tls ?? VERIFY) : null,
            this.#http2,
          ));
    this.#sharedConnect =
      this.#http2 && scheme === 'https'
        ? {
            maxStreams: positiveInteger(
              'maxConcurrentStreams',
              options.maxConcurrentStreams ?? 100,
            ),
            options: connectOptions(scheme, host, port),
          }
        : null;
  }

  /** Live counters: open sockets, idle ones, waiting calls, requests on the wire. */
  get stats(): PoolStats {
    const pending = this.#waiters.length;
    const running = this.#running;
    let free = this.#idle.length;
    for (const conn of this.#shared) if (conn.h2 !== null && conn.load === 0) free++;
    return {
      connected: this.#connected,
      free,
      pending,
      running,
      size: pending + running,
      streams: this.#streams,
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
        headers !== given && options.body != null ? this.#expect(given, options) : null;
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
    if (this.#sharedConnect !== null) return this.#startShared(call, body, retrying, startedAt);
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
    // Expect: 100-continue is a phase of the exchange on HTTP/1.1 (pool/continue-phase.ts), of
    // the stream on HTTP/2 (pool/h2-session.ts).
    const expect = body === null ? null : call.expect;
    const h2Expect = expect !== null && conn.h2 !== null;
    const exchange = new Exchange(
      this,
      conn,
      call.method,
      call.path,
      timeout,
      call.body,
      call.signal,
      startedAt,
      h2Expect ? null : expect,
      call.options.onRequestSent,
    );
    this.#running++;
    const options: Dispatcher.DispatchOptions = {
      method: call.method,
      path: call.path,
      headers: (h2Expect ? withExpect(call.headers) : call.headers) ?? null,
      body: exchange.bodyToSend(body) as string | Uint8Array | null,
      // The exchange keeps the read timeout itself (undici's timers tick in ~1 s steps).
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    // undici closes the connection after every HEAD; a HEAD's answer is framed like any other
    // (RFC 9110 §9.3.2), so it is kept alive as urllib3 keeps it.
    if (call.method === 'HEAD') options.reset = false;
    if (conn.h2 !== null) this.#streams++;
    conn.dispatch(options, exchange, h2Expect ? expect.wait : undefined);
    return exchange;
  }

  // ---- http2 pools: connections shared by many requests ----

  #startShared(
    call: Call,
    body: PoolBody,
    retrying: boolean,
    startedAt: number,
  ): Attempt | Promise<Attempt> {
    const got = this.#acquireShared(call, retrying);
    if (got instanceof PooledConnection && got.known && this.#fits(got)) {
      return this.#dispatchShared(got, call, body, retrying, startedAt);
    }
    return this.#settleShared(got, call, body, retrying, startedAt);
  }

  /** Sends on a connection of an http2 pool (HTTP/2 or HTTP/1.1, whichever ALPN chose). */
  #dispatchShared(
    conn: PooledConnection,
    call: Call,
    body: PoolBody,
    _retrying: boolean,
    startedAt: number,
  ): Attempt | Promise<Attempt> {
    return this.#dispatch(conn, call, body, startedAt);
  }

  /**
   * Waits for the protocol of the connection given to this call; when it cannot take the call
   * (HTTP/1.1 already claimed, or the server allows fewer streams), asks the pool again.
   */
  async #settleShared(
    got: PooledConnection | Promise<PooledConnection>,
    call: Call,
    body: PoolBody,
    retrying: boolean,
    startedAt: number,
  ): Promise<Attempt> {
    for (let tries = 0; ; tries++) {
      const conn = await got;
      if (!conn.known) await conn.ready;
      if (call.signal?.aborted) {
        this.#release(conn);
        throw call.signal.reason;
      }
      if (this.#fits(conn)) return this.#dispatchShared(conn, call, body, retrying, startedAt);
      this.#release(conn);
      if (tries >= 1000)
        throw new ClosedPoolError(`${this.poolName}: no connection took the request.`);
      got = this.#acquireShared(call, retrying);
    }
  }

  /** Whether a connection given to a call (its load counted) may carry it now. */
  #fits(conn: PooledConnection): boolean {
    if (conn.connectError !== null) return true; // the dispatch reports the connect error
    const h2 = conn.h2;
    if (h2 !== null) return conn.load <= h2.maxStreams && !h2.draining && conn.connected;
    if (conn.claimed) return false;
    conn.claimed = true;
    const i = this.#shared.indexOf(conn);
    if (i !== -1) this.#shared.splice(i, 1);
    return true;
  }

  /** A call given `conn` will not use it after all. */
  #release(conn: PooledConnection): void {
    if (--conn.load > 0) return;
    if (conn.connectError !== null) void this.#drop(conn);
    else if (conn.h2 !== null) this.#settleIdle(conn);
    else if (conn.known && !conn.claimed) {
      // An HTTP/1.1 connection nobody took: it waits in the free list like any other.
      const i = this.#shared.indexOf(conn);
      if (i !== -1) this.#shared.splice(i, 1);
      if (conn.client !== null && !this.#closed && this.#idle.length < this.#idleLimit) {
        conn.idle = true;
        this.#idle.push(conn);
      } else void this.#drop(conn);
    }
    this.#pump();
  }

  #acquireShared(call: Call, retrying: boolean): PooledConnection | Promise<PooledConnection> {
    if (this.#closed && !retrying) throw new ClosedPoolError(`${this.poolName}: Pool is closed.`);
    const connect = call.timeout.connect ?? null;
    const conn = this.#freeSlot(!this.block, connect);
    if (conn !== null) return conn;
    const waiter = new Waiter(this, connect, call.timeout.pool ?? null, call.signal);
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /**
   * A place for one more request, its load counted: a stream on a shared connection, an idle
   * HTTP/1.1 connection, or a new connection when `open` or the pool has room; else null.
   */
  #freeSlot(open: boolean, connectTimeout: number | null): PooledConnection | null {
    const max = this.#sharedConnect!.maxStreams;
    for (const conn of this.#shared) {
      const room = conn.h2 !== null ? conn.h2.maxStreams : conn.known ? 0 : max;
      if (conn.load < room && (conn.h2 === null || conn.multiplexing)) {
        if (conn.load++ === 0 && conn.idleTimer !== null) {
          clearTimeout(conn.idleTimer);
          conn.idleTimer = null;
        }
        return conn;
      }
    }
    const idle = this.#idle;
    while (idle.length > 0) {
      const conn = idle.pop()!;
      conn.idle = false;
      if (conn.connected) {
        conn.load = 1;
        return conn;
      }
      void this.#drop(conn);
    }
    if (!open && this.#all.size >= this.#sizeLimit) return null;
    const conn = this.#open(connectTimeout);
    conn.load = 1;
    return conn;
  }

  /** Hands free places to waiting calls. */
  #pump(): void {
    while (this.#waiters.length > 0 && !this.#closed) {
      const conn = this.#freeSlot(false, this.#waiters[0]!.connectTimeout);
      if (conn === null) return;
      this.#waiters.shift()!.grant(conn);
    }
  }

  /** Closes a connection the pool has no room to keep, telling diagnostics why. */
  #discard(conn: PooledConnection): void {
    if (connectionDiscarded.hasSubscribers) {
      connectionDiscarded.publish({
        pool: this.poolName,
        connection: conn.id,
        maxsize: this.maxsize,
      });
    }
    void this.#drop(conn);
  }

  /** A shared connection with no request left: kept (up to `maxsize`) or closed. */
  #settleIdle(conn: PooledConnection): void {
    if (this.#closed || conn.closed || !conn.connected || conn.h2?.draining === true) {
      void this.#drop(conn);
    } else if (this.#all.size > this.#idleLimit) {
      this.#discard(conn);
    } else if (conn.h2 !== null) {
      // Kept: closed after the keep-alive time without a request, as an idle HTTP/1.1 one.
      const ms = this.#clientOptions.keepAliveTimeout ?? 4_000;
      conn.idleTimer = setTimeout(dropIdle, ms, this, conn).unref();
    }
  }

  /** An idle h2 connection's keep-alive time ran out. @internal */
  idleExpired(conn: PooledConnection): void {
    conn.idleTimer = null;
    if (conn.load === 0) void this.#drop(conn);
  }

  /** A request on a connection of an http2 pool ended. */
  #finishShared(conn: PooledConnection, reusable: boolean): void {
    conn.load--;
    if (conn.h2 !== null) {
      this.#streams--;
      if (conn.load === 0) this.#settleIdle(conn);
      this.#pump();
      return;
    }
    conn.load = 0;
    if (!reusable || this.#closed || conn.closed || !conn.connected) void this.#drop(conn);
    else {
      conn.used = true;
      if (this.#waiters.length > 0 || this.#idle.length < this.#idleLimit) {
        conn.claimed = false;
        conn.idle = true;
        this.#idle.push(conn);
      } else void this.#drop(conn);
    }
    this.#pump();
  }

  connectionDraining(conn: PooledConnection): void {
    const i = this.#shared.indexOf(conn);
    if (i !== -1) this.#shared.splice(i, 1);
    if (conn.load === 0) void this.#drop(conn);
    this.#pump();
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
    if (!this.block || this.#all.size < this.#sizeLimit) return this.#open(connect);
    const waiter = new Waiter(this, connect, timeout.pool ?? null, signal);
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /** The connector of new connections, held to `connectTimeout`; one per timeout. @internal */
  connector(connectTimeout: number | null): ReturnType<ConnectorFactory> {
    let connector = this.#connectors.get(connectTimeout);
    if (connector === undefined) {
      if (this.#connectors.size >= 16) this.#connectors.clear();
      connector = guardConnect(
        this,
        this.#connectorFactory({ connectTimeout, http2: this.#http2 }),
        connectTimeout,
      );
      this.#connectors.set(connectTimeout, connector);
    }
    return connector;
  }

  #open(connectTimeout: number | null): PooledConnection {
    const connector = this.connector(connectTimeout);
    const shared = this.#sharedConnect;
    const conn = new PooledConnection(
      this,
      this.#origin,
      this.#clientOptions,
      connector,
      shared === null
        ? null
        : { options: shared.options, authority: this.#authority, maxStreams: shared.maxStreams },
    );
    this.#all.add(conn);
    if (shared !== null) this.#shared.push(conn);
    if (connectionCreated.hasSubscribers) {
      connectionCreated.publish({ pool: this.poolName, connection: conn.id });
    }
    return conn;
  }

  /** Closes a connection for good; it no longer counts against `maxsize`. */
  #drop(conn: PooledConnection, reason?: Error): Promise<void> {
    if (!this.#all.delete(conn)) return Promise.resolve();
    if (this.#sharedConnect !== null) {
      const i = this.#shared.indexOf(conn);
      if (i !== -1) this.#shared.splice(i, 1);
    }
    if (conn.connected) {
      conn.connected = false; // counted now; its 'disconnect' comes later and is then ignored
      this.#connected--;
    }
    return conn.destroy(reason);
  }

  /** An exchange ended: the connection goes back to the pool, to a waiter, or is closed. */
  finish(conn: PooledConnection, reusable: boolean): void {
    this.#running--;
    if (this.#sharedConnect !== null) {
      this.#finishShared(conn, reusable);
      return;
    }
    if (!reusable || this.#closed || conn.closed || !conn.connected) {
      void this.#drop(conn);
      this.#serveWaiter(null);
      return;
    }
    conn.used = true;
    conn.responseEnded();
    if (this.#serveWaiter(conn)) return;
    if (this.#idle.length < this.#idleLimit) {
      conn.idle = true;
      this.#idle.push(conn);
      return;
    }
    this.#discard(conn);
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
    if (conn.h2 !== null) {
      void this.#drop(conn);
      this.#pump();
      return;
    }
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
    for (const conn of this.#shared) if (conn.h2 !== null && conn.load === 0) idle.push(conn);
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

function dropIdle(pool: ConnectionPool, conn: PooledConnection): void {
  pool.idleExpired(conn);
}

/** The headers of an HTTP/2 stream with Expect (h2-session.ts sends it with its wait). */
function withExpect(headers: Record<string, string> | undefined): Record<string, string> {
  return { ...headers, expect: '100-continue' };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number of at least 1, got ${value}.`);
  }
  return value;
}

function poolSize(value: number, block: boolean): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`maxsize must be a whole number of at least 0, got ${value}.`);
  }
  if (value === 0 && block) {
    throw new RangeError(
      'maxsize 0 with block (poolBlock) would never hand out a connection: give maxsize of at least 1, or block false.',
    );
  }
  return value;
}

/** The options undici gives a connector for this origin (the hostname without IPv6 brackets). */
function connectOptions(scheme: string, host: string, port: number): SharedConnect['options'] {
  const hostname = host.charCodeAt(0) === 91 /* [ */ ? host.slice(1, -1) : host;
  return {
    hostname,
    host: `${host}:${port}`,
    protocol: `${scheme}:`,
    port: String(port),
  } as SharedConnect['options'];
}
