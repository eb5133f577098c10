/**
 * URL helpers of requests' `utils.py` and `models.py` (`prepare_url`), with the same results:
 * the unit tests hold them against values python requests 2.34 produced.
 */
import { InvalidURL, MissingSchema } from '../errors.js';
import { parseUrl as parseTarget, type RequestTarget, tcpTarget } from '../pool/parse-url.js';
import { idnaHost, PERCENT_HEX, parseUrl, quoteChars } from './url-parse.js';

/** A value of a query or form field; `null`/`undefined` drop the field, as `None` does. */
export type ParamValue = string | number | boolean | bigint | Uint8Array | null | undefined;

/** Key/value pairs: a record, entries, `URLSearchParams`, a `Map`... Arrays repeat the key. */
export type PairsInput =
  | URLSearchParams
  | Readonly<Record<string, ParamValue | readonly ParamValue[]>>
  | Iterable<readonly [string, ParamValue | readonly ParamValue[]]>;

/** What `params` accepts: pairs, or a string already in query form. */
/** Bytes are taken as an ASCII query string, as requests takes `params=b'a=1'`. */
export type ParamsInput = string | Uint8Array | PairsInput | null | undefined;

/** `params` given as bytes, as the string requests makes of them (`to_native_string`: ASCII). */
function paramsText(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b > 127) throw new TypeError('params given as bytes must be ASCII (a query string)');
    out += String.fromCharCode(b);
  }
  return out;
}

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}
const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~';
const PLUS_SAFE = table(ALWAYS_SAFE);
const SAFE_WITH_PERCENT = table(`${ALWAYS_SAFE}!#$%&'()*+,/:;=?@[]`);
const SAFE_WITHOUT_PERCENT = table(`${ALWAYS_SAFE}!#$&'()*+,/:;=?@[]`);
const HEX_PAIR_RE = /^[0-9A-Fa-f]{2}$/;
const ALNUM_PAIR_RE = /^[\p{L}\p{N}]{2}$/u;

/** Python's `str.isspace()` characters, for `lstrip()` and the header checks. */
export const PY_WHITESPACE =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_WS_RE = new RegExp(`^[${PY_WHITESPACE}]+`);

/**
 * Un-escapes the percent-escapes of unreserved characters (RFC 3986), leaving reserved, illegal
 * and non-ASCII bytes encoded (requests' `unquote_unreserved`).
 * @throws {InvalidURL} `Invalid percent-escape sequence: 'zz'` for an alphanumeric non-hex escape.
 */
export function unquoteUnreserved(uri: string): string {
  if (!uri.includes('%')) return uri;
  const parts = uri.split('%');
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const h = part.slice(0, 2);
    if (h.length === 2 && ALNUM_PAIR_RE.test(h)) {
      if (!HEX_PAIR_RE.test(h)) throw new InvalidURL(`Invalid percent-escape sequence: '${h}'`);
      const c = Number.parseInt(h, 16);
      parts[i] =
        c < 128 && PLUS_SAFE[c] === 1 ? String.fromCharCode(c) + part.slice(2) : `%${part}`;
    } else {
      parts[i] = `%${part}`;
    }
  }
  return parts.join('');
}

/**
 * Re-quotes a URI so that it is fully and consistently quoted (requests' `requote_uri`).
 * @example requoteUri('http://example.com/a b%7E') // 'http://example.com/a%20b~'
 */
export function requoteUri(uri: string): string {
  try {
    return quoteChars(unquoteUnreserved(uri), SAFE_WITH_PERCENT);
  } catch (err) {
    if (!(err instanceof InvalidURL)) throw err;
    // An unquotable URI: quote its '%' too, so none is left dangling.
    return quoteChars(uri, SAFE_WITHOUT_PERCENT);
  }
}

/** Python's `quote_plus` of one key or value (form and query encoding). */
function quotePlus(value: Exclude<ParamValue, null | undefined>): string {
  if (value instanceof Uint8Array) {
    let out = '';
    for (const b of value) {
      out +=
        b < 128 && PLUS_SAFE[b] === 1 ? String.fromCharCode(b) : b === 32 ? '+' : PERCENT_HEX[b];
    }
    return out;
  }
  const s = typeof value === 'string' ? value : String(value);
  const quoted = quoteChars(s, PLUS_SAFE);
  return quoted === s ? s : quoted.replace(/%20/g, '+');
}

/**
 * Calls `fn` for each pair of `pairs` (record, entries, URLSearchParams, Map). `what` names the
 * option in the error for anything else.
 */
