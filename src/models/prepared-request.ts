/**
 * requests' `PreparedRequest`: the exact method, URL, headers and body that will be sent, built
 * by the `prepare*` steps in requests' order.
 */
import type { CookieJar } from 'tough-cookie';
import { type AuthInput, HTTPBasicAuth } from '../auth.js';
import { getCookieHeader, RequestsCookieJar, toCookieJar } from '../cookies.js';
import { InvalidHeader, UnrewindableBodyError, URLRequired } from '../errors.js';
import {
  defaultHooks,
  deregisterHook,
  type Hooks,
  type HooksInput,
  type ResponseHook,
  registerHook,
  registerHooks,
} from '../hooks.js';
import { parseUrl, type RequestTarget } from '../pool/parse-url.js';
import type { PoolBody } from '../pool/types.js';
import { CaseInsensitiveDict, dictStore } from '../structures.js';
import { getAuthFromUrl } from '../utils/proxies.js';
import {
  encodeParams,
  type PairsInput,
  type ParamsInput,
  PY_WHITESPACE,
  pathUrlOf,
  prepareUrlTarget,
  reprPy,
} from '../utils/url.js';
import {
  asBytes,
  type DataInput,
  dataKind,
  encodeJson,
  isReplayableSource,
  knownLength,
  openSource,
  type StreamBody,
} from './body.js';
import { foldFormData, isFormData } from './form-data.js';
import { encodeMultipart, type FilesInput, hasFiles, MultipartBody } from './multipart.js';
import { installPreparedRequestView } from './views.js';

/** A prepared body: text (sent as UTF-8), bytes, a stream, a Blob, a file, or multipart. */
export type Body = string | Uint8Array | StreamBody | MultipartBody;

/** A header value: text, or bytes (sent as they are, read as latin-1). */
export type HeaderValue = string | Uint8Array;

/** What `headers` accepts: a record, entries, `Headers` or a CaseInsensitiveDict. */
export type HeadersInput =
  | Readonly<Record<string, HeaderValue | null | undefined>>
  | Iterable<readonly [string, HeaderValue | null | undefined]>
  | Headers
  | CaseInsensitiveDict<HeaderValue>
  | CaseInsensitiveDict<HeaderValue | null>
  | null
  | undefined;

/** What `cookies` accepts: a name → value record or Map, a RequestsCookieJar, a tough-cookie CookieJar. */
export type CookiesInput =
  | Readonly<Record<string, string>>
  | ReadonlyMap<string, string>
  | RequestsCookieJar
  | CookieJar
  | null
  | undefined;

/** Everything `prepare` takes (and `new Request(...)`). */
export interface PrepareOptions {
  method?: string | null | undefined;
  url?: string | URL | null | undefined;
  headers?: HeadersInput;
  files?: FilesInput | FormData | null | undefined;
  data?: DataInput | FormData;
  params?: ParamsInput;
  auth?: AuthInput | null | undefined;
  cookies?: CookiesInput;
  hooks?: HooksInput | Hooks | null | undefined;
  json?: unknown;
}

const NAME_RE = new RegExp(`^[^:${PY_WHITESPACE}][^:\\r\\n]*$`);
const VALUE_RE = new RegExp(`^(?:[^${PY_WHITESPACE}][^\\r\\n]*)?$`);
// Bytes: Python's bytes patterns know ASCII whitespace only.
const BYTES_NAME_RE = /^[^:\t\n\v\f\r ][^:\r\n]*$/;
const BYTES_VALUE_RE = /^(?:[^\t\n\v\f\r ][^\r\n]*)?$/;

function describe(part: unknown): string {
  return typeof part === 'string' || part instanceof Uint8Array ? reprPy(part) : String(part);
}

function checkPart(name: unknown, value: unknown, part: unknown, isName: boolean): void {
  let valid: boolean;
  if (typeof part === 'string') valid = (isName ? NAME_RE : VALUE_RE).test(part);
  else if (part instanceof Uint8Array) {
    valid = (isName ? BYTES_NAME_RE : BYTES_VALUE_RE).test(Buffer.from(part).toString('latin1'));
  } else {
    const type = part === null ? 'null' : typeof part;
    throw new InvalidHeader(
      `Header part (${describe(part)}) from (${describe(name)}, ${describe(value)}) must be of type string or Uint8Array, not ${type}`,
    );
  }
  if (!valid) {
    throw new InvalidHeader(
      `Invalid leading whitespace, reserved character(s), or return character(s) in header ${isName ? 'name' : 'value'}: ${reprPy(part as string | Uint8Array)}`,
    );
  }
}

/**
 * requests' `check_header_validity`: names and values are strings or bytes, without CR or LF,
 * not starting with whitespace; names hold no `:`.
 * @throws {InvalidHeader} with requests' message.
 */
