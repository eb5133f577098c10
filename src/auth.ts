/**
 * requests' authentication handlers (`auth.py`): Basic, Proxy and Digest (RFC 7616 / RFC 2617).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SendOptions } from './adapters/base-adapter.js';
import { extractCookiesToJar } from './cookies.js';
import { UnrewindableBodyError } from './errors.js';
import type { PreparedRequest } from './models/prepared-request.js';
import type { Response } from './models/response.js';
import { pathUrlOf } from './utils/url.js';

/** Credentials as text (encoded latin-1, as requests) or as bytes (sent as they are). */
export type Credential = string | Uint8Array;

/**
 * Base class of every auth handler: `call` gets the PreparedRequest before it is sent and returns
 * it (requests' `AuthBase.__call__`). It may set headers and register response hooks.
 *
 * @example
 * class TokenAuth extends AuthBase {
 *   constructor(private token: string) { super(); }
 *   call(r: PreparedRequest) { r.headers.set('X-Token', this.token); return r; }
 * }
 */
export abstract class AuthBase {
  /** @subclass Adds the credentials to `r` and returns it. */
  abstract call(r: PreparedRequest): PreparedRequest;
}

/** What `auth` accepts: a handler, a `[username, password]` pair (Basic), or a function. */
export type AuthInput =
  | AuthBase
  | readonly [string, string]
  | ((r: PreparedRequest) => PreparedRequest);

function latin1(value: Credential, what: string): Uint8Array {
  if (typeof value !== 'string') return value;
  const bad = /[^\x00-\xff]/u.exec(value);
  if (bad !== null) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new TypeError(
      `Basic auth ${what} contains ${JSON.stringify(bad[0])} (U+${code}) at position ${bad.index}, which latin-1 cannot encode; pass the ${what} as bytes (new TextEncoder().encode(${what})) to send it as UTF-8`,
    );
  }
  return Buffer.from(value, 'latin1');
}

/**
 * The `Authorization` value for Basic auth (requests' `_basic_auth_str`): strings are encoded
 * latin-1 (a character above U+00FF throws a TypeError), bytes are sent as they are.
 *
 * @example
 * basicAuthStr('user', 'pass'); // 'Basic dXNlcjpwYXNz'
 */
export function basicAuthStr(username: Credential, password: Credential): string {
  const user = latin1(username, 'username');
  const pass = latin1(password, 'password');
  const joined = Buffer.allocUnsafe(user.length + 1 + pass.length);
  joined.set(user, 0);
  joined[user.length] = 0x3a; // ':'
  joined.set(pass, user.length + 1);
  return `Basic ${joined.toString('base64')}`;
}

function sameCredential(a: Credential, b: unknown): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return b instanceof Uint8Array && Buffer.from(a).equals(b);
}

/**
 * Attaches HTTP Basic Authentication (requests' `HTTPBasicAuth`).
 *
 * @example
 * await s.get(url, { auth: new HTTPBasicAuth('user', 'pass') }); // same as auth: ['user', 'pass']
 */
export class HTTPBasicAuth extends AuthBase {
  constructor(
    public username: Credential,
    public password: Credential,
  ) {
    super();
  }

  call(r: PreparedRequest): PreparedRequest {
    r.headers.set('Authorization', basicAuthStr(this.username, this.password));
    return r;
  }

  /** Same credentials (requests' `__eq__`). */
  equals(other: unknown): boolean {
    const o = other as { username?: unknown; password?: unknown } | null;
    return (
      o != null &&
      sameCredential(this.username, o.username) &&
      sameCredential(this.password, o.password)
    );
  }
}

/** Attaches `Proxy-Authorization` Basic credentials (requests' `HTTPProxyAuth`). */
export class HTTPProxyAuth extends HTTPBasicAuth {
  override call(r: PreparedRequest): PreparedRequest {
    r.headers.set('Proxy-Authorization', basicAuthStr(this.username, this.password));
    return r;
  }
}

// ---- Digest ----

type HashName = 'md5' | 'sha1' | 'sha256' | 'sha512';
const DIGEST_HASHES: Readonly<Record<string, HashName>> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  SHA: 'sha1',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
};