export function forEachPair<V>(
  pairs: Readonly<Record<string, V>> | Iterable<readonly [unknown, V]>,
  what: string,
  fn: (key: string | Uint8Array, value: V) => void,
): void {
  if (typeof pairs !== 'object' || pairs === null || pairs instanceof Uint8Array) {
    throw new TypeError(
      `${what} must be a record, [key, value] entries or URLSearchParams, not ${typeof pairs}`,
    );
  }
  if (typeof (pairs as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    for (const key of Object.keys(pairs)) fn(key, (pairs as Record<string, V>)[key] as V);
    return;
  }
  for (const pair of pairs as Iterable<readonly [unknown, V]>) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(`${what} entries must be [key, value] pairs`);
    }
    const key = pair[0];
    fn(typeof key === 'string' || key instanceof Uint8Array ? key : String(key), pair[1]);
  }
}

/**
 * URL-encodes pairs as `application/x-www-form-urlencoded` (requests' `_encode_params`, Python's
 * `urlencode(doseq=True)`): arrays repeat the key, `null`/`undefined` values are dropped, spaces
 * become `+`. A string is returned as it is.
 * @example encodeParams({ a: '1', b: ['2', '3'], c: null }) // 'a=1&b=2&b=3'
 */
export function encodeParams(params: string | PairsInput, what = 'params'): string {
  if (typeof params === 'string') return params;
  let out = '';
  forEachPair(params as PairsInput & object, what, (key, value) => {
    if (value == null) return;
    const k = quotePlus(key);
    if (!Array.isArray(value)) {
      checkPairValue(what, key, value);
      out += `${out ? '&' : ''}${k}=${quotePlus(value as Exclude<ParamValue, null | undefined>)}`;
      return;
    }
    for (const v of value as readonly ParamValue[]) {
      if (v == null) continue;
      checkPairValue(what, key, v);
      out += `${out ? '&' : ''}${k}=${quotePlus(v)}`;
    }
  });
  return out;
}

/**
 * A pair's value is text, a number, a boolean, a bigint or bytes: any other object would be sent
 * as `[object Object]` (or `[object File]`), so it is refused by name.
 * @throws {TypeError} naming the option and the key.
 */
export function checkPairValue(what: string, key: string | Uint8Array, value: unknown): void {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
  const type = (value as object).constructor?.name ?? 'object';
  const hint = value instanceof Blob ? ': send files with `files` or a FormData as `data`' : '';
  throw new TypeError(
    `${what}[${JSON.stringify(String(key))}] must be a string, number, boolean or bytes (or an array of them), not ${type}${hint}`,
  );
}

/**
 * Plain http(s) URLs that come out of requests' preparation unchanged (lower-case host, no
 * credentials, nothing to percent-encode, no fragment): they skip the full parse.
 */
const FAST_URL_RE =
  /^(https?):\/\/([a-z0-9][a-z0-9.-]*)(?::([1-9][0-9]{0,4}))?(\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*)?(\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?]+)?$/;
const DOT_SEGMENT_RE = /\/\.\.?(?:[/?]|$)/;

/**
 * A URL as preparation made it, and the pool's parsed value of it when preparation's own parse
 * made that too; `target` is null when it did not (a URL that is not http(s), or one the pool
 * refuses: the PreparedRequest then parses it on first read, which raises the pool's error at send).
 */
export interface PreparedUrl {
  readonly url: string;
  readonly target: RequestTarget | null;
}

/**
 * The fast path: FAST_URL_RE's groups are the scheme, host, port, path and query of a URL that
 * preparation leaves as it is (bar a `/` for an empty path), so they make the target directly.
 */
function fastPrepare(
  url: string,
  enc: string,
  params: ParamsInput,
  withTarget: boolean,
): PreparedUrl | null {
  const m = FAST_URL_RE.exec(url);
  if (m === null) return null;
  const scheme = m[1] as 'http' | 'https';
  const host = m[2]!;
  const portText = m[3];
  const port = portText === undefined ? (scheme === 'https' ? 443 : 80) : Number(portText);
  if (port > 65535 || DOT_SEGMENT_RE.test(url)) return null;
  const rawPath = m[4];
  const query = m[5];
  // scheme://host[:port], which neither params nor requoting change.
  const originEnd =
    url.length -
    (rawPath === undefined ? 0 : rawPath.length) -
    (query === undefined ? 0 : query.length);
  let path = rawPath === undefined ? `/${query ?? ''}` : url.slice(originEnd);
  if (enc) {
    path = `${path}${query === undefined ? '?' : '&'}${enc}`;
    if (typeof params === 'string') {
      // Pairs come out of encodeParams already quoted; a raw string still needs re-quoting,
      // and may bring a fragment.
      const out = requoteUri(`${url.slice(0, originEnd)}${path}`);
      const tail = out.slice(originEnd);
      const hash = tail.indexOf('#');
      return {
        url: out,
        target: withTarget
          ? tcpTarget(scheme, host, port, hash === -1 ? tail : tail.slice(0, hash), null)
          : null,
      };
    }
  }
  const out = rawPath === undefined || enc ? `${url.slice(0, originEnd)}${path}` : url;
  return { url: out, target: withTarget ? tcpTarget(scheme, host, port, path, null) : null };
}

