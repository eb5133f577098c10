/**
 * requests' HTTPAdapter: the one bridge between requests' models and the pool layer. It turns a
 * PreparedRequest into `urlopen` arguments, and pool errors into requests' exceptions (through
 * the one table of error-table.ts).
 */
import { checkOptionKeys, optionKeys } from '../_internal/options.js';
import { installView, RedactedKeyMap } from '../_internal/redact.js';
import { basicAuthStr } from '../auth.js';
import { translatePoolError } from '../error-table.js';
import { ChunkedEncodingError, ContentDecodingError, InvalidProxyURL } from '../errors.js';
import { type PreparedRequest, requestTarget } from '../models/prepared-request.js';
import { type Response, readAtOnce, releaseWhenCollected } from '../models/response.js';
import { CallContext } from '../pool/call-context.js';
import type { ConnectionPool } from '../pool/connection-pool.js';
import { PoolManager, type PoolManagerOptions } from '../pool/pool-manager.js';
import { ProxyManager } from '../pool/proxy-manager.js';
import { expectLine } from '../pool/request-headers.js';
import { type CertInput, checkCertShape, type TlsSettings, tlsSettingsFrom } from '../pool/tls.js';
import type { PoolBody, RawResponse, UrlopenOptions } from '../pool/types.js';
import { Retry } from '../retry.js';
import { MAX_TIMER_MS, TimeoutConfig } from '../timeout.js';
import {
  getAuthFromUrl,
  MALFORMED_PROXY_URL,
  type ProxiesMap,
  prependSchemeIfNeeded,
  proxyUrlHasHost,
  selectProxyFor,
} from '../utils/proxies.js';
import { urlDefragAuth } from '../utils/url.js';
import { BaseAdapter, type SendOptions } from './base-adapter.js';
import { buildResponse } from './build-response.js';
import {
  byteCount,
  CountedRawResponse,
  countedUpload,
  expectedDownload,
  type ProgressCallback,
  ProgressReporter,
} from './progress.js';

/**
 * What `new HTTPAdapter(options)` takes: requests' `HTTPAdapter(pool_connections, pool_maxsize,
 * max_retries, pool_block)` as one options object, plus ours. An unknown key is a TypeError.
 *
 * @example
 * new HTTPAdapter({ poolConnections: 20, poolMaxsize: 32, maxRetries: 3, poolBlock: true });
 */
export interface HTTPAdapterOptions {
  /** How many connection pools (origins and TLS settings) to keep. @default 10 @example { poolConnections: 20 } */
  poolConnections?: number;
  /** Kept-alive connections per pool. @default 10 @example { poolMaxsize: 32 } */
  poolMaxsize?: number;
  /** A count (`Retry.from(n)`) or a Retry. @default 0, i.e. new Retry({ total: 0, read: false }) @example { maxRetries: new Retry({ total: 3, backoffFactor: 200 }) } */
  maxRetries?: number | Retry | null;
  /** Wait for a free connection instead of opening an extra one. @default false @example { poolBlock: true } */
  poolBlock?: boolean;
  /** Ours: speak HTTP/2 when the server offers it over TLS. @default false @example { http2: true } */
  http2?: boolean;
  /**
   * Ours: requests one HTTP/2 connection carries at once, also bounded by the server's
   * SETTINGS_MAX_CONCURRENT_STREAMS; `poolMaxsize` still counts connections. @default 100 @example { http2: true, maxConcurrentStreams: 32 }
   */
  maxConcurrentStreams?: number;
  /** Ours: how long an idle kept-alive connection stays open, ms. @default 4_000 @example { keepAliveTimeout: 30_000 } */
  keepAliveTimeout?: number;
  /** Ours: largest decoded body accepted, bytes; `null` = no limit. @default null @example { maxResponseSize: 50_000_000 } */
  maxResponseSize?: number | null;
  /**
   * Ours: with `Expect: 100-continue`, how long to wait for `100 Continue` before sending the
   * body anyway, ms; `null` waits as long as the server takes. @default 1_000 @example { expectContinueTimeout: 500 }
   */
  expectContinueTimeout?: number | null;
}