export function checkHeaderValidity(name: unknown, value: unknown): void {
  checkPart(name, value, name, true);
  checkPart(name, value, value, false);
}

/**
 * Text header pairs already found valid, name -> value: a Session's headers are the same strings
 * on every call, so each is checked once, not per request. Bounded: emptied when full.
 */
const validPairs = new Map<string, string>();
const VALID_PAIRS_MAX = 256;

function rememberValid(name: string, value: string): void {
  if (validPairs.size >= VALID_PAIRS_MAX) validPairs.clear();
  validPairs.set(name, value);
}

function headerText(value: HeaderValue): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('latin1');
}

/** What urlsplit removes from anywhere in a URL before splitting it (Python's WHATWG rule). */
const URL_UNSAFE_BYTES = /[\t\n\r]/;

// Set by PreparedRequest's static block: reads the private memo for requestTarget() below.
let targetOf: (request: PreparedRequest) => RequestTarget | null;
let adoptTarget: (request: PreparedRequest, url: string, target: RequestTarget | null) => void;

/**
 * The prepared request. Build it with `new Request(...).prepare()` or `Session.prepareRequest`;
 * each `prepare*` step may also be called alone, as in requests.
 */
export class PreparedRequest {
  /** The HTTP method, upper case. */
  method: string | null = null;
  /** The full URL, quoted. */
  url: string | null = null;
  headers: CaseInsensitiveDict<string> = new CaseInsensitiveDict<string>();
  body: Body | null = null;
  hooks: Hooks = defaultHooks();
  /** The jar the Cookie header was made from (requests' `_cookies`); redirects reuse it. */
  cookies: RequestsCookieJar = new RequestsCookieJar();
  // The one parse of `url` (see requestTarget), memoised for the URL it was made from: setting
  // `url` again (copy(), redirects, hooks, auth) makes the next read parse the new value once.
  #targetUrl: string | null = null;
  #target: RequestTarget | null = null;

  static {
    targetOf = (request) => request.#parsedUrl();
    adoptTarget = (request, url, target) => {
      request.url = url;
      request.#targetUrl = url;
      request.#target = target;
    };
  }