/**
 * requests' `PreparedRequest.prepare_url`: checks scheme and host, IDNA-encodes the host, removes
 * dot segments, merges `params` into the query (keeping the fragment) and re-quotes the result.
 * A URL with a `:` that does not start with `http` (`mailto:`, `ftp://`, `localhost:8080`) is
 * returned as it is; the Session then finds no adapter for it.
 * @throws {MissingSchema} `Invalid URL 'x': No scheme supplied. Perhaps you meant https://x?`
 * @throws {InvalidURL} no host, a bad port or host, an invalid IDNA label.
 * @example prepareUrl('http://Example.com', { q: 'a b' }) // 'http://example.com/?q=a+b'
 */
export function prepareUrl(url: string | URL, params?: ParamsInput): string {
  return prepare(url, params, false).url;
}

/**
 * {@link prepareUrl}, with the pool's parsed value of the result made from preparation's own
 * parse (PreparedRequest keeps it, so the URL is not parsed again at send).
 */
export function prepareUrlTarget(url: string | URL, params?: ParamsInput): PreparedUrl {
  return prepare(url, params, true);
}

function prepare(url: string | URL, params: ParamsInput, withTarget: boolean): PreparedUrl {
  let s = typeof url === 'string' ? url : String(url);
  const first = s.charCodeAt(0);
  if (!(first > 32 && first < 127)) s = s.replace(LEADING_WS_RE, '');
  if (s.includes(':') && !s.slice(0, 4).toLowerCase().startsWith('http')) {
    return { url: s, target: null };
  }
  if (params instanceof Uint8Array) params = paramsText(params);
  const enc = params == null ? '' : encodeParams(params);
  const fast = fastPrepare(s, enc, params, withTarget);
  if (fast !== null) return fast;
  const out = slowPrepare(s, enc);
  if (!withTarget) return { url: out, target: null };
  // Requoting rewrites the pieces, so the value is the pool's parse of the final string, once,
  // here; one the pool refuses is left to be refused at send, as it always was.
  let target: RequestTarget | null = null;
  try {
    target = parseTarget(out);
  } catch {
    // Left null: the first read parses again and requestTarget() raises the error at send.
  }
  return { url: out, target };
}

/**
 * Checks an absolute URL as {@link prepareUrl} does (the same errors) and gives the pool's value
 * of the URL as it is, not of prepareUrl's result: a redirect sends its Location's URL as
 * requests does (no dot segment removed, no `/` added), and its hop keeps this value. A URL of
 * the fast path's shape makes it from the regex's groups; another is parsed by the pool once.
 * `null` when the pool refuses the URL or it is not http(s) (the value `parseUrl` would not give).
 * @throws {InvalidURL} what prepareUrl throws for it.
 */
export function checkedUrlTarget(url: string): RequestTarget | null {
  // Without params, fastPrepare's target is the pool's parse of `url` itself (both read an
  // empty path as `/`), and prepareUrl accepts every URL of its shape.
  const fast = fastPrepare(url, '', undefined, true);
  if (fast !== null) return fast.target;
  prepare(url, undefined, false);
  try {
    return parseTarget(url);
  } catch {
    return null;
  }
}

function slowPrepare(url: string, enc: string): string {
  const p = parseUrl(url);
  if (!p.scheme) {
    throw new MissingSchema(
      `Invalid URL ${reprPy(url)}: No scheme supplied. Perhaps you meant https://${url}?`,
    );
  }
  const unix = p.scheme === 'http+unix' || p.scheme === 'https+unix';
  if (unix) checkSocketHost(url, p.host, p.port);
  if (!p.host) throw new InvalidURL(`Invalid URL ${reprPy(url)}: No host supplied`);
  let host = p.host;
  if (unix) {
    // A socket path, not a name: no IDNA; requoteUri below encodes what needs encoding.
  } else if (!/^[\x00-\x7f]*$/.test(host)) {
    const encoded = idnaHost(host, true);
    if (encoded === null) throw new InvalidURL('URL has an invalid label.');
    host = encoded;
  } else if (host.startsWith('*') || host.startsWith('.')) {
    throw new InvalidURL('URL has an invalid label.');
  }
  let out = `${p.scheme}://${p.auth ? `${p.auth}@` : ''}${host}${p.port ? `:${p.port}` : ''}`;
  out += p.path || '/';
  const query = enc ? (p.query ? `${p.query}&${enc}` : enc) : p.query;
  if (query) out += `?${query}`;
  if (p.fragment) out += `#${p.fragment}`;
  return requoteUri(out);
}