const DEFAULT_RETRIES = new Retry({ total: 0, read: false });
/** The pool settings of a plain-http call: none (one object for every call). */
const NO_SETTINGS = Object.freeze({});

const ADAPTER_KEYS = optionKeys<HTTPAdapterOptions>({
  poolConnections: true,
  poolMaxsize: true,
  maxRetries: true,
  poolBlock: true,
  http2: true,
  maxConcurrentStreams: true,
  keepAliveTimeout: true,
  maxResponseSize: true,
  expectContinueTimeout: true,
});

/** Retry.from, its refusal naming the option the user wrote. */
function retriesOption(maxRetries: number | Retry | undefined): Retry {
  try {
    return Retry.from(maxRetries);
  } catch (err) {
    throw new TypeError(`HTTPAdapter({ maxRetries }): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The built-in HTTP(S) transport, with pooling and retries as requests + urllib3 have them.
 *
 * @example
 * const s = new Session();
 * s.mount('https://', new HTTPAdapter({ poolMaxsize: 32, maxRetries: new Retry({ total: 3, backoffFactor: 200 }) }));
 */
export class HTTPAdapter extends BaseAdapter {
  /** The Retry of every request (requests' `max_retries`), from the `maxRetries` option. */
  readonly maxRetries: Retry;
  /** The options it was built with, defaults filled in. */
  readonly config: Readonly<Required<HTTPAdapterOptions>>;
  /** The PoolManager holding the pools (`poolManager.pools`, each with `stats`). */
  poolManager!: PoolManager;
  /** One ProxyManager per proxy URL (and TLS settings). */
  readonly proxyManager: Map<string, ProxyManager> = new RedactedKeyMap<ProxyManager>();

  constructor(options: HTTPAdapterOptions = {}) {
    super();
    // A subclass may take options of its own: only HTTPAdapter itself knows the full set.
    if (new.target === HTTPAdapter) checkOptionKeys(options, ADAPTER_KEYS, 'HTTPAdapter option');
    const {
      poolConnections = 10,
      poolMaxsize = 10,
      maxRetries = 0,
      poolBlock = false,
      http2 = false,
      maxConcurrentStreams = 100,
      maxResponseSize = null,
    } = options;
    if (poolMaxsize === 0 && poolBlock) {
      // urllib3 would wait forever (its queue of size 0 never holds a free connection).
      throw new RangeError(
        'HTTPAdapter: poolMaxsize 0 with poolBlock: true would never hand out a connection; give poolMaxsize of at least 1, or poolBlock: false.',
      );
    }
    // Past 2^31-1 ms a Node timer fires at once: such a wait is no limit (or the longest one).
    const keepAliveTimeout = Math.min(options.keepAliveTimeout ?? 4_000, MAX_TIMER_MS);
    let expectContinueTimeout = options.expectContinueTimeout;
    if (expectContinueTimeout === undefined) expectContinueTimeout = 1_000;
    else if (expectContinueTimeout !== null && expectContinueTimeout > MAX_TIMER_MS)
      expectContinueTimeout = null;
    this.maxRetries =
      maxRetries === 0 || maxRetries === null ? DEFAULT_RETRIES : retriesOption(maxRetries);
    this.config = Object.freeze({
      poolConnections,
      poolMaxsize,
      maxRetries: this.maxRetries,
      poolBlock,
      http2,
      maxConcurrentStreams,
      keepAliveTimeout,
      maxResponseSize,
      expectContinueTimeout,
    });
    this.initPoolmanager(poolConnections, poolMaxsize, poolBlock, {
      keepAliveTimeout,
      http2,
      maxConcurrentStreams,
    });
  }

  /**
   * Builds the PoolManager. Called once by the constructor.
   * @subclass
   */
  initPoolmanager(
    connections: number,
    maxsize: number,
    block = false,
    poolOptions: Partial<PoolManagerOptions> = {},
  ): void {
    this.poolManager = new PoolManager({ ...poolOptions, numPools: connections, maxsize, block });
  }

  /**
   * The ProxyManager for `proxy`, built once and cached.
   * @subclass
   */
  proxyManagerFor(proxy: string, proxyOptions: { proxyTls?: TlsSettings } = {}): ProxyManager {
    let manager = this.proxyManager.get(proxy);
    if (manager === undefined) {
      manager = new ProxyManager(proxy, {
        numPools: this.config.poolConnections,
        maxsize: this.config.poolMaxsize,
        block: this.config.poolBlock,
        keepAliveTimeout: this.config.keepAliveTimeout,
        http2: this.config.http2,
        maxConcurrentStreams: this.config.maxConcurrentStreams,
        proxyHeaders: this.proxyHeaders(proxy),
        ...proxyOptions,
      });
      this.proxyManager.set(proxy, manager);
    }
    return manager;
  }

  /**
   * The TLS settings for `url`: CA bundle checks, client certificate checks. Missing files raise
   * before any connection is made; for an http URL nothing is checked (no TLS is spoken).
   * @subclass
   */
  certVerify(
    _conn: ConnectionPool | null,
    url: string,
    verify: boolean | string,
    cert: CertInput | null | undefined,
  ): TlsSettings | undefined {
    // Divergence from requests 2.34, decided by issue 11.8: its cert_verify checks the `cert`
    // files for every scheme, so a Session-wide `cert` with a stale path fails plain-http calls
    // that never use it; here they are checked for https URLs only.
    if (isHttps(url)) return tlsSettingsFrom(verify, cert);
    if (cert != null) checkCertShape(cert);
    return undefined;
  }

  /**
   * The connection pool for the request, keyed by its origin, TLS settings and proxy.
   * @subclass
   */
  getConnectionWithTlsContext(
    request: PreparedRequest,
    verify: boolean | string,
    proxies: ProxiesMap | null | undefined,
    cert: CertInput | null | undefined,
  ): ConnectionPool {
    const url = request.url!;
    const tls = this.certVerify(null, url, verify, cert);
    const proxy = hasEntries(proxies) ? proxyFor(request, proxies) : null;
    const options = tls === undefined ? NO_SETTINGS : { tls };
    if (!proxy) return this.poolManager.connectionFromTarget(requestTarget(request), options);
    const proxyUrl = prependSchemeIfNeeded(proxy, 'http');
    if (!proxyUrlHasHost(proxyUrl)) throw new InvalidProxyURL(MALFORMED_PROXY_URL, { request });
    return this.proxyManagerFor(proxyUrl).connectionFromTarget(requestTarget(request), options);
  }

  /**
   * The request target: the path, or the whole URL when sent through an HTTP proxy.
   * @subclass
   */
  requestUrl(request: PreparedRequest, proxies: ProxiesMap | null | undefined): string {
    if (hasEntries(proxies)) {
      const proxy = proxyFor(request, proxies);
      const https = requestTarget(request).scheme === 'https';
      if (proxy && !https && !proxy.toLowerCase().startsWith('socks')) {
        return urlDefragAuth(request.url!);
      }
    }
    return request.pathUrl;
  }

  /**
   * Adds headers the connection needs. Does nothing by default.
   * @subclass
   */
  addHeaders(_request: PreparedRequest, _options: SendOptions): void {}

  /**
   * Headers sent to the proxy only: Proxy-Authorization from the proxy URL's credentials.
   * @subclass
   */
  proxyHeaders(proxy: string): Record<string, string> {
    const [username, password] = getAuthFromUrl(proxy);
    return username ? { 'Proxy-Authorization': basicAuthStr(username, password) } : {};
  }

  /**
   * Builds a Response from the pool's raw response.
   * @subclass
   */
  buildResponse(request: PreparedRequest, raw: RawResponse): Response {
    return buildResponse(this, request, raw);
  }

  /**
   * Sends the request. A response not asked for with `stream: true` is read whole first.
   * @subclass
   */
  async send(request: PreparedRequest, options: SendOptions = {}): Promise<Response> {
    const { stream = false, verify = true, cert = null, proxies = null } = options;
    const timeout = TimeoutConfig.from(options.timeout);
    let pool: ConnectionPool;
    try {
      pool = this.getConnectionWithTlsContext(request, verify, proxies, cert);
    } catch (err) {
      throw translatePoolError(err, { request });
    }
    const url = this.requestUrl(request, proxies);
    this.addHeaders(request, options);
    // One context bounds the whole call (pool/call-context.ts): the one a Session made for its
    // chain, else one made here, which ends with this send (a streamed body is not bounded).
    const given = options.context;
    const context = given ?? CallContext.start(timeout.total, options.signal);
    const { onUploadProgress, onDownloadProgress } = options;
    let upload: ProgressReporter | null = null;
    try {
      let raw: RawResponse;
      const start = performance.now();
      try {
        const urlopenOptions = this.#urlopenOptions(
          request,
          timeout,
          context,
          options.maxResponseSize,
        );
        if (onUploadProgress) upload = countUpload(request, urlopenOptions, onUploadProgress);
        raw = await pool.urlopen(request.method!, url, urlopenOptions);
        upload?.sent();
      } catch (err) {
        throw translatePoolError(err, { request });
      }
      let download: ProgressReporter | null = null;
      // A followed redirect's body is read and dropped on the way: not counted as download.
      if (
        onDownloadProgress &&
        !(
          options.followsRedirects === true &&
          FOLLOWED.has(raw.status) &&
          raw.headers['location'] !== undefined
        )
      ) {
        download = new ProgressReporter(onDownloadProgress, expectedDownload(request.method!, raw));
        raw = countDownload(raw, download);
      }
      const response = this.buildResponse(request, raw);
      // requests' elapsed: up to the parsed headers, not the body download.
      response.elapsed = performance.now() - start;
      if (stream) releaseWhenCollected(response);
      else {
        // A body there with the headers is taken without an await (no decoding to fail).
        if (!readAtOnce(response)) {
          await (response.isRedirect ? readRedirect(response) : response.read());
        }
        if (download !== null) download.settled = true;
      }
      return response;
    } finally {
      if (given === undefined) context.end();
      if (upload !== null) upload.settled = true;
    }
  }

  #urlopenOptions(
    request: PreparedRequest,
    timeout: TimeoutConfig,
    context: CallContext,
    maxResponseSize: number | null | undefined,
  ): UrlopenOptions {
    const body = request.bodyForSend();
    const options: UrlopenOptions = {
      body,
      headers: request.headers.toRecord(),
      timeout,
      retries: this.maxRetries,
      preloadContent: false,
      expectContinueTimeout: this.config.expectContinueTimeout,
      maxResponseSize:
        maxResponseSize === undefined ? this.config.maxResponseSize : maxResponseSize,
    };
    // No body, text or bytes: the pool sends the same value again itself (no closure per call);
    // (a counted upload sets its own rewind: countUpload).
    if (!isPlainBody(body) && request.bodyIsReplayable) {
      options.rewindBody = () => request.bodyForSend();
    }
    if (context !== CallContext.NONE) options.context = context;
    return options;
  }

  /**
   * Closes every pool and proxy manager and their connections, busy ones too: calls under way
   * and bodies still being read fail with ConnectionError, so nothing keeps the process alive.
   */
  async close(): Promise<void> {
    const managers = [this.poolManager, ...this.proxyManager.values()];
    this.proxyManager.clear();
    await Promise.all(managers.map((m) => m.close()));
  }

  /**
   * Closes every pool once it is idle (urllib3's `PoolManager.clear`): idle connections now,
   * busy ones when their response is done; a body still being read can be read to its end.
   * @example adapter.clear(); // after handing out a `stream: true` response
   */
  clear(): void {
    const managers = [this.poolManager, ...this.proxyManager.values()];
    this.proxyManager.clear();
    for (const m of managers) m.clear();
  }
}
// Printed and serialised short and redacted: settings, pools and proxies without credentials.
installView(
  HTTPAdapter,
  (a) => ({
    config: a.config,
    maxRetries: a.maxRetries,
    poolManager: a.poolManager,
    proxyManager: a.proxyManager,
  }),
  () => '<HTTPAdapter>',
);

/** `https:`, or `https+unix:` (TLS over a Unix socket), in any case. */
const HTTPS_SCHEME = /^https(?:\+unix)?:/i;

/** `https:`, or `https+unix:` (TLS over a Unix socket): no lowered copy per call. */
function isHttps(url: string): boolean {
  return HTTPS_SCHEME.test(url);
}

/** The statuses Session follows (REDIRECT_STATI). */
const FOLLOWED = new Set([301, 302, 303, 307, 308]);

/**
 * Counts the request body (and any body given again for a retry) as it is sent; its reporter,
 * or null for a request without a body, whose one report is its final count, 0 of 0 (so that a
 * progress bar ends as for any body; a rewind gives no body either).
 */
function countUpload(
  request: PreparedRequest,
  options: UrlopenOptions,
  callback: ProgressCallback,
): ProgressReporter | null {
  if (options.body == null) {
    callback({ transferred: 0, total: 0 });
    return null;
  }
  const reporter = new ProgressReporter(callback);
  const total = byteCount(request.headers.get('Content-Length'));
  const given = options.body;
  // The pool's own reading of Expect: a body it holds for a 100 counts only as it is pulled.
  const gated = expectLine(options.headers) !== null;
  options.body = countedUpload(given, total, reporter, gated);
  // A body handed to undici whole is reported whole once a try has written it.
  if (options.body === given) options.onRequestSent = () => reporter.sent();
  // A body counted as a stream needs making again for a retry (a plain one is sent again as is).
  if (options.body !== given && request.bodyIsReplayable) {
    options.rewindBody = () => countedUpload(request.bodyForSend(), total, reporter, gated);
  }
  return reporter;
}

/**
 * The response counted as its decoded body is handed on, by the raw response itself when it
 * can (the pool's can), else by a wrapper. The first report (0 of the total) is made here.
 */
function countDownload(raw: RawResponse, reporter: ProgressReporter): RawResponse {
  reporter.count(0, false);
  if (raw.countBody === undefined) return new CountedRawResponse(raw, reporter);
  raw.countBody(reporter);
  return raw;
}

/**
 * The proxy for the request (requests' `select_proxy(request.url, proxies)`), from its parsed
 * URL: a Unix socket never has one.
 */
function proxyFor(request: PreparedRequest, proxies: ProxiesMap): string | null | undefined {
  const { scheme, host, socketPath } = requestTarget(request);
  if (socketPath !== null) return undefined;
  const hostname = host.charCodeAt(0) === 91 /* [ */ ? host.slice(1, -1) : host;
  return selectProxyFor(scheme, hostname, proxies);
}

/** A body the pool can send again as it is: none, text or bytes. */
function isPlainBody(body: PoolBody): boolean {
  return body === null || typeof body === 'string' || body instanceof Uint8Array;
}

/** Whether a proxies map has any key: most requests have none, and then need no URL split. */
function hasEntries(proxies: ProxiesMap | null | undefined): proxies is ProxiesMap {
  if (!proxies) return false;
  for (const _ in proxies) return true;
  return false;
}

/**
 * Reads a redirect's body only to free its connection: a body that cannot be decoded (a 302
 * labelled gzip that is not) is drained raw, as requests' resolve_redirects does, so the redirect
 * is still followed; reading the content again gives the decoding error.
 */
async function readRedirect(response: Response): Promise<void> {
  try {
    await response.read();
  } catch (err) {
    if (!(err instanceof ChunkedEncodingError || err instanceof ContentDecodingError)) throw err;
    await response.raw?.drain().catch(() => {});
  }
}