  /** The memoised parse of `url`; null for no URL or one that is not http(s) or http(s)+unix. */
  #parsedUrl(): RequestTarget | null {
    const url = this.url;
    if (url !== this.#targetUrl) {
      this.#targetUrl = url;
      this.#target = url === null ? null : parsedOrNull(url);
    }
    return this.#target;
  }

  /** Runs every step in requests' order; auth last but hooks, so that auth sees the whole request. */
  prepare(options: PrepareOptions = {}): void {
    this.prepareMethod(options.method);
    this.prepareUrl(options.url, options.params);
    this.prepareHeaders(options.headers);
    this.prepareCookies(options.cookies);
    this.prepareBody(options.data, options.files, options.json);
    this.prepareAuth(options.auth, options.url);
    this.prepareHooks(options.hooks);
  }

  /** Upper-cases the method. */
  prepareMethod(method: string | null | undefined): void {
    if (method != null && typeof method !== 'string') {
      throw new TypeError(`method must be a string, not ${typeof method}`);
    }
    this.method = method == null ? null : method.toUpperCase();
  }

  /** Checks, IDNA-encodes and quotes the URL and merges `params` into it (see prepareUrl). */
  prepareUrl(url: string | URL | null | undefined, params?: ParamsInput): void {
    if (url == null) {
      throw new URLRequired(`Invalid URL ${url}: a URL is required to make a request`);
    }
    const prepared = prepareUrlTarget(typeof url === 'string' ? url : String(url), params);
    this.url = prepared.url;
    // The value preparation's own parse made; without one (null), the first read parses the URL.
    this.#targetUrl = prepared.target === null ? null : prepared.url;
    this.#target = prepared.target;
  }

  /** Validates and copies the headers. @throws {InvalidHeader} */
  prepareHeaders(headers: HeadersInput): void {
    const dict = new CaseInsensitiveDict<string>();
    this.headers = dict;
    if (headers == null) return;
    const add = (value: unknown, name: unknown): void => {
      if (typeof name === 'string' && typeof value === 'string') {
        if (validPairs.get(name) !== value) {
          checkHeaderValidity(name, value);
          rememberValid(name, value);
        }
        dict.set(name, value);
      } else {
        checkHeaderValidity(name, value);
        dict.set(headerText(name as HeaderValue), headerText(value as HeaderValue));
      }
    };
    if (headers instanceof CaseInsensitiveDict) {
      // A pair checked before is shared as it is (no key lowered again, no new entry).
      const out = dictStore(dict);
      dictStore(headers as CaseInsensitiveDict<unknown>).forEach((entry, lower) => {
        const value = entry[1];
        if (typeof value === 'string' && validPairs.get(entry[0]) === value) {
          out.set(lower, entry as [string, string]);
        } else add(value, entry[0]);
      });
    } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const pair of headers as Iterable<readonly [unknown, unknown]>) add(pair[1], pair[0]);
    } else {
      const record = headers as Readonly<Record<string, unknown>>;
      for (const name of Object.keys(record)) add(record[name], name);
    }
  }

  /** Keeps the jar and sets the Cookie header from it, unless one is already set. */
  prepareCookies(cookies: CookiesInput): void {
    this.cookies = toCookieJar(cookies);
    if (this.url === null || this.headers.has('Cookie')) return;
    const header = getCookieHeader(this.cookies, this.url);
    if (header !== null) this.headers.set('Cookie', header);
  }

  /**
   * Encodes the body (requests' `prepare_body`): `json` when `data` is empty; a stream as it is
   * (Content-Length when known, else chunked); `files` as multipart with `data` fields first;
   * pairs form-encoded; strings and bytes as they are.
   */
  prepareBody(
    data: DataInput | FormData,
    files?: FilesInput | FormData | null,
    json?: unknown,
  ): void {
    if (isFormData(data) || isFormData(files)) ({ data, files } = foldFormData(data, files));
    let body: Body | null = null;
    let contentType: string | null = null;
    const kind = dataKind(data);
    if (kind === 'none' && json != null) {
      body = encodeJson(json, this);
      contentType = 'application/json';
    }
    if (kind === 'stream') {
      if (hasFiles(files)) throw new TypeError('Streamed bodies and files are mutually exclusive.');
      body = data as StreamBody;
      this.#setStreamLength(knownLength(body));
    } else {
      if (hasFiles(files)) {
        const multipart = encodeMultipart(files, kind === 'none' ? null : (data as PairsInput));
        contentType = multipart.contentType;
        body = multipart;
      } else if (kind === 'raw') {
        body = typeof data === 'string' ? data : asBytes(data as ArrayBuffer | ArrayBufferView);
      } else if (kind === 'pairs') {
        body = encodeParams(data as PairsInput, 'data');
        contentType = 'application/x-www-form-urlencoded';
      }
      this.prepareContentLength(body);
      if (body instanceof MultipartBody && body.length === null) this.#setStreamLength(null);
      if (contentType !== null && !this.headers.has('Content-Type')) {
        this.headers.set('Content-Type', contentType);
      }
    }
    this.body = body;
  }

  // A Content-Length the caller set for a stream of unknown length is kept, and then no
  // Transfer-Encoding is added (requests would send both, which no server can read).
  #setStreamLength(length: number | null): void {
    if (length) this.headers.set('Content-Length', String(length));
    else if (!this.headers.has('Content-Length')) this.headers.set('Transfer-Encoding', 'chunked');
  }

  /**
   * Content-Length from the body's length when known; `0` for a body-less request of any method
   * but GET and HEAD, as requests.
   */
  prepareContentLength(body: Body | null): void {
    if (body != null) {
      const length = knownLength(body);
      if (length) this.headers.set('Content-Length', String(length));
    } else if (
      this.method !== 'GET' &&
      this.method !== 'HEAD' &&
      this.headers.get('Content-Length') === undefined
    ) {
      this.headers.set('Content-Length', '0');
    }
  }

  /**
   * Applies `auth` (a `[user, pass]` pair is Basic auth), or else the URL's credentials, then
   * recomputes Content-Length.
   */
  prepareAuth(auth: AuthInput | null | undefined, _url?: string | URL | null): void {
    // Only a URL with an '@' can carry credentials: most do not, and skip the parse.
    if (auth == null && this.url?.includes('@') && this.#parsedUrl()?.userinfo !== null) {
      const [user, pass] = getAuthFromUrl(this.url);
      if (user || pass) auth = [user, pass];
    }
    if (auth == null || (Array.isArray(auth) && auth.length === 0)) return;
    const result = applyAuth(auth, this);
    if (result instanceof PreparedRequest && result !== this) this.#adopt(result);
    this.prepareContentLength(this.body);
  }

  // requests' `self.__dict__.update(r.__dict__)` for an auth that returns another request.
  #adopt(r: PreparedRequest): void {
    this.method = r.method;
    this.url = r.url;
    this.headers = r.headers;
    this.body = r.body;
    this.hooks = r.hooks;
    this.cookies = r.cookies;
  }

  /** Registers each event's hooks. */
  prepareHooks(hooks: HooksInput | Hooks | null | undefined): void {
    registerHooks(this.hooks, hooks);
  }

  /** Adds a hook (or an iterable of hooks) for `event`. @throws {TypeError} unknown event */
  registerHook(event: string, hook: ResponseHook | Iterable<ResponseHook>): void {
    registerHook(this.hooks, event, hook);
  }

  /** Removes a hook; true when it was registered. */
  deregisterHook(event: string, hook: ResponseHook): boolean {
    return deregisterHook(this.hooks, event, hook);
  }

  /** A copy with its own headers and cookie jar; body and hooks are shared, as in requests. */
  copy(): PreparedRequest {
    const p = new PreparedRequest();
    p.method = this.method;
    p.url = this.url;
    p.headers = this.headers.copy();
    p.cookies = this.cookies.copy();
    p.body = this.body;
    p.hooks = this.hooks;
    // The same URL has the same (immutable) parse.
    p.#targetUrl = this.#targetUrl;
    p.#target = this.#target;
    return p;
  }

  /** The request target: path (at least `/`) and query, without the fragment. */
  get pathUrl(): string {
    const target = this.#parsedUrl();
    // urlsplit (requests' path_url) drops every tab, CR and LF; the pool's parse keeps them.
    if (target === null || URL_UNSAFE_BYTES.test(target.path)) return pathUrlOf(this.url ?? '');
    // requests' path_url drops an empty query ('/a?' is '/a'); urllib3's request target keeps it.
    const path = target.path;
    const q = path.indexOf('?');
    return q !== -1 && q === path.length - 1 ? path.slice(0, q) : path;
  }

  /** Whether {@link bodyForSend} can give the body again (for a redirect or a retry). */
  get bodyIsReplayable(): boolean {
    const body = this.body;
    if (body == null) return true;
    if (body instanceof MultipartBody) return body.replayable;
    return isReplayableSource(body);
  }

  /**
   * The body as the pool sends it, fresh on each call: strings and bytes as they are, files and
   * Blobs reopened, multipart regenerated. A one-shot stream is given once.
   * @throws {UnrewindableBodyError} when a one-shot stream body was already given.
   */
  bodyForSend(): PoolBody {
    const body = this.body;
    if (body == null || typeof body === 'string' || body instanceof Uint8Array) return body;
    try {
      const opened = body instanceof MultipartBody ? body.stream() : openSource(body);
      if (opened !== null) return opened;
    } catch (err) {
      if (err instanceof UnrewindableBodyError) err.request = this;
      throw err;
    }
    throw new UnrewindableBodyError(
      'Unable to rewind request body: a stream body (Readable, ReadableStream or async iterable) can be sent only once. Pass bytes, a string, a Blob or fileFromPath() for a body that may be sent again on a redirect or retry.',
      { request: this },
    );
  }

  /** `<PreparedRequest [GET]>`, as requests' repr. */
  toString(): string {
    return `<PreparedRequest [${this.method}]>`;
  }
}
installPreparedRequestView(PreparedRequest);