function hexDigest(hash: HashName, text: string): string {
  return createHash(hash).update(text, 'utf8').digest('hex');
}

/**
 * Splits a comma-separated header list, keeping commas inside quoted strings (Python's
 * `urllib.request.parse_http_list`, which drops the backslash of an escaped character).
 */
export function parseHttpList(s: string): string[] {
  const out: string[] = [];
  let part = '';
  let quote = false;
  let escaped = false;
  for (const ch of s) {
    if (escaped) {
      part += ch;
      escaped = false;
    } else if (quote && ch === '\\') {
      escaped = true;
    } else if (quote) {
      if (ch === '"') quote = false;
      part += ch;
    } else if (ch === ',') {
      out.push(part.trim());
      part = '';
    } else {
      if (ch === '"') quote = true;
      part += ch;
    }
  }
  if (part) out.push(part.trim());
  return out;
}

/**
 * Parses `key=value, key="quoted value", flag` into a record (requests' `parse_dict_header`);
 * a key without `=` maps to `null`.
 *
 * @example
 * parseDictHeader('realm="x", qop="auth,auth-int", stale'); // { realm: 'x', qop: 'auth,auth-int', stale: null }
 */
export function parseDictHeader(value: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const item of parseHttpList(value)) {
    const eq = item.indexOf('=');
    if (eq === -1) {
      out[item] = null;
      continue;
    }
    let v = item.slice(eq + 1);
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
      v = v.slice(1, -1).replaceAll('\\\\', '\\').replaceAll('\\"', '"');
    }
    out[item.slice(0, eq)] = v;
  }
  return out;
}

/** The 401 state of one request and the requests that follow it (requests keeps it per thread). */
export interface DigestRequestState {
  /** 1 when the request goes out, 2 once it was retried with credentials. */
  num401Calls: number;
}

/**
 * Attaches HTTP Digest Authentication (requests' `HTTPDigestAuth`): on a 401 with a Digest
 * challenge the request is sent once more with credentials; later requests reuse the nonce with
 * a growing nonce count, skipping the 401. MD5, MD5-sess, SHA, SHA-256 and SHA-512 with
 * `qop=auth` or no qop (RFC 7616 / RFC 2617).
 *
 * @example
 * const r = await s.get(url, { auth: new HTTPDigestAuth('user', 'pass') });
 */
export class HTTPDigestAuth extends AuthBase {
  /** The nonce of the last header built ('' before the first challenge). */
  lastNonce = '';
  /** How many headers were built with `lastNonce`. */
  nonceCount = 0;
  /** The last challenge received (WWW-Authenticate parameters). */
  chal: Record<string, string | null> = {};

  constructor(
    public username: string,
    public password: string,
  ) {
    super();
  }

  /** @subclass The client nonce for one header (16 hex digits, as requests). */
  protected makeCnonce(_nonce: string, _nonceCount: number): string {
    return randomBytes(8).toString('hex');
  }

  /**
   * The `Authorization` value answering the last challenge for `method` and `url`, or `null`
   * when the challenge cannot be answered (unknown algorithm, `qop` without `auth`, no nonce).
   */
  buildDigestHeader(method: string, url: string): string | null {
    return this.#digestHeader(method, pathUrlOf(url));
  }

