/**
 * requests' Session: persistent settings, adapters mounted by URL prefix, and the request
 * primitive every verb wraps.
 */

import { checkOptionKeys, optionKeys } from '../_internal/options.js';
import { VERSION } from '../_internal/version.js';
import type { BaseAdapter, SendOptions } from '../adapters/base-adapter.js';
import { HTTPAdapter } from '../adapters/http-adapter.js';
import { activeMock } from '../adapters/mock-adapter.js';
import { monotone } from '../adapters/progress.js';
import type { AuthInput } from '../auth.js';
import { extractCookiesToJar, mergeCookies, RequestsCookieJar, toCookieJar } from '../cookies.js';
import { InvalidSchema } from '../errors.js';
import { dispatchHook, type Hooks, type HooksInput, registerHooks } from '../hooks.js';
import type { ServerSentEvent } from '../models/event-stream.js';
import {
  type CookiesInput,
  type HeadersInput,
  type HeaderValue,
  PreparedRequest,
} from '../models/prepared-request.js';
import { Request, type RequestInit } from '../models/request.js';
import { bodyAtHand, type Response } from '../models/response.js';
import { CallContext } from '../pool/call-context.js';
import { ACCEPT_ENCODING } from '../pool/decoders.js';
import type { CertInput } from '../pool/tls.js';
import { CaseInsensitiveDict, dictStore } from '../structures.js';
import { TimeoutConfig, type TimeoutInput } from '../timeout.js';
import {
  callSettled,
  type EnvironmentSnapshot,
  environment,
  environmentForCall,
} from '../utils/environment.js';
import { getNetrcAuth } from '../utils/netrc.js';
import { getEnvironProxies, type ProxiesMap, resolveProxies } from '../utils/proxies.js';
import type { ParamValue } from '../utils/url.js';
import { observe, observed } from './diagnostics.js';
import { type EventsOptions, sessionEvents } from './events.js';
import { mergeHeaders, mergeHooks, mergeSetting } from './merge.js';
import { SessionRedirectMixin } from './redirects.js';
import {
  type HTTPMethod,
  type ProxiesInput,
  REQUEST_OPTION_KEYS,
  type RequestOptions,
  type StreamRequestOptions,
  type StreamResponse,
  type UrlInput,
} from './request-options.js';
import { installSessionView } from './views.js';

export type {
  HTTPMethod,
  ProxiesInput,
  RequestOptions,
  StreamRequestOptions,
  StreamResponse,
  UrlInput,
};

/** Options of `Session.send`. */
export interface SessionSendOptions extends SendOptions {
  allowRedirects?: boolean;
}

/**
 * What `new Session(options)` takes: the Session's attributes, set before any request.
 * `headers` are laid over the default headers (a `null` value removes one); `adapters` are
 * mounted after the default `https://` and `http://` ones.
 */
export interface SessionOptions {
  /** @default User-Agent, Accept-Encoding, Accept, Connection @example { headers: { Authorization: 'Bearer t' } } */
  headers?: HeadersInput;
  /** @default null @example { auth: ['user', 'pass'] } */
  auth?: AuthInput | null;
  /** @default {} @example { proxies: { https: 'http://proxy.local:3128' } } */
  proxies?: ProxiesInput;
  /** @default { response: [] } @example { hooks: { response: [logIt] } } */
  hooks?: HooksInput;
  /** @default {} @example { params: { apiKey: 'k' } } */
  params?: Record<string, ParamValue | readonly ParamValue[]>;
  /** @default false @example { stream: true } */
  stream?: boolean;
  /** @default true @example { verify: '/etc/ssl/ca.pem' } */
  verify?: boolean | string;
  /** @default null @example { cert: ['client.pem', 'client.key'] } */
  cert?: CertInput | null;
  /** @default 30 @example { maxRedirects: 5 } */
  maxRedirects?: number;
  /** @default true @example { trustEnv: false } */
  trustEnv?: boolean;
  /** A record, a RequestsCookieJar or a tough-cookie CookieJar (shared live). @default an empty jar @example { cookies: new CookieJar() } */
  cookies?: CookiesInput;
  /** Ours, in ms. @default null (no limit) @example { timeout: { connect: 3_000, read: 10_000 } } */
  timeout?: TimeoutInput;
  /** Prefix -> adapter, mounted at construction. @default HTTPAdapters for https:// and http:// (also mounted for https+unix:// and http+unix://) @example { adapters: { 'https://api.example.org/': mock } } */
  adapters?: Readonly<Record<string, BaseAdapter>>;
}

