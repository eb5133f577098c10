/**
 * requests' `SessionRedirectMixin`: following redirects, and what changes at each hop (method,
 * body, auth, proxies, cookies).
 */
import { redactUrl } from '../_internal/redact.js';
import type { BaseAdapter, SendOptions } from '../adapters/base-adapter.js';
import { basicAuthStr } from '../auth.js';
import { extractCookiesToJar, mergeCookies, type RequestsCookieJar } from '../cookies.js';
import {
  ChunkedEncodingError,
  ContentDecodingError,
  InvalidSchema,
  InvalidURL,
  TooManyRedirects,
} from '../errors.js';
import {
  type PreparedRequest,
  requestTarget,
  requestTargetOrNull,
  setUrlWithTarget,
} from '../models/prepared-request.js';
import type { Response } from '../models/response.js';
import { parseUrl as parseTarget, type RequestTarget } from '../pool/parse-url.js';
import { environment } from '../utils/environment.js';
import { getNetrcAuth } from '../utils/netrc.js';
import { getAuthFromUrl, type ProxiesMap, resolveProxies } from '../utils/proxies.js';
import { checkedUrlTarget, requoteUri, urlsplit } from '../utils/url.js';
import { joinUrl, parseUrl } from '../utils/url-parse.js';
import { publishRedirect } from './diagnostics.js';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };
const REDIRECT_PURGED_HEADERS = ['Content-Length', 'Content-Type', 'Transfer-Encoding'] as const;

/** Options of one hop: SendOptions plus whether to yield requests instead of sending them. */
export interface RedirectOptions extends SendOptions {
  yieldRequests?: boolean;
}

export abstract class SessionRedirectMixin {
  abstract maxRedirects: number;
  abstract trustEnv: boolean;
  abstract cookies: RequestsCookieJar;
  abstract send(
    request: PreparedRequest,
    options?: SendOptions & { allowRedirects?: boolean },
  ): Promise<Response>;
  abstract getAdapter(url: string): BaseAdapter;

  /** The Location of a redirect response, or null. Non-ASCII bytes are read as UTF-8. */
  getRedirectTarget(response: Response): string | null {
    if (!response.isRedirect) return null;
    const location = response.headers.get('location');
    if (location === undefined) return null;
    // Node reads header bytes as latin1; servers mostly send UTF-8 (requests does the same).
    return /[^\x00-\x7f]/.test(location)
      ? Buffer.from(location, 'latin1').toString('utf8')
      : location;
  }

  /** Whether Authorization must go when redirecting from `oldUrl` to `newUrl`. */
  shouldStripAuth(oldUrl: string, newUrl: string): boolean {
    const from = targetOrNull(oldUrl);
    const to = from === null ? null : targetOrNull(newUrl);
    if (from !== null && to !== null) return authLeavesOrigin(from, to);
    // Not both http(s): urllib3's parse_url, so a bad URL is InvalidURL, never a TypeError.
    const oldP = parseUrl(oldUrl);
    const newP = parseUrl(newUrl);
    if (oldP.host !== newP.host) return true;
    if (
      oldP.scheme === 'http' &&
      (oldP.port === 80 || oldP.port === null) &&
      newP.scheme === 'https' &&
      (newP.port === 443 || newP.port === null)
    ) {
      return false;
    }
    const changedScheme = oldP.scheme !== newP.scheme;
    const changedPort = oldP.port !== newP.port;
    const dflt = oldP.scheme === null ? undefined : DEFAULT_PORTS[oldP.scheme];
    const isDefault = (p: number | null) => p === null || p === dflt;
    if (!changedScheme && isDefault(oldP.port) && isDefault(newP.port)) return false;
    return changedPort || changedScheme;
  }

  /** 303 -> GET (HEAD stays), 302 -> GET, 301 from POST -> GET, as browsers and requests do. */
  rebuildMethod(prepared: PreparedRequest, response: Response): void {
    let method = prepared.method;
    const status = response.statusCode;
    if ((status === 303 || status === 302) && method !== 'HEAD') method = 'GET';
    if (status === 301 && method === 'POST') method = 'GET';
    prepared.method = method;
  }