/** How a socket path goes into a URL, for the messages about one that does not. */
const SOCKET_HINT =
  'percent-encode the socket path as the host, slashes as %2F: http+unix://%2Frun%2Fapp.sock/path (encodeURIComponent(socketPath))';

/**
 * The host of an `http+unix:` URL is the socket path, percent-encoded: an empty one is most often
 * a path written with its slashes (`http+unix:///run/app.sock`), and a socket has no port.
 * @throws {InvalidURL} saying how to write the socket path.
 */
function checkSocketHost(url: string, host: string | null, port: number | null): void {
  if (!host)
    throw new InvalidURL(`Invalid URL ${reprPy(url)}: No socket path supplied; ${SOCKET_HINT}`);
  const authority = url.slice(url.indexOf('//') + 2).split(/[/?#]/, 1)[0]!;
  if (port !== null || authority.slice(authority.lastIndexOf('@') + 1).includes(':')) {
    throw new InvalidURL(
      `Invalid URL ${reprPy(url)}: a Unix socket has no port; write a ':' of the socket path as %3A (${SOCKET_HINT})`,
    );
  }
}

/** The parts of a URL as Python's `urllib.parse.urlsplit` gives them (empty strings when absent). */
export interface SplitUrl {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
  fragment: string;
}

const SCHEME_CHARS_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*$/;
const C0_OR_SPACE_RE = /^[\x00-\x20]+/;

/** Python's `urlsplit`. */
export function urlsplit(url: string): SplitUrl {
  let rest = url.replace(C0_OR_SPACE_RE, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  let netloc = '';
  let query = '';
  let fragment = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && SCHEME_CHARS_RE.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  if (rest.startsWith('//')) {
    let end = rest.length;
    for (const c of '/?#') {
      const i = rest.indexOf(c, 2);
      if (i !== -1 && i < end) end = i;
    }
    netloc = rest.slice(2, end);
    rest = rest.slice(end);
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  const q = rest.indexOf('?');
  if (q !== -1) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  return { scheme, netloc, path: rest, query, fragment };
}

const USES_NETLOC = new Set(
  ' ftp http gopher nntp telnet imap wais file mms https shttp snews prospero rtsp rtspu rsync svn svn+ssh sftp nfs git git+ssh ws wss'.split(
    ' ',
  ),
);

/** Python's `urlunsplit`. */
export function urlunsplit(p: SplitUrl): string {
  let url = p.path;
  if (p.netloc || (p.scheme && USES_NETLOC.has(p.scheme) && !url.startsWith('//'))) {
    if (url && !url.startsWith('/')) url = `/${url}`;
    url = `//${p.netloc}${url}`;
  }
  if (p.scheme) url = `${p.scheme}:${url}`;
  if (p.query) url += `?${p.query}`;
  if (p.fragment) url += `#${p.fragment}`;
  return url;
}

/** The request target: path (at least `/`) and query, no fragment (requests' `path_url`). */
export function pathUrlOf(url: string): string {
  const { path, query } = urlsplit(url);
  return query ? `${path || '/'}?${query}` : path || '/';
}

/** The URL without its fragment and credentials (requests' `urldefragauth`). */
export function urlDefragAuth(url: string): string {
  const p = urlsplit(url);
  let { netloc, path } = p;
  if (!netloc) [netloc, path] = [path, netloc];
  netloc = netloc.slice(netloc.lastIndexOf('@') + 1);
  return urlunsplit({ scheme: p.scheme, netloc, path, query: p.query, fragment: '' });
}

const NON_PRINTABLE_RE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/**
 * Python's `repr()` of a string or bytes, so that messages read as requests' do
 * (`Invalid URL 'x': ...`, `... in header value: 'a\rb'`).
 */
export function reprPy(value: string | Uint8Array): string {
  if (value instanceof Uint8Array) {
    const q = value.includes(0x27) && !value.includes(0x22) ? 0x22 : 0x27;
    let body = '';
    for (const b of value) body += escapeByte(b, q);
    return `b${String.fromCharCode(q)}${body}${String.fromCharCode(q)}`;
  }
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of value) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (NON_PRINTABLE_RE.test(ch)) out += escapeCodePoint(ch.codePointAt(0)!);
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function escapeByte(b: number, quote: number): string {
  if (b === quote || b === 0x5c) return `\\${String.fromCharCode(b)}`;
  if (b === 9) return '\\t';
  if (b === 10) return '\\n';
  if (b === 13) return '\\r';
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}