const SESSION_KEYS = optionKeys<SessionOptions>({
  headers: true,
  auth: true,
  proxies: true,
  hooks: true,
  params: true,
  stream: true,
  verify: true,
  cert: true,
  maxRedirects: true,
  trustEnv: true,
  cookies: true,
  timeout: true,
  adapters: true,
});

/** The headers every Session starts with. */
export function defaultHeaders(): CaseInsensitiveDict<HeaderValue | null> {
  return new CaseInsensitiveDict<HeaderValue | null>({
    'User-Agent': `requests-ts/${VERSION}`,
    'Accept-Encoding': ACCEPT_ENCODING,
    Accept: '*/*',
    Connection: 'keep-alive',
  });
}

/**
 * A Session keeps settings, cookies and pooled connections across requests.
 *
 * @example
 * await using s = new Session({ headers: { Authorization: 'Bearer t' }, timeout: 10_000 });
 * s.headers.set('Authorization', 'Bearer t');
 * const r = await s.post('https://api.example.org/items', { json: { a: 1 } });
 */
export class Session extends SessionRedirectMixin {
  /** Sent with every request; a request's `null` header removes one for that request. */
  headers: CaseInsensitiveDict<HeaderValue | null> = defaultHeaders();
  /** Sent with every request that gives none: `[user, pass]` (Basic) or an AuthBase. @default null */
  auth: AuthInput | null = null;
  /** Scheme or `scheme://host` -> proxy URL, for every request (the environment fills in the rest). @default {} */
  proxies: ProxiesInput = {};
  /** `response` hooks run for every request, after the request's own. @default { response: [] } */
  hooks: Hooks = { response: [] };
  /** Query parameters added to every request (a request's `null` value drops one). @default {} */
  params: Record<string, ParamValue | readonly ParamValue[]> = {};
  /** Default of `stream` for every request. @default false */
  stream = false;
  /** Default of `verify`: `true`, `false`, or a CA bundle file or directory. @default true */
  verify: boolean | string = true;
  /** Default client certificate: a path, `[cert, key]` or `{ cert, key, passphrase }`. @default null */
  cert: CertInput | null = null;
  /** @default 30 */
  maxRedirects = 30;
  /** Read proxies, CA bundle and netrc from the environment. @default true */
  trustEnv = true;
  #cookies: RequestsCookieJar = new RequestsCookieJar();
  /** Ours: the timeout of every request that gives none. @default null (no limit) */
  timeout: TimeoutInput = null;
  /** Mounted adapters, longest prefix first. */
  readonly adapters = new Map<string, BaseAdapter>();
  #prefixes: Array<[string, BaseAdapter]> = [];
  /**
   * The environment read once for the call `request` is preparing: `prepareRequest` and
   * `mergeEnvironmentSettings` run synchronously inside it and share this one read (each
   * `process.env` read is a native call, and a call reads the environment once, as requests).
   */
  #callEnv: EnvironmentSnapshot | null = null;
  /** The last numeric timeout given and its TimeoutConfig (see #timeoutConfig). */
  #lastTimeout: [number, TimeoutConfig] | null = null;

  /**
   * @param options the Session's attributes, as {@link SessionOptions} (they stay mutable).
   * @throws {TypeError} for an unknown key, naming the nearest valid one.
   * @example new Session({ headers: { 'X-Api-Key': 'k' }, maxRedirects: 5 })
   */
  constructor(options?: SessionOptions) {
    super();
    const mock = activeMock();
    const https = mock ?? new HTTPAdapter();
    const http = mock ?? new HTTPAdapter();
    this.mount('https://', https);
    this.mount('http://', http);
    // Unix domain sockets (the requests-unixsocket convention) on the same pools' adapters.
    this.mount('https+unix://', https);
    this.mount('http+unix://', http);
    if (options !== undefined) this.#configure(options);
  }