function applyAuth(auth: AuthInput, r: PreparedRequest): unknown {
  if (Array.isArray(auth)) {
    if (auth.length !== 2) throw badAuth();
    return new HTTPBasicAuth(auth[0], auth[1]).call(r);
  }
  if (typeof auth === 'function') return (auth as (r: PreparedRequest) => unknown)(r);
  if (typeof (auth as { call?: unknown }).call === 'function') {
    return (auth as { call(r: PreparedRequest): unknown }).call(r);
  }
  throw badAuth();
}

function badAuth(): TypeError {
  return new TypeError(
    'auth must be a [username, password] pair, an AuthBase (HTTPBasicAuth, HTTPDigestAuth, ...) or a function (r) => r',
  );
}

function parsedOrNull(url: string): RequestTarget | null {
  try {
    return parseUrl(url);
  } catch {
    return null;
  }
}

/**
 * The one parsed value of `request.url` (scheme, host, port, socket, authority, path, user info),
 * made once per URL value and read by every layer below: pool selection, the request target,
 * proxies, cookies, digest auth, redirects. Internal: not exported from the index.
 * @throws LocationParseError for a URL that is not http(s) or http(s)+unix, or has no host.
 */
export function requestTarget(request: PreparedRequest): RequestTarget {
  return targetOf(request) ?? parseUrl(request.url ?? '');
}

/**
 * Sets `request.url` with the pool's value of it already made (`null`: the pool refuses that URL),
 * so that reading it parses nothing: a redirect hop, whose Location check made the value.
 */
export function setUrlWithTarget(
  request: PreparedRequest,
  url: string,
  target: RequestTarget | null,
): void {
  adoptTarget(request, url, target);
}

/** {@link requestTarget}, or null for no URL or one the pool cannot send (`ftp:`, `mailto:`). */
export function requestTargetOrNull(request: PreparedRequest): RequestTarget | null {
  return targetOf(request);
}