  /** Drops Authorization on a new origin; re-applies netrc auth for the new host. */
  rebuildAuth(prepared: PreparedRequest, response: Response): void {
    const original = response.request;
    if (prepared.headers.has('Authorization') && original?.url && prepared.url) {
      if (this.#stripsAuth(original, prepared)) prepared.headers.delete('Authorization');
    }
    const netrc =
      this.trustEnv && prepared.url
        ? getNetrcAuth(prepared.url, false, environment().netrcLocations)
        : null;
    if (netrc) prepared.prepareAuth(netrc);
  }

  /** shouldStripAuth on the requests' parsed URLs, unless a subclass overrides it. */
  #stripsAuth(original: PreparedRequest, prepared: PreparedRequest): boolean {
    if (this.shouldStripAuth === SessionRedirectMixin.prototype.shouldStripAuth) {
      const from = requestTargetOrNull(original);
      const to = requestTargetOrNull(prepared);
      if (from !== null && to !== null) return authLeavesOrigin(from, to);
    }
    return this.shouldStripAuth(original.url!, prepared.url!);
  }

  /**
   * Proxies re-selected for the new URL; Proxy-Authorization rebuilt for an HTTP(S) proxy only,
   * never sent into a tunnel nor through a SOCKS proxy.
   */
  rebuildProxies(prepared: PreparedRequest, proxies: ProxiesMap | null | undefined): ProxiesMap {
    const scheme = schemeOf(prepared);
    const newProxies = resolveProxies(prepared, proxies ?? null, this.trustEnv);
    prepared.headers.delete('Proxy-Authorization');
    const proxy = newProxies[scheme];
    // Only an HTTP(S) proxy reads this header, in an absolute-form request. A SOCKS proxy takes
    // its credentials in the SOCKS handshake: the header would go on to the origin (requests
    // has that flaw; we do not copy it). Inside a CONNECT tunnel it would reach the origin too.
    if (proxy && scheme === 'http' && /^https?:\/\//i.test(proxy)) {
      const [username, password] = getAuthFromUrl(proxy);
      if (username && password)
        prepared.headers.set('Proxy-Authorization', basicAuthStr(username, password));
    }
    return newProxies;
  }

  /**
   * Follows the redirects of `response`, yielding each new response (or, with `yieldRequests`,
   * the next PreparedRequest without sending it).
   */
  async *resolveRedirects(
    response: Response,
    request: PreparedRequest,
    options: RedirectOptions = {},
  ): AsyncGenerator<Response | PreparedRequest, void, void> {
    const { yieldRequests = false, ...sendOptions } = options;
    let proxies = sendOptions.proxies;
    const history: Response[] = [];
    let url = this.getRedirectTarget(response);
    let previousFragment = fragmentOf(request.url ?? '');
    while (url) {
      const prepared = request.copy();
      response.history = history.slice();
      history.push(response);
      await consume(response);
      if (response.history.length >= this.maxRedirects) {
        throw new TooManyRedirects(`Exceeded ${this.maxRedirects} redirects.`, { response });
      }
      response.close();
      const next = this.#nextUrl(url, request, response, previousFragment);
      [url, previousFragment] = next;
      setUrlWithTarget(prepared, url, next[2]);
      checkTarget(prepared, response);
      // A server reached over the network must not steer the request onto a local socket (the
      // Docker daemon's, say); a server on a socket may redirect anywhere. `next` may still name
      // it: sending that is the caller's own choice.
      if (!yieldRequests && isUnix(prepared) && !isUnix(request)) {
        throw new InvalidSchema(
          `Refusing to follow the redirect from '${redactUrl(response.url)}' to the Unix socket URL '${redactUrl(url)}': only a request to an http+unix:// URL reaches a socket`,
          { response },
        );
      }
      this.rebuildMethod(prepared, response);
      if (response.statusCode !== 307 && response.statusCode !== 308) {
        for (const header of REDIRECT_PURGED_HEADERS) prepared.headers.delete(header);
        prepared.body = null;
      }
      this.#rebuildCookies(prepared, request, response);
      proxies = this.rebuildProxies(prepared, proxies);
      this.rebuildAuth(prepared, response);
      if (!yieldRequests) publishRedirect(request, response, url);
      request = prepared;
      if (yieldRequests) {
        yield request;
        return;
      }
      // The chain's one context (sendOptions.context) bounds this hop: no deadline of its own.
      response = await this.send(request, {
        ...sendOptions,
        proxies,
        allowRedirects: false,
      });
      url = this.getRedirectTarget(response);
      yield response;
    }
  }