  #configure(options: SessionOptions): void {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`new Session(options): options must be an object; got ${options}`);
    }
    checkOptionKeys(options, SESSION_KEYS, 'Session option');
    const { headers, hooks, cookies, adapters, ...rest } = options;
    if (headers != null) this.headers = mergeHeaders(headers, this.headers);
    if (hooks != null) registerHooks(this.hooks, hooks);
    if (cookies != null) this.cookies = cookies;
    for (const prefix of Object.keys(adapters ?? {})) this.mount(prefix, adapters![prefix]!);
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined) (this as Record<string, unknown>)[key] = value;
    }
  }

  /** The Session's cookies; a record or a tough-cookie CookieJar may be assigned (the latter shared live). */
  get cookies(): RequestsCookieJar {
    return this.#cookies;
  }
  set cookies(value: Exclude<CookiesInput, null | undefined>) {
    this.#cookies = toCookieJar(value, 'Session.cookies');
  }

  /**
   * Registers `adapter` for URLs starting with `prefix` (case-insensitive on scheme and host).
   * @example s.mount('https://api.example.org/', new HTTPAdapter({ maxRetries: 3 }))
   */
  mount(prefix: string | URL, adapter: BaseAdapter): void {
    prefix = urlText(prefix, 'mount prefix');
    // A non-adapter would fail only at the first request, in words that do not name mount.
    if (typeof (adapter as Partial<BaseAdapter> | null)?.send !== 'function') {
      throw new TypeError('mount(prefix, adapter): adapter must be an adapter (a BaseAdapter)');
    }
    this.adapters.set(prefix, adapter);
    const ordered = [...this.adapters].sort((a, b) => b[0].length - a[0].length);
    this.adapters.clear();
    for (const [k, v] of ordered) this.adapters.set(k, v);
    this.#prefixes = ordered.map(([k, v]) => [k.toLowerCase(), v]);
  }

  /** The adapter of the longest mounted prefix of `url`. @throws InvalidSchema when none */
  getAdapter(url: string | URL): BaseAdapter {
    url = urlText(url, 'url');
    for (const [prefix, adapter] of this.#prefixes) {
      if (startsWithIgnoringCase(url, prefix)) return adapter;
    }
    throw new InvalidSchema(`No connection adapters were found for '${url}'`);
  }

  /** Builds a PreparedRequest from `request` merged with this Session's settings. */
  prepareRequest(request: Request): PreparedRequest {
    const merged = mergeCookies(new RequestsCookieJar(), this.cookies);
    const own = request.cookies;
    // The request's cookies win over the Session's, as a jar merged last does in requests.
    if (own) mergeCookies(merged, toCookieJar(own));
    let auth = request.auth;
    if (this.trustEnv && !auth && !this.auth && request.url)
      auth = getNetrcAuth(String(request.url), false, this.#environment().netrcLocations);
    const p = new PreparedRequest();
    p.prepare({
      method: request.method,
      url: request.url,
      files: request.files,
      data: request.data,
      json: request.json,
      // No headers of the request's own: the Session's go to prepareHeaders, which copies them.
      // (`headers` may have been assigned a record or a Headers, as requests allows: merged then.)
      headers:
        request.headers == null &&
        this.headers instanceof CaseInsensitiveDict &&
        !hasNullValue(this.headers)
          ? this.headers
          : mergeHeaders(request.headers, this.headers),
      params: mergeSetting(request.params, this.params),
      auth: mergeSetting(auth, this.auth),
      cookies: merged,
      hooks: mergeHooks(request.hooks, this.hooks),
    });
    return p;
  }

  /**
   * The environment's proxies and CA bundle folded in when `trustEnv`, then the Session's.
   */
  mergeEnvironmentSettings(
    url: string,
    proxies: ProxiesInput | null | undefined,
    stream: boolean | null | undefined,
    verify: boolean | string | null | undefined,
    cert: CertInput | null | undefined,
  ): {
    proxies: Record<string, string>;
    stream: boolean;
    verify: boolean | string;
    cert: CertInput | null;
  } {
    let withEnv: ProxiesMap = proxiesMap(proxies);
    if (this.trustEnv) {
      const env = this.#environment();
      if (env.hasProxies) {
        const found = getEnvironProxies(url, withEnv['no_proxy'] ?? null, env.env);
        withEnv = { ...found, ...withEnv };
      }
      if (verify === true || verify == null) verify = env.caBundle ?? verify;
    }
    return {
      proxies: (mergeSetting<ProxiesMap>(withEnv, proxiesMap(this.proxies)) ?? {}) as Record<
        string,
        string
      >,
      stream: (mergeSetting(stream, this.stream) ?? false) as boolean,
      verify: (mergeSetting(verify, this.verify) ?? true) as boolean | string,
      cert: (mergeSetting(cert, this.cert) ?? null) as CertInput | null,
    };
  }

  /**
   * Constructs, prepares and sends a request; the primitive every verb wraps.
   * @throws {TypeError} for an unknown option key, naming the nearest valid one
   *   (`allow_redirects` -> `allowRedirects`), before any traffic.
   * @example const r = await s.request('GET', 'https://example.org/', { params: { q: 'x' } });
   */
  request(
    method: HTTPMethod,
    url: UrlInput,
    options: StreamRequestOptions,
  ): Promise<StreamResponse>;
  request(method: HTTPMethod, url: UrlInput, options?: RequestOptions): Promise<Response>;
  request(method: HTTPMethod, url: UrlInput, options: RequestOptions = {}): Promise<Response> {
    // Not async: the call's promise is send's own, one layer fewer to wait through.
    let call: [PreparedRequest, SessionSendOptions];
    try {
      call = this.#prepareCall(method, url, options);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.send(call[0], call[1]);
  }

  /** What `request` sends: the prepared request and send's options. */
  #prepareCall(
    method: HTTPMethod,
    url: UrlInput,
    options: RequestOptions,
  ): [PreparedRequest, SessionSendOptions] {
    checkOptionKeys(options, REQUEST_OPTION_KEYS, 'request option');
    const req = new Request(options as RequestInit);
    req.method = method;
    req.url = urlText(url, 'url');
    let prepared: PreparedRequest;
    let settings: ReturnType<Session['mergeEnvironmentSettings']> | null = null;
    let adapter: BaseAdapter | undefined;
    const outer = this.#callEnv;
    // A plain call (no proxies given, our merge and send): only the environment its first
    // request uses is read now (see #quickSettings).
    const quick =
      this.trustEnv &&
      this.mergeEnvironmentSettings === MERGE_ENVIRONMENT_SETTINGS &&
      this.send === SEND &&
      !hasEntries(options.proxies) &&
      !hasEntries(this.proxies)
        ? schemeOf(req.url)
        : NOT_QUICK;
    const verify = options.verify;
    this.#callEnv = !this.trustEnv
      ? null
      : quick === NOT_QUICK
        ? environment()
        : environmentForCall(
            quick === HTTPS,
            quick === HTTPS && (verify === true || verify == null),
          );
    try {
      prepared = this.prepareRequest(req);
      // The variables read are those of the given URL's scheme: a prepareRequest override may
      // have made another (http to https), whose settings are then read whole.
      if (
        quick !== NOT_QUICK &&
        schemeOf(prepared.url ?? '') === quick &&
        !this.#callEnv!.hasProxies
      ) {
        adapter = this.getAdapter(prepared.url!);
        // Another adapter may read every setting: it gets them all, read now.
        if (Object.getPrototypeOf(adapter) === HTTPAdapter.prototype) {
          settings = this.#quickSettings(this.#callEnv!, quick === HTTPS, options);
        } else adapter = undefined;
      }
      if (settings === null) {
        if (quick !== NOT_QUICK) this.#callEnv = environment();
        settings = this.mergeEnvironmentSettings(
          prepared.url!,
          options.proxies,
          options.stream,
          options.verify,
          options.cert,
        );
      }
    } finally {
      this.#callEnv = outer;
    }
    // Our merge's object is this call's own: it becomes send's options, one object fewer (one an
    // override returns may be kept by it, and is copied).
    const sendOptions = (
      adapter !== undefined || this.mergeEnvironmentSettings === MERGE_ENVIRONMENT_SETTINGS
        ? settings
        : { ...settings }
    ) as CallSendOptions;
    sendOptions.timeout = options.timeout === undefined ? this.timeout : options.timeout;
    sendOptions.allowRedirects = options.allowRedirects ?? true;
    if (options.signal) sendOptions.signal = options.signal;
    if (options.maxResponseSize !== undefined)
      sendOptions.maxResponseSize = options.maxResponseSize;
    if (options.onUploadProgress) sendOptions.onUploadProgress = options.onUploadProgress;
    if (options.onDownloadProgress) sendOptions.onDownloadProgress = options.onDownloadProgress;
    if (adapter !== undefined) {
      sendOptions[QUICK_ADAPTER] = adapter;
      sendOptions[QUICK_VERIFY] = verify;
    }
    return [prepared, sendOptions];
  }

  /**
   * mergeEnvironmentSettings' result for a call with no proxies given whose environment gives
   * no proxy for its URL (`env` is exact for the variables of the URL's scheme, and for the CA
   * ones when an https call's verify may come from them): no proxies, and the CA bundle for an
   * https URL. The rest of the environment (the other scheme's proxy, an http call's CA bundle)
   * matters only to a redirect or a hook, which read it then (#completeSettings), so that a
   * plain call reads 4 to 6 variables, not 8.
   */
  #quickSettings(
    env: EnvironmentSnapshot,
    https: boolean,
    options: RequestOptions,
  ): ReturnType<Session['mergeEnvironmentSettings']> {
    let verify = options.verify;
    if (https && (verify === true || verify == null)) verify = env.caBundle ?? verify;
    return {
      proxies: {},
      stream: (mergeSetting(options.stream, this.stream) ?? false) as boolean,
      verify: (mergeSetting(verify, this.verify) ?? true) as boolean | string,
      cert: (mergeSetting(options.cert, this.cert) ?? null) as CertInput | null,
    };
  }

  /**
   * A quick call's settings made whole, as mergeEnvironmentSettings gives them, before a hook or a
   * redirect sees them: the environment read now (a variable changed while the call was under
   * way is seen as it is now, not as it was when the call began).
   */
  #completeSettings(
    request: PreparedRequest,
    kwargs: SendOptions,
    verify: boolean | string | null | undefined,
  ): void {
    const full = this.mergeEnvironmentSettings(
      request.url!,
      null,
      kwargs.stream,
      verify,
      kwargs.cert,
    );
    kwargs.proxies = full.proxies;
    kwargs.verify = full.verify;
  }

  /** GET. @example const r = await s.get('https://example.org/', { params: { q: 'x' } }); */
  get(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  get(url: UrlInput, options?: RequestOptions): Promise<Response>;
  get(url: UrlInput, options?: RequestOptions): Promise<Response> {
    return this.request('GET', url, options);
  }
  /** OPTIONS. @example const allow = (await s.options(url)).headers.get('allow'); */
  options(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  options(url: UrlInput, options?: RequestOptions): Promise<Response>;
  options(url: UrlInput, options?: RequestOptions): Promise<Response> {
    return this.request('OPTIONS', url, options);
  }
  /** HEAD; redirects are not followed unless `allowRedirects: true`. @example (await s.head(url)).headers.get('content-length') */
  head(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  head(url: UrlInput, options?: RequestOptions): Promise<Response>;
  head(url: UrlInput, options: RequestOptions = {}): Promise<Response> {
    return this.request('HEAD', url, { allowRedirects: false, ...options });
  }
  /** POST. @example await s.post(url, { json: { a: 1 } }) */
  post(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  post(url: UrlInput, options?: RequestOptions): Promise<Response>;
  post(url: UrlInput, options?: RequestOptions): Promise<Response> {
    return this.request('POST', url, options);
  }
  /** PUT. @example await s.put(url, { data: fileFromPath('/tmp/a.bin') }) */
  put(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  put(url: UrlInput, options?: RequestOptions): Promise<Response>;
  put(url: UrlInput, options?: RequestOptions): Promise<Response> {
    return this.request('PUT', url, options);
  }
  /** PATCH. @example await s.patch(url, { json: { name: 'x' } }) */
  patch(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  patch(url: UrlInput, options?: RequestOptions): Promise<Response>;
  patch(url: UrlInput, options?: RequestOptions): Promise<Response> {
    return this.request('PATCH', url, options);
  }
  /** DELETE. @example await s.delete(url) */
  delete(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  delete(url: UrlInput, options?: RequestOptions): Promise<Response>;
  delete(url: UrlInput, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', url, options);
  }
  /** Same as `delete`. @example await s.del(url) */
  del(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
  del(url: UrlInput, options?: RequestOptions): Promise<Response>;
  del(url: UrlInput, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', url, options);
  }

  /**
   * The server-sent events of `url`, reconnecting with `Last-Event-ID` after a drop, until the
   * server answers 204 or the signal aborts. See {@link EventsOptions}.
   * @example
   * for await (const e of s.events('https://api.example.org/stream')) console.log(e.data);
   */
  events(url: string, options?: EventsOptions): AsyncIterable<ServerSentEvent> {
    return sessionEvents(this, url, options);
  }

  /** Sends a PreparedRequest: adapter, hooks, cookies, redirects. */
  async send(request: PreparedRequest, options: SessionSendOptions = {}): Promise<Response> {
    if (request instanceof Request) throw new TypeError('You can only send PreparedRequests.');
    const kwargs: SendOptions = {
      stream: options.stream ?? this.stream,
      timeout: this.#timeoutConfig(options.timeout === undefined ? this.timeout : options.timeout),
      verify: options.verify ?? this.verify,
      cert: options.cert === undefined ? this.cert : options.cert,
      proxies: options.proxies ?? this.#resolveProxies(request),
      signal: options.signal,
      maxResponseSize: options.maxResponseSize,
    };
    // One filter for the whole chain, so a body re-sent on a redirect never reports backwards.
    if (options.onUploadProgress) kwargs.onUploadProgress = monotone(options.onUploadProgress);
    if (options.onDownloadProgress) {
      kwargs.onDownloadProgress = monotone(options.onDownloadProgress);
      // A redirect the chain follows is not download; one the caller keeps is.
      kwargs.followsRedirects = options.allowRedirects ?? true;
    }
    // One context (deadline + signal) for the whole chain, hops and retries included; made by the
    // first send of a chain, ended once its response is read (pool/call-context.ts).
    const given = options.context;
    const context =
      given ?? CallContext.start((kwargs.timeout as TimeoutConfig).total, options.signal);
    if (context !== CallContext.NONE) kwargs.context = context;
    // The chain runs in this frame (no async frame of its own: one promise less per call); the
    // context ends here only when this send made it.
    // A quick call (#prepareCall) reads the rest of its environment only if a hook or a
    // redirect needs it.
    const quickAdapter = (options as CallSendOptions)[QUICK_ADAPTER];
    let quick = quickAdapter !== undefined;
    // A hook or a redirect reads the environment as the call ends (see callSettled).
    let readLate = false;
    try {
      const adapter = quickAdapter ?? this.getAdapter(request.url!);
      const start = performance.now();
      let r = observed()
        ? await observe(adapter, request, kwargs, start)
        : await adapter.send(request, kwargs);
      // HTTPAdapter measures up to the headers (requests' elapsed); other adapters get the call.
      if (r.elapsed === 0) r.elapsed = performance.now() - start;
      if (request.hooks.response.length > 0) {
        readLate = true;
        if (quick) {
          this.#completeSettings(request, kwargs, (options as CallSendOptions)[QUICK_VERIFY]);
          quick = false;
        }
        r = await dispatchHook('response', request.hooks, r, kwargs);
      }
      for (const h of r.history) this.#persistCookies(h);
      this.#persistCookies(r);
      const allowRedirects = options.allowRedirects ?? true;
      const redirect = r.isRedirect;
      if (redirect) readLate = true;
      if (quick && redirect) {
        this.#completeSettings(request, kwargs, (options as CallSendOptions)[QUICK_VERIFY]);
      }
      if (allowRedirects && redirect) {
        const history: Response[] = [];
        for await (const resp of this.resolveRedirects(r, request, kwargs))
          history.push(resp as Response);
        if (history.length > 0) {
          history.unshift(r);
          r = history.pop()!;
          r.history = history;
        }
      } else if (redirect) {
        for await (const next of this.resolveRedirects(r, request, {
          ...kwargs,
          yieldRequests: true,
        })) {
          r.next = next as PreparedRequest;
        }
      }
      // Read by the adapter (ours reads the body before it resolves): no await for nothing.
      if (!kwargs.stream && !bodyAtHand(r)) await r.read();
      return r;
    } finally {
      if (given === undefined) {
        context.end();
        if (readLate) callSettled();
      }
    }
  }

  /**
   * `TimeoutConfig.from(value)`, the config of the last number given kept: most calls give the
   * Session's timeout, and a TimeoutConfig is immutable. Arrays and records are read afresh
   * (they may have been changed since).
   */
  #timeoutConfig(value: TimeoutInput): TimeoutConfig {
    if (typeof value !== 'number') return TimeoutConfig.from(value);
    const last = this.#lastTimeout;
    if (last !== null && last[0] === value) return last[1];
    const config = TimeoutConfig.from(value);
    this.#lastTimeout = [value, config];
    return config;
  }

  /** The environment of the call being prepared, else a fresh read. */
  #environment(): EnvironmentSnapshot {
    return this.#callEnv ?? environment();
  }

  #resolveProxies(request: PreparedRequest): ProxiesMap {
    const env = this.trustEnv ? environment().env : undefined;
    return resolveProxies(request, proxiesMap(this.proxies), this.trustEnv, env);
  }

  #persistCookies(r: Response): void {
    const setCookie = r.raw?.headers['set-cookie'];
    if (setCookie === undefined || !r.request?.url) return;
    extractCookiesToJar(
      this.cookies,
      r.request.url,
      typeof setCookie === 'string' ? [setCookie] : setCookie,
    );
  }

  /** Closes every mounted adapter and its connections. */
  async close(): Promise<void> {
    // An adapter mounted under several prefixes (http:// and http+unix://) is closed once.
    await Promise.all([...new Set(this.adapters.values())].map((a) => a.close()));
  }

  /** `await using s = new Session()`: `close()` when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
installSessionView(Session);

const MERGE_ENVIRONMENT_SETTINGS = Session.prototype.mergeEnvironmentSettings;
/** An override of send might not pass a quick call's marks on: it gets every setting up front. */
const SEND = Session.prototype.send;

/** Where a quick call (Session#prepareCall) keeps its adapter and its own `verify` for send. */
const QUICK_ADAPTER = Symbol('quickAdapter');
const QUICK_VERIFY = Symbol('quickVerify');
interface CallSendOptions extends SessionSendOptions {
  [QUICK_ADAPTER]?: BaseAdapter;
  [QUICK_VERIFY]?: boolean | string | null | undefined;
}

const NOT_QUICK = 0;
const HTTP = 1;
const HTTPS = 2;

/** HTTPS for an `https://` URL, HTTP for `http://`, else NOT_QUICK (other schemes, upper case). */
function schemeOf(url: string): number {
  if (url.startsWith('https://')) return HTTPS;
  if (url.startsWith('http://')) return HTTP;
  return NOT_QUICK;
}

/** Whether a proxies map has any key. */
function hasEntries(proxies: ProxiesInput | null | undefined): boolean {
  if (proxies == null) return false;
  for (const _ in proxies) return true;
  return false;
}

/** A URL given as a string or a WHATWG URL, as text; anything else is refused by name. */
function urlText(url: unknown, what: string): string {
  if (typeof url === 'string') return url;
  if (url instanceof URL) return url.href;
  throw new TypeError(
    `${what} must be a string or a URL; got ${url === null ? 'null' : typeof url}`,
  );
}

/** Proxies whose URLs may be `URL` objects, as the string map the layers below read. */
function proxiesMap(proxies: ProxiesInput | null | undefined): ProxiesMap {
  if (proxies == null) return {};
  let out: Record<string, string | null | undefined> | null = null;
  for (const key in proxies) {
    const value = proxies[key];
    if (value == null || typeof value === 'string') continue;
    out ??= { ...proxies } as Record<string, string | null | undefined>;
    out[key] = urlText(value, `proxies[${JSON.stringify(key)}]`);
  }
  return (out ?? proxies) as ProxiesMap;
}

/** Whether a header is set to `null` (removed on merge). */
function hasNullValue(headers: CaseInsensitiveDict<HeaderValue | null>): boolean {
  for (const entry of dictStore(headers).values()) if (entry[1] == null) return true;
  return false;
}

/** `url.toLowerCase().startsWith(lowerPrefix)` without allocating. */
function startsWithIgnoringCase(url: string, lowerPrefix: string): boolean {
  if (url.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    let c = url.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}
