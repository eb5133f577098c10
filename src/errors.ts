/**
 * requests' exception tree. `instanceof` works as Python's `except` does, multiple inheritance
 * included (`ConnectTimeout` is a `ConnectionError` and a `Timeout`) through brands.
 *
 * Every error carries `code`, one stable string per class, for structured logging:
 *
 * | class | code |
 * |---|---|
 * | RequestException | `ERR_REQUEST` |
 * | HTTPError | `ERR_HTTP_STATUS` |
 * | ConnectionError | `ERR_CONNECTION` |
 * | ProxyError | `ERR_PROXY` |
 * | SSLError | `ERR_SSL` |
 * | Timeout | `ERR_TIMEOUT` |
 * | ConnectTimeout | `ERR_CONNECT_TIMEOUT` |
 * | ReadTimeout | `ERR_READ_TIMEOUT` (also when it is a ConnectionError too) |
 * | PoolTimeout | `ERR_POOL_TIMEOUT` |
 * | TotalTimeout | `ERR_TOTAL_TIMEOUT` |
 * | URLRequired | `ERR_URL_REQUIRED` |
 * | TooManyRedirects | `ERR_TOO_MANY_REDIRECTS` |
 * | MissingSchema | `ERR_MISSING_SCHEMA` |
 * | InvalidSchema | `ERR_INVALID_SCHEMA` |
 * | InvalidURL | `ERR_INVALID_URL` |
 * | InvalidHeader | `ERR_INVALID_HEADER` |
 * | InvalidProxyURL | `ERR_INVALID_PROXY_URL` |
 * | ChunkedEncodingError | `ERR_CHUNKED_ENCODING` |
 * | ContentDecodingError | `ERR_CONTENT_DECODING` |
 * | StreamConsumedError | `ERR_STREAM_CONSUMED` |
 * | RetryError | `ERR_RETRY` |
 * | UnrewindableBodyError | `ERR_UNREWINDABLE_BODY` |
 * | InvalidJSONError | `ERR_INVALID_JSON` |
 * | JSONDecodeError | `ERR_JSON_DECODE` |
 * | CookieConflictError | `ERR_COOKIE_CONFLICT` |
 * | TLSFileError | `ENOENT` (missing file) / `EINVAL` (no PEM blocks), as Node's fs errors |
 *
 * @example
 * try { await requests.get(url, { timeout: 1_000 }); }
 * catch (e) { if (e instanceof RequestException) log.warn({ code: e.code, url: e.request?.url }); }
 */
import { brand, stamp } from './_internal/brand.js';
import { hidden, INSPECT, redactText, redactUrl } from './_internal/redact.js';
import type { PreparedRequest } from './models/prepared-request.js';
import type { Response } from './models/response.js';

/** What every exception may carry, as requests' `RequestException.__init__` takes. */
export interface RequestExceptionOptions {
  request?: PreparedRequest | null | undefined;
  response?: Response | null | undefined;
  cause?: unknown;
}

/**
 * Base of every requests-ts error (requests' `RequestException`).
 * `request` falls back to `response.request`, as in requests.
 */
export class RequestException extends Error {
  // Not enumerable: a printed or uncaught error shows its message, code and cause, not the
  // whole request and response (issue 14 item 7), and never their credentials.
  declare request: PreparedRequest | null;
  declare response: Response | null;
  /** A stable string per class, for structured logs (table above). */
  declare readonly code: string;
  constructor(message = '', options: RequestExceptionOptions = {}) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: options.cause });
    const response = options.response ?? null;
    hidden(this, 'response', response);
    hidden(this, 'request', options.request ?? response?.request ?? null);
    // Own and enumerable, as Node's own errors carry `code`: an uncaught error prints it.
    Object.defineProperty(this, 'code', { value: this.code, enumerable: true, configurable: true });
    stamp(this);
    if (this.request?.url) addRequestLine(this, this.request.method, this.request.url);
  }

  /** A redacted record for logs: name, code, message, request line, status and cause. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause as { name?: unknown; message?: unknown; code?: unknown } | undefined;
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      method: this.request?.method ?? null,
      url: this.request?.url ? redactUrl(this.request.url) : null,
      status: this.response?.statusCode ?? null,
      cause:
        cause && typeof cause === 'object'
          ? { name: cause.name, code: cause.code, message: redactText(String(cause.message)) }
          : (cause ?? null),
    };
  }

  /**
   * What `util.inspect` and `console.log` show: the stack (credentials redacted), then the
   * `cause` indented beneath it.
   */
  [INSPECT](depth: number, opts: object, inspect?: (v: unknown, o?: object) => string): string {
    const stack = redactText(this.stack ?? `${this.name}: ${this.message}`);
    if (depth < 0 || !inspect || this.cause === undefined) return stack;
    const cause = inspect(this.cause, { ...opts, depth: depth - 1 }).replace(/\n/g, '\n  ');
    return `${stack}\n  [cause]: ${cause}`;
  }
}
Object.defineProperty(RequestException.prototype, 'name', {
  value: 'RequestException',
  writable: true,
});
Object.defineProperty(RequestException.prototype, 'code', { value: 'ERR_REQUEST', writable: true });
brand(RequestException, 'RequestException');

/** Puts `GET https://host/path` (redacted) under the message line of the stack. */
function addRequestLine(err: Error, method: string | null, url: string): void {
  const stack = err.stack;
  if (typeof stack !== 'string') return;
  const head = `${err.name}: ${err.message}`;
  const line = `\n    request: ${method ?? 'GET'} ${redactUrl(url)}`;
  err.stack = stack.startsWith(head)
    ? head + line + stack.slice(head.length)
    : redactText(stack) + line;
}