  #nextUrl(
    location: string,
    request: PreparedRequest,
    response: Response,
    previousFragment: string,
  ): [url: string, fragment: string, target: RequestTarget | null] {
    const base = response.url;
    // requests reads Location through urlparse, which drops every tab, CR and LF (a header value
    // may hold a tab).
    if (/[\t\n\r]/.test(location)) location = location.replace(/[\t\n\r]/g, '');
    if (location.startsWith('//')) location = `${schemeOf(request)}:${location}`;
    const hash = location.indexOf('#');
    if (hash === -1 && previousFragment) location = `${location}#${previousFragment}`;
    else if (hash !== -1 && hash < location.length - 1) previousFragment = location.slice(hash + 1);
    const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location);
    try {
      const url = absolute ? requoteUri(location) : joinUrl(base, requoteUri(location));
      // A Location that cannot be used is InvalidURL now, not a TypeError later; the check makes
      // the hop's one parsed value.
      return [url, previousFragment, checkedUrlTarget(url)];
    } catch (err) {
      const message = err instanceof InvalidURL ? err.message : `Failed to parse: ${location}`;
      throw new InvalidURL(message, { response, cause: err });
    }
  }

  #rebuildCookies(prepared: PreparedRequest, original: PreparedRequest, response: Response): void {
    prepared.headers.delete('Cookie');
    const jar = prepared.cookies;
    const setCookie = response.raw?.headers['set-cookie'];
    if (setCookie !== undefined && original.url) {
      extractCookiesToJar(
        jar,
        original.url,
        typeof setCookie === 'string' ? [setCookie] : setCookie,
      );
    }
    mergeCookies(jar, this.cookies);
    prepared.prepareCookies(jar);
  }
}

const POOL_SCHEME_RE = /^(?:https?|https?\+unix):/i;

/**
 * A Location the pool cannot use (the hop's value is null) is InvalidURL carrying the redirect,
 * not a failure of the next send. Another scheme is left to getAdapter (InvalidSchema, as
 * requests).
 */
function checkTarget(prepared: PreparedRequest, response: Response): void {
  if (requestTargetOrNull(prepared) !== null || !POOL_SCHEME_RE.test(prepared.url!)) return;
  try {
    requestTarget(prepared);
  } catch (err) {
    throw new InvalidURL((err as Error).message, { response, cause: err });
  }
}

/** Whether the request goes to a Unix domain socket (`http+unix:` / `https+unix:`). */
function isUnix(request: PreparedRequest): boolean {
  return (requestTargetOrNull(request)?.socketPath ?? null) !== null;
}

/** The scheme of the request's URL as written, lower case: `http+unix` stays `http+unix`. */
function schemeOf(request: PreparedRequest): string {
  const target = requestTargetOrNull(request);
  if (target === null) return urlsplit(request.url ?? '').scheme;
  return target.socketPath === null ? target.scheme : `${target.scheme}+unix`;
}

function targetOrNull(url: string): RequestTarget | null {
  try {
    return parseTarget(url);
  } catch {
    return null;
  }
}

/**
 * Whether Authorization must go from `from` to `to` (requests' should_strip_auth): another host
 * or socket, another scheme or port, except http to https on the default ports (RFC 7235 allows
 * the upgrade).
 */
function authLeavesOrigin(from: RequestTarget, to: RequestTarget): boolean {
  if (from.host !== to.host || from.socketPath !== to.socketPath) return true;
  if (
    from.socketPath === null &&
    from.scheme === 'http' &&
    from.port === 80 &&
    to.scheme === 'https' &&
    to.port === 443
  ) {
    return false;
  }
  return from.scheme !== to.scheme || from.port !== to.port;
}

function fragmentOf(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? '' : url.slice(hash + 1);
}

/** Reads the rest of a redirect response so its connection goes back to the pool. */
async function consume(response: Response): Promise<void> {
  try {
    await response.read();
  } catch (err) {
    if (!(err instanceof ChunkedEncodingError || err instanceof ContentDecodingError)) throw err;
    await response.raw?.drain().catch(() => {});
  }
}
