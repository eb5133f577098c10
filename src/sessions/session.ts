/**
 * requests' Session: persistent settings, adapters mounted by URL prefix, and the request
 * primitive every verb wraps.
 */

import { VERSION } from '../_internal/version.js';
import type { BaseAdapter, SendOptions } from '../adapters/base-adapter.js';
import { HTTPAdapter } from '../adapters/http-adapter.js';
import type { AuthInput } from '../auth.js';
import {
  cookiejarFromDict,
  extractCookiesToJar,
  mergeCookies,
  RequestsCookieJar,
} from '../cookies.js';
import { InvalidSchema } from '../errors.js';
import { dispatchHook, type Hooks, type HooksInput } from '../hooks.js';
import { type HeaderValue, PreparedRequest } from '../models/prepared-request.js';
import { Request, type RequestInit } from '../models/request.js';
import type { Response } from '../models/response.js';
import { ACCEPT_ENCODING } from '../pool/decoders.js';
import type { CertInput } from '../pool/tls.js';
import { CaseInsensitiveDict } from '../structures.js';
import { TimeoutConfig, type TimeoutInput } from '../timeout.js';
import { environment } from '../utils/environment.js';
import { getNetrcAuth } from '../utils/netrc.js';
import { getEnvironProxies, type ProxiesMap, resolveProxies } from '../utils/proxies.js';
import type { ParamValue } from '../utils/url.js';
import { mergeHeaders, mergeHooks, mergeSetting } from './merge.js';
import { SessionRedirectMixin } from './redirects.js';

/** Options of `Session.request` and every verb (shared/API.md, "Request options"). */
export interface RequestOptions extends Omit<RequestInit, 'method' | 'url' | 'hooks'> {
  timeout?: TimeoutInput;
  /** Follow redirects. @default true (false for `head`) */
  allowRedirects?: boolean;
  proxies?: ProxiesMap | null;
  /** Do not read the body before resolving. @default false */
  stream?: boolean | null;
  verify?: boolean | string | null;
  cert?: CertInput | null;
  hooks?: HooksInput | null;
  signal?: AbortSignal;
  /** Ours: largest decoded body accepted, bytes (ContentDecodingError past it). @default the adapter's */
  maxResponseSize?: number | null;
}

/** Options of `Session.send`. */
export interface SessionSendOptions extends SendOptions {
  allowRedirects?: boolean;
}

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
 * await using s = new Session();
 * s.headers.set('Authorization', 'Bearer t');
 * const r = await s.post('https://api.example.org/items', { json: { a: 1 } });
 */
export class Session extends SessionRedirectMixin {
  /** Sent with every request; a request's `null` header removes one for that request. */
  headers: CaseInsensitiveDict<HeaderValue | null> = defaultHeaders();
  auth: AuthInput | null = null;
  proxies: ProxiesMap = {};
  hooks: Hooks = { response: [] };
  params: Record<string, ParamValue | readonly ParamValue[]> = {};
  stream = false;
  verify: boolean | string = true;
  cert: CertInput | null = null;
  /** @default 30 */
  maxRedirects = 30;
  /** Read proxies, CA bundle and netrc from the environment. @default true */
  trustEnv = true;
  cookies: RequestsCookieJar = new RequestsCookieJar();
  /** Ours: the timeout of every request that gives none. @default null (no limit) */
  timeout: TimeoutInput = null;
  /** Mounted adapters, longest prefix first. */
  readonly adapters = new Map<string, BaseAdapter>();
  #prefixes: Array<[string, BaseAdapter]> = [];

  constructor() {
    super();
    this.mount('https://', new HTTPAdapter());
    this.mount('http://', new HTTPAdapter());
  }

  /** Registers `adapter` for URLs starting with `prefix` (case-insensitive on scheme and host). */
  mount(prefix: string, adapter: BaseAdapter): void {
    this.adapters.set(prefix, adapter);
    const ordered = [...this.adapters].sort((a, b) => b[0].length - a[0].length);
    this.adapters.clear();
    for (const [k, v] of ordered) this.adapters.set(k, v);
    this.#prefixes = ordered.map(([k, v]) => [k.toLowerCase(), v]);
  }