function define<T extends typeof RequestException>(
  cls: T,
  name: string,
  code: string,
  also: Function[] = [],
): T {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  Object.defineProperty(cls.prototype, 'code', { value: code, writable: true, configurable: true });
  brand(cls, name, also as any);
  return cls;
}

/** An HTTP error status (raised by `raiseForStatus()`). */
export class HTTPError extends RequestException {}
define(HTTPError, 'HTTPError', 'ERR_HTTP_STATUS');

/** A connection error: refused, reset, DNS failure. */
export class ConnectionError extends RequestException {}
define(ConnectionError, 'ConnectionError', 'ERR_CONNECTION');

/** A proxy error. */
export class ProxyError extends ConnectionError {}
define(ProxyError, 'ProxyError', 'ERR_PROXY');

/** An SSL/TLS error. */
export class SSLError extends ConnectionError {}
define(SSLError, 'SSLError', 'ERR_SSL');

/** The request timed out. Catching this catches connect, read and pool timeouts. */
export class Timeout extends RequestException {}
define(Timeout, 'Timeout', 'ERR_TIMEOUT');

/** The connection could not be made in time. Safe to retry: the server never saw the request. */
export class ConnectTimeout extends ConnectionError {}
define(ConnectTimeout, 'ConnectTimeout', 'ERR_CONNECT_TIMEOUT', [Timeout]);

/** The server did not send any data in the allotted time. */
export class ReadTimeout extends Timeout {}
define(ReadTimeout, 'ReadTimeout', 'ERR_READ_TIMEOUT');

/** Ours: no connection of the pool became free within `timeout.pool`. */
export class PoolTimeout extends Timeout {}
define(PoolTimeout, 'PoolTimeout', 'ERR_POOL_TIMEOUT');

/** Ours: the whole call went past `timeout.total`. */
export class TotalTimeout extends Timeout {}
define(TotalTimeout, 'TotalTimeout', 'ERR_TOTAL_TIMEOUT');

/** A valid URL is required to make a request. */
export class URLRequired extends RequestException {}
define(URLRequired, 'URLRequired', 'ERR_URL_REQUIRED');

/** Too many redirects. */
export class TooManyRedirects extends RequestException {}
define(TooManyRedirects, 'TooManyRedirects', 'ERR_TOO_MANY_REDIRECTS');

/** The URL scheme (e.g. http or https) is missing. */
export class MissingSchema extends RequestException {}
define(MissingSchema, 'MissingSchema', 'ERR_MISSING_SCHEMA');

/** The URL scheme provided is either invalid or unsupported. */
export class InvalidSchema extends RequestException {}
define(InvalidSchema, 'InvalidSchema', 'ERR_INVALID_SCHEMA');

/** The URL provided was somehow invalid. */
export class InvalidURL extends RequestException {}
define(InvalidURL, 'InvalidURL', 'ERR_INVALID_URL');

/** The header value provided was somehow invalid. */
export class InvalidHeader extends RequestException {}
define(InvalidHeader, 'InvalidHeader', 'ERR_INVALID_HEADER');

/** The proxy URL provided is invalid. */
export class InvalidProxyURL extends InvalidURL {}
define(InvalidProxyURL, 'InvalidProxyURL', 'ERR_INVALID_PROXY_URL');

/** The server declared chunked encoding but sent an invalid chunk, or the body was cut short. */
export class ChunkedEncodingError extends RequestException {}
define(ChunkedEncodingError, 'ChunkedEncodingError', 'ERR_CHUNKED_ENCODING');

/** Failed to decode the response content. */
export class ContentDecodingError extends RequestException {}
define(ContentDecodingError, 'ContentDecodingError', 'ERR_CONTENT_DECODING');

/** The content for this response was already consumed. */
export class StreamConsumedError extends RequestException {}
define(StreamConsumedError, 'StreamConsumedError', 'ERR_STREAM_CONSUMED');

/** Custom retries logic failed (the retries ran out on error responses). */
export class RetryError extends RequestException {}
define(RetryError, 'RetryError', 'ERR_RETRY');

/** Requests encountered an error when trying to rewind a body. */
export class UnrewindableBodyError extends RequestException {}
define(UnrewindableBodyError, 'UnrewindableBodyError', 'ERR_UNREWINDABLE_BODY');

/** A JSON error occurred (e.g. a body that cannot be serialised). */
export class InvalidJSONError extends RequestException {}
define(InvalidJSONError, 'InvalidJSONError', 'ERR_INVALID_JSON');

/** Where JSON parsing stopped, as Python's `json.JSONDecodeError` tells it. */
interface JsonErrorPosition {
  msg: string;
  doc: string;
  pos: number;
  lineno: number;
  colno: number;
}

/**
 * Couldn't decode the text into json. Like Python's, it carries `msg`, `doc`, `pos`, `lineno`
 * and `colno` when the parser gave them (as its `cause`).
 */
export class JSONDecodeError extends InvalidJSONError {
  readonly msg: string;
  readonly doc: string;
  readonly pos: number;
  readonly lineno: number;
  readonly colno: number;
  constructor(message = '', options: RequestExceptionOptions = {}) {
    super(message, options);
    const at = options.cause as Partial<JsonErrorPosition> | undefined;
    this.msg = typeof at?.msg === 'string' ? at.msg : message;
    this.doc = typeof at?.doc === 'string' ? at.doc : '';
    this.pos = at?.pos ?? 0;
    this.lineno = at?.lineno ?? 1;
    this.colno = at?.colno ?? 1;
  }
}
define(JSONDecodeError, 'JSONDecodeError', 'ERR_JSON_DECODE');
