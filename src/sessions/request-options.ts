/**
 * The options object of `Session.request`, every verb and the module-level calls (shared/API.md,
 * "Request options"), its key set for the unknown-key check, and the types that guide callers:
 * method names, and the response of a `stream: true` call.
 */

import { optionKeys } from '../_internal/options.js';
import type { AuthInput } from '../auth.js';
import type { HooksInput } from '../hooks.js';
import type { DataInput } from '../models/body.js';
import type { FilesInput } from '../models/multipart.js';
import type { CookiesInput, HeadersInput } from '../models/prepared-request.js';
import type { Response } from '../models/response.js';
import type { CertInput } from '../pool/tls.js';
import type { TimeoutInput } from '../timeout.js';
import type { ParamsInput } from '../utils/url.js';

/**
 * An HTTP method: the common ones are offered by editors, any other string is accepted (and
 * upper-cased), as requests does.
 * @example s.request('PROPFIND', url)
 */
export type HTTPMethod =
  | 'GET'
  | 'HEAD'
  | 'POST'
  | 'PUT'
  | 'PATCH'
  | 'DELETE'
  | 'OPTIONS'
  | 'TRACE'
  | 'CONNECT'
  | (string & {});

/** A URL as a string or a WHATWG `URL`. */
export type UrlInput = string | URL;

/** Scheme, or scheme://host, or `all` -> proxy URL (a string or a `URL`); `null` drops one. */
export type ProxiesInput = Readonly<Record<string, string | URL | null | undefined>>;

/** Options of `Session.request`, every verb, and `requests.get` and friends. */
export interface RequestOptions {
  /**
   * Query string, merged with the URL's own; arrays repeat the key; `null` drops a Session param.
   * @default none
   * @example { params: { q: 'x', tag: ['a', 'b'] } } // ?q=x&tag=a&tag=b
   */
  params?: ParamsInput | undefined;
  /**
   * The body: a record, entries, URLSearchParams are form-encoded; a web FormData is multipart;
   * strings, bytes, Blob/File and streams are sent as they are.
   * @default none
   * @example { data: { name: 'x' } } // name=x, application/x-www-form-urlencoded
   */
  data?: DataInput | FormData | undefined;
  /**
   * A JSON body with `Content-Type: application/json`; ignored when `data` or `files` is given.
   * @default none
   * @example { json: { a: 1 } }
   */
  json?: unknown;
  /**
   * multipart/form-data parts: a record or entries of content or
   * `[filename, content, contentType?, headers?]`, or a web FormData.
   * @default none
   * @example { files: { report: fileFromPath('/tmp/r.pdf') } }
   */
  files?: FilesInput | FormData | null | undefined;
  /**
   * Headers over the Session's; a `null` value removes a Session header.
   * @default none
   * @example { headers: { Authorization: 'Bearer t', 'User-Agent': null } }
   */
  headers?: HeadersInput | undefined;
  /**
   * Cookies for this request only: a record, a RequestsCookieJar or a tough-cookie CookieJar.
   * @default none
   * @example { cookies: { session: 'abc' } }
   */
  cookies?: CookiesInput | undefined;
  /**
   * `[user, pass]` (Basic) or an AuthBase such as `new HTTPDigestAuth(user, pass)`.
   * @default the Session's, then netrc when `trustEnv`
   * @example { auth: ['user', 'pass'] }
   */
  auth?: AuthInput | null | undefined;
  /**
   * Milliseconds (never seconds): a number sets connect and read; `[connect, read]`;
   * `{ connect, read, total, pool }`; a TimeoutConfig; `null` = no limit.
   * @default the Session's `timeout` (null: no limit)
   * @example { timeout: 5_000 } // { timeout: { connect: 3_000, read: 10_000, total: 30_000 } }
   */
  timeout?: TimeoutInput | undefined;
  /**
   * Follow redirects.
   * @default true (false for `head`)
   * @example { allowRedirects: false }
   */
  allowRedirects?: boolean | undefined;
  /**
   * Scheme or scheme://host -> proxy URL; `all` for every scheme; `socks5h://` supported.
   * @default the Session's, then the environment's when `trustEnv`
   * @example { proxies: { https: 'http://proxy.local:3128' } }
   */
  proxies?: ProxiesInput | null | undefined;
  /**
   * Do not read the body before resolving: read it with `read()`, `iterContent()`, `iterLines()`.
   * @default false
   * @example const r = await s.get(url, { stream: true }); for await (const c of r.iterContent()) {}
   */
  stream?: boolean | null | undefined;
  /**
   * Verify the server's TLS certificate: `true`, `false`, or a CA bundle file or directory.
   * @default true
   * @example { verify: '/etc/ssl/my-ca.pem' }
   */
  verify?: boolean | string | null | undefined;
  /**
   * Client certificate: a path, `[certPath, keyPath]` or `{ cert, key, passphrase }`.
   * @default none
   * @example { cert: ['client.pem', 'client.key'] }
   */
  cert?: CertInput | null | undefined;
  /**
   * `{ response: fn | fn[] }`, called with each Response; a hook may return a replacement.
   * @default none
   * @example { hooks: { response: (r) => r.raiseForStatus() } }
   */
  hooks?: HooksInput | null | undefined;
  /**
   * Ours: cancels the call at any point; the error is the signal's reason.
   * @default none
   * @example { signal: AbortSignal.timeout(10_000) }
   */
  signal?: AbortSignal | undefined;
  /**
   * Ours: largest decoded body accepted, bytes (ContentDecodingError past it).
   * @default the adapter's (null: no limit)
   * @example { maxResponseSize: 10_000_000 }
   */
  maxResponseSize?: number | null | undefined;
}

/** Options of a call whose body is streamed: `stream: true`. */
export interface StreamRequestOptions extends RequestOptions {
  /** The body is not read before the call resolves. */
  stream: true;
}

/**
 * The Response of a `stream: true` call: its body is not read yet. `content`, `text` and
 * `json()` throw until `await r.read()` has read it (editors show them struck through, with this
 * reason); `iterContent()` / `iterLines()` read it piece by piece instead.
 * @example
 * const r = await s.get(url, { stream: true });
 * for await (const chunk of r.iterContent({ chunkSize: 65_536 })) out.write(chunk);
 */
export interface StreamResponse extends Response {
  /** @deprecated Not read yet: throws until `await r.read()` (which also returns the bytes). */
  readonly content: Uint8Array;
  /** @deprecated Not read yet: throws until `await r.read()`. */
  readonly text: string;
  /** @deprecated Not read yet: throws until `await r.read()`. */
  json<T = unknown>(): T;
  /** Reads the whole body and keeps it: afterwards `content`, `text` and `json()` work. */
  read(): Promise<Uint8Array>;
}

/** Every key of RequestOptions; tsc fails here when an option is added to one and not the other. */
export const REQUEST_OPTION_KEYS: ReadonlySet<string> = optionKeys<RequestOptions>({
  params: true,
  data: true,
  json: true,
  files: true,
  headers: true,
  cookies: true,
  auth: true,
  timeout: true,
  allowRedirects: true,
  proxies: true,
  stream: true,
  verify: true,
  cert: true,
  hooks: true,
  signal: true,
  maxResponseSize: true,
});