  /** buildDigestHeader for the request `r`: its parsed URL's target, unless overridden. */
  #headerFor(r: PreparedRequest): string | null {
    if (!r.method || !r.url) return null;
    if (this.buildDigestHeader !== HTTPDigestAuth.prototype.buildDigestHeader) {
      return this.buildDigestHeader(r.method, r.url);
    }
    return this.#digestHeader(r.method, r.pathUrl);
  }

  /** The header for the request-URI `uri` (path and query, requests' `path_url`). */
  #digestHeader(method: string, uri: string): string | null {
    const { realm, nonce, qop, algorithm, opaque } = this.chal;
    if (realm == null || nonce == null) return null;
    const alg = algorithm == null ? 'MD5' : algorithm.toUpperCase();
    const hash = DIGEST_HASHES[alg];
    if (hash === undefined) return null;
    if (qop && !qop.split(',').some((q) => q.trim() === 'auth')) return null; // auth-int: as requests
    let ha1 = hexDigest(hash, `${this.username}:${realm}:${this.password}`);
    const ha2 = hexDigest(hash, `${method}:${uri}`);
    this.nonceCount = nonce === this.lastNonce ? this.nonceCount + 1 : 1;
    const nc = this.nonceCount.toString(16).padStart(8, '0');
    const cnonce = this.makeCnonce(nonce, this.nonceCount);
    if (alg === 'MD5-SESS') ha1 = hexDigest(hash, `${ha1}:${nonce}:${cnonce}`);
    const response = qop
      ? hexDigest(hash, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)
      : hexDigest(hash, `${ha1}:${nonce}:${ha2}`);
    this.lastNonce = nonce;
    let base = `username="${this.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}"`;
    if (opaque) base += `, opaque="${opaque}"`;
    if (algorithm) base += `, algorithm="${algorithm}"`;
    if (qop) base += `, qop="auth", nc=${nc}, cnonce="${cnonce}"`;
    return `Digest ${base}`;
  }

  call(r: PreparedRequest): PreparedRequest {
    // A nonce from an earlier exchange: authenticate up front and skip the 401.
    if (this.lastNonce) {
      const header = this.#headerFor(r);
      if (header) r.headers.set('Authorization', header);
    }
    const state: DigestRequestState = { num401Calls: 1 };
    r.registerHook('response', (res, options) => this.handle401(res, options, state));
    r.registerHook('response', (res) => this.handleRedirect(res, state));
    return r;
  }

  /** Resets the 401 count when `r` is a redirect (requests' `handle_redirect`). */
  handleRedirect(r: Response, state: DigestRequestState): void {
    if (r.isRedirect) state.num401Calls = 1;
  }

  /**
   * On a 401 carrying a Digest challenge, sends the request again with credentials (once) and
   * returns that response, the 401 in its history (requests' `handle_401`).
   */
  async handle401(r: Response, options: SendOptions, state: DigestRequestState): Promise<Response> {
    const challenge = r.headers.get('www-authenticate') ?? '';
    const retry =
      r.statusCode >= 400 &&
      r.statusCode < 500 &&
      state.num401Calls < 2 &&
      challenge.toLowerCase().includes('digest') &&
      r.request !== null &&
      r.connection !== null;
    if (!retry) {
      state.num401Calls = 1;
      return r;
    }
    state.num401Calls++;
    return this.#retry(r, r.request!, r.connection!, options, challenge);
  }

  async #retry(
    r: Response,
    original: PreparedRequest,
    connection: NonNullable<Response['connection']>,
    options: SendOptions,
    challenge: string,
  ): Promise<Response> {
    if (!original.bodyIsReplayable) {
      r.close();
      throw new UnrewindableBodyError(
        'Unable to rewind request body to resend it with digest credentials: send a replayable body (bytes, string, form, Blob, fileFromPath()) or authenticate with a request without a stream body first',
        { request: original, response: r },
      );
    }
    // Read the 401 to the end so that its connection goes back to the pool for the retry.
    await r.read();
    r.close();
    const prep = original.copy();
    const setCookie = r.raw?.headers['set-cookie'];
    if (setCookie !== undefined && original.url) {
      extractCookiesToJar(
        prep.cookies,
        original.url,
        typeof setCookie === 'string' ? [setCookie] : setCookie,
      );
    }
    prep.prepareCookies(prep.cookies);
    // Set just before the header is built: concurrent requests share this auth object.
    this.chal = parseDictHeader(challenge.replace(/digest /i, ''));
    const header = this.#headerFor(prep);
    if (header) prep.headers.set('Authorization', header);
    const next = await connection.send(prep, options);
    next.history.push(r);
    next.request = prep;
    return next;
  }

  /** Same credentials (requests' `__eq__`). */
  equals(other: unknown): boolean {
    const o = other as { username?: unknown; password?: unknown } | null;
    return o != null && this.username === o.username && this.password === o.password;
  }
}
