/**
 * The pool layer's errors: our urllib3's `exceptions.py`. They know nothing of requests' classes;
 * HTTPAdapter translates them, in one table, into requests' exceptions.
 */
import { hidden, redactText, redactUrl } from './redact.js';

/** Base of every pool-layer error (urllib3's `HTTPError`). */
export class PoolBaseError extends Error {
  override name = 'PoolBaseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(redactText(message), options);
  }
}

/** Errors tied to one URL (urllib3's `RequestError`). */
export class PoolRequestError extends PoolBaseError {
  override name = 'PoolRequestError';
  // Not enumerable: the URL may hold a password, and a printed error must not show it.
  declare readonly url: string;
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    hidden(this, 'url', url);
  }
}

/** A connection could not be opened: refused, unreachable, DNS failure (NewConnectionError). */
export class NewConnectionError extends PoolBaseError {
  override name = 'NewConnectionError';
}

/** The connection was not established within the connect timeout. */
export class ConnectTimeoutError extends PoolBaseError {
  override name = 'ConnectTimeoutError';
}

/** No byte came within the read timeout (headers or body). */
export class ReadTimeoutError extends PoolRequestError {
  override name = 'ReadTimeoutError';
}

/** The whole call went past `timeout.total`. */
export class TotalTimeoutError extends PoolRequestError {
  override name = 'TotalTimeoutError';
}

/** No free connection within `timeout.pool` while the pool blocks (urllib3's EmptyPoolError). */
export class EmptyPoolError extends PoolBaseError {
  override name = 'EmptyPoolError';
}

/** The pool was closed while the request waited for it. */
export class ClosedPoolError extends PoolBaseError {
  override name = 'ClosedPoolError';
}

/** The connection broke mid-request or mid-response (reset, closed early, bad framing). */
export class ProtocolError extends PoolBaseError {
  override name = 'ProtocolError';
}

/** The body ended before its announced length, or a chunk was malformed. */
export class IncompleteRead extends ProtocolError {
  override name = 'IncompleteRead';
}

/** TLS failed: untrusted, expired, wrong host name, handshake failure. */
export class PoolSSLError extends PoolBaseError {
  override name = 'SSLError';
}

/** The proxy failed or refused the tunnel. */
export class PoolProxyError extends PoolBaseError {
  override name = 'ProxyError';
}

/** A proxy URL that cannot be used (unknown scheme, no host). */
export class ProxySchemeUnknown extends PoolBaseError {
  override name = 'ProxySchemeUnknown';
}

/** A URL that cannot be parsed or used (urllib3's LocationParseError). */
export class LocationParseError extends PoolBaseError {
  override name = 'LocationParseError';
}

/** The body could not be decoded with its Content-Encoding, or it grew past the size limit. */
export class DecodeError extends PoolBaseError {
  override name = 'DecodeError';
}

/** A header the pool cannot use, e.g. a Retry-After that is neither seconds nor a date (urllib3's InvalidHeader). */
export class PoolInvalidHeader extends PoolBaseError {
  override name = 'InvalidHeader';
}

/** Too many error responses: the reason a status retry ran out (urllib3's ResponseError). */
export class ResponseError extends PoolBaseError {
  override name = 'ResponseError';
  static readonly GENERIC_ERROR = 'too many error responses';
  static readonly SPECIFIC_ERROR = 'too many {status_code} error responses';
}

/** A body that cannot be sent a second time was about to be resent. */
export class PoolUnrewindableBodyError extends PoolBaseError {
  override name = 'UnrewindableBodyError';
}

/** The retries ran out; `reason` is the error that caused the last try. */
export class MaxRetryError extends PoolRequestError {
  override name = 'MaxRetryError';
  // Not enumerable: printing the error must not print the whole pool (or its proxy headers).
  declare readonly reason: Error | null;
  declare readonly pool: unknown;
  constructor(pool: unknown, url: string, reason: Error | null = null) {
    const cause = reason ? `${reason.name}(${JSON.stringify(reason.message)})` : 'None';
    // "HTTPConnectionPool(host='h', port=1): " as urllib3 starts it, when the pool can say so.
    const where = describesItself(pool) ? `${String(pool)}: ` : '';
    super(url, `${where}Max retries exceeded with url: ${redactUrl(url)} (Caused by ${cause})`, {
      cause: reason ?? undefined,
    });
    hidden(this, 'reason', reason);
    hidden(this, 'pool', pool);
  }
}

function describesItself(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as object).toString !== Object.prototype.toString
  );
}