  /** The adapter of the longest mounted prefix of `url`. @throws InvalidSchema when none */
  getAdapter(url: string): BaseAdapter {
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
    if (own) mergeCookies(merged, own instanceof RequestsCookieJar ? own : cookiejarFromDict(own));
    let auth = request.auth;
    if (this.trustEnv && !auth && !this.auth && request.url)
      auth = getNetrcAuth(String(request.url), false, environment().netrcLocations);
    const p = new PreparedRequest();
    p.prepare({
      method: request.method,
      url: request.url,
      files: request.files,
      data: request.data,
      json: request.json,
      headers: mergeHeaders(request.headers, this.headers),
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
    proxies: ProxiesMap | null | undefined,
    stream: boolean | null | undefined,
    verify: boolean | string | null | undefined,
    cert: CertInput | null | undefined,
  ): {
    proxies: Record<string, string>;
    stream: boolean;
    verify: boolean | string;
    cert: CertInput | null;
  } {
    let withEnv: ProxiesMap = proxies ?? {};
    if (this.trustEnv) {
      const env = environment();
      if (env.hasProxies) {
        const found = getEnvironProxies(url, withEnv['no_proxy'] ?? null, env.env);
        withEnv = { ...found, ...withEnv };
      }
      if (verify === true || verify == null) verify = env.caBundle ?? verify;
    }
    return {
      proxies: (mergeSetting<ProxiesMap>(withEnv, this.proxies) ?? {}) as Record<string, string>,
      stream: (mergeSetting(stream, this.stream) ?? false) as boolean,
      verify: (mergeSetting(verify, this.verify) ?? true) as boolean | string,
      cert: (mergeSetting(cert, this.cert) ?? null) as CertInput | null,
    };
  }

  /** Constructs, prepares and sends a request; the primitive every verb wraps. */
  async request(method: string, url: string, options: RequestOptions = {}): Promise<Response> {
    const req = new Request(options as RequestInit);
    req.method = method;
    req.url = url;
    const prepared = this.prepareRequest(req);
    const settings = this.mergeEnvironmentSettings(
      prepared.url!,
      options.proxies,
      options.stream,
      options.verify,
      options.cert,
    );
    const sendOptions: SessionSendOptions = {
      ...settings,
      timeout: options.timeout === undefined ? this.timeout : options.timeout,
      allowRedirects: options.allowRedirects ?? true,
    };
    if (options.signal) sendOptions.signal = options.signal;
    if (options.maxResponseSize !== undefined)
      sendOptions.maxResponseSize = options.maxResponseSize;
    return this.send(prepared, sendOptions);
  }

  get(url: string, options?: RequestOptions): Promise<Response> {
    return this.request('GET', url, options);
  }
  options(url: string, options?: RequestOptions): Promise<Response> {
    return this.request('OPTIONS', url, options);
  }
  head(url: string, options: RequestOptions = {}): Promise<Response> {
    return this.request('HEAD', url, { allowRedirects: false, ...options });
  }
  post(url: string, options?: RequestOptions): Promise<Response> {
    return this.request('POST', url, options);
  }
  put(url: string, options?: RequestOptions): Promise<Response> {
    return this.request('PUT', url, options);
  }
  patch(url: string, options?: RequestOptions): Promise<Response> {
    return this.request('PATCH', url, options);
  }
  delete(url: string, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', url, options);
  }
  /** Same as `delete`. */
  del(url: string, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', url, options);
  }

  /** Sends a PreparedRequest: adapter, hooks, cookies, redirects. */
  async send(request: PreparedRequest, options: SessionSendOptions = {}): Promise<Response> {
    if (request instanceof Request) throw new TypeError('You can only send PreparedRequests.');
    const kwargs: SendOptions = {
      stream: options.stream ?? this.stream,
      timeout: TimeoutConfig.from(options.timeout === undefined ? this.timeout : options.timeout),
      verify: options.verify ?? this.verify,
      cert: options.cert === undefined ? this.cert : options.cert,
      proxies: options.proxies ?? this.#resolveProxies(request),
      signal: options.signal,
      maxResponseSize: options.maxResponseSize,
    };
    const adapter = this.getAdapter(request.url!);
    const start = performance.now();
    let r = await adapter.send(request, kwargs);
    // HTTPAdapter measures up to the headers (requests' elapsed); other adapters get the call.
    if (r.elapsed === 0) r.elapsed = performance.now() - start;
    if (request.hooks.response.length > 0) {
      r = await dispatchHook('response', request.hooks, r, kwargs);
    }
    for (const h of r.history) this.#persistCookies(h);
    this.#persistCookies(r);
    const allowRedirects = options.allowRedirects ?? true;
    if (allowRedirects && r.isRedirect) {
      const history: Response[] = [];
      const total = (kwargs.timeout as TimeoutConfig).total;
      const deadline = total == null ? undefined : start + total;
      for await (const resp of this.resolveRedirects(r, request, { ...kwargs, deadline }))
        history.push(resp as Response);
      if (history.length > 0) {
        history.unshift(r);
        r = history.pop()!;
        r.history = history;
      }
    } else if (r.isRedirect) {
      for await (const next of this.resolveRedirects(r, request, {
        ...kwargs,
        yieldRequests: true,
      })) {
        r.next = next as PreparedRequest;
      }
    }
    if (!kwargs.stream) await r.read();
    return r;
  }

  #resolveProxies(request: PreparedRequest): ProxiesMap {
    const env = this.trustEnv ? environment().env : undefined;
    return resolveProxies(request, this.proxies, this.trustEnv, env);
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
    await Promise.all([...this.adapters.values()].map((a) => a.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
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
