/**
 * requests' exception tree. `instanceof` works as Python's `except` does, multiple inheritance
 * included (`ConnectTimeout` is a `ConnectionError` and a `Timeout`) through brands.
 */
import { brand, stamp } from './_internal/brand.js';
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
  request: PreparedRequest | null;
  response: Response | null;
  constructor(message = '', options: RequestExceptionOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.response = options.response ?? null;
    this.request = options.request ?? this.response?.request ?? null;
    stamp(this);
  }
}
Object.defineProperty(RequestException.prototype, 'name', {
  value: 'RequestException',
  writable: true,
});
brand(RequestException, 'RequestException');

function define<T extends typeof RequestException>(cls: T, name: string, also: Function[] = []): T {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  brand(cls, name, also as any);
  return cls;
}

/** An HTTP error status (raised by `raiseForStatus()`). */
export class HTTPError extends RequestException {}
define(HTTPError, 'HTTPError');

/** A connection error: refused, reset, DNS failure. */
export class ConnectionError extends RequestException {}
define(ConnectionError, 'ConnectionError');

/** A proxy error. */
export class ProxyError extends ConnectionError {}
define(ProxyError, 'ProxyError');

/** An SSL/TLS error. */
export class SSLError extends ConnectionError {}
define(SSLError, 'SSLError');

/** The request timed out. Catching this catches connect, read and pool timeouts. */
export class Timeout extends RequestException {}
define(Timeout, 'Timeout');

/** The connection could not be made in time. Safe to retry: the server never saw the request. */
export class ConnectTimeout extends ConnectionError {}
define(ConnectTimeout, 'ConnectTimeout', [Timeout]);

/** The server did not send any data in the allotted time. */
export class ReadTimeout extends Timeout {}
define(ReadTimeout, 'ReadTimeout');

/** Ours: no connection of the pool became free within `timeout.pool`. */
export class PoolTimeout extends Timeout {}
define(PoolTimeout, 'PoolTimeout');

/** Ours: the whole call went past `timeout.total`. */
export class TotalTimeout extends Timeout {}
define(TotalTimeout, 'TotalTimeout');

/** A valid URL is required to make a request. */
export class URLRequired extends RequestException {}
define(URLRequired, 'URLRequired');

/** Too many redirects. */
export class TooManyRedirects extends RequestException {}
define(TooManyRedirects, 'TooManyRedirects');

/** The URL scheme (e.g. http or https) is missing. */
export class MissingSchema extends RequestException {}
define(MissingSchema, 'MissingSchema');

/** The URL scheme provided is either invalid or unsupported. */
export class InvalidSchema extends RequestException {}
define(InvalidSchema, 'InvalidSchema');

/** The URL provided was somehow invalid. */
export class InvalidURL extends RequestException {}
define(InvalidURL, 'InvalidURL');

/** The header value provided was somehow invalid. */
export class InvalidHeader extends RequestException {}
define(InvalidHeader, 'InvalidHeader');

/** The proxy URL provided is invalid. */
export class InvalidProxyURL extends InvalidURL {}
define(InvalidProxyURL, 'InvalidProxyURL');

/** The server declared chunked encoding but sent an invalid chunk, or the body was cut short. */
export class ChunkedEncodingError extends RequestException {}
define(ChunkedEncodingError, 'ChunkedEncodingError');

/** Failed to decode the response content. */
export class ContentDecodingError extends RequestException {}
define(ContentDecodingError, 'ContentDecodingError');

/** The content for this response was already consumed. */
export class StreamConsumedError extends RequestException {}
define(StreamConsumedError, 'StreamConsumedError');

/** Custom retries logic failed (the retries ran out on error responses). */
export class RetryError extends RequestException {}
define(RetryError, 'RetryError');

/** Requests encountered an error when trying to rewind a body. */
export class UnrewindableBodyError extends RequestException {}
define(UnrewindableBodyError, 'UnrewindableBodyError');

/** A JSON error occurred (e.g. a body that cannot be serialised). */
export class InvalidJSONError extends RequestException {}
define(InvalidJSONError, 'InvalidJSONError');

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
define(JSONDecodeError, 'JSONDecodeError');
