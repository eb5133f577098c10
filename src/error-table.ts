/**
 * The one table that turns pool errors into requests' exceptions (requests' `adapters.py` `send`
 * and `models.py` `iter_content`). HTTPAdapter.send uses it for everything up to the headers;
 * Response uses it, with `streaming: true`, while the body is read.
 */

import { brand } from './_internal/brand.js';
import {
  ClosedPoolError,
  ConnectTimeoutError,
  DecodeError,
  EmptyPoolError,
  LocationParseError,
  MaxRetryError,
  NewConnectionError,
  PoolBaseError,
  PoolInvalidHeader,
  PoolProxyError,
  PoolSSLError,
  PoolUnrewindableBodyError,
  ProtocolError,
  ProxySchemeUnknown,
  ReadTimeoutError,
  ResponseError,
  TotalTimeoutError,
} from './_internal/pool-errors.js';
import {
  ChunkedEncodingError,
  ConnectionError,
  ConnectTimeout,
  ContentDecodingError,
  InvalidHeader,
  InvalidProxyURL,
  InvalidURL,
  PoolTimeout,
  ProxyError,
  ReadTimeout,
  RequestException,
  RetryError,
  SSLError,
  TotalTimeout,
  UnrewindableBodyError,
} from './errors.js';
import type { PreparedRequest } from './models/prepared-request.js';
import type { Response } from './models/response.js';

export interface TranslateContext {
  request?: PreparedRequest | null | undefined;
  response?: Response | null | undefined;
  /** True while a response body is read: broken framing is then a ChunkedEncodingError. */
  streaming?: boolean | undefined;
}

/**
 * A read timeout where requests raises ConnectionError (a stall while the body is read; a read
 * timeout after the retries ran out): a ReadTimeout and a Timeout, and a ConnectionError too, so
 * both `catch` idioms see it (shared/API.md, Errors). Its name and code stay ReadTimeout's.
 */
class ReadTimeoutConnectionError extends ReadTimeout {}
brand(ReadTimeoutConnectionError, 'ReadTimeoutConnectionError', [ConnectionError]);
Object.defineProperty(ReadTimeoutConnectionError, 'name', { value: 'ReadTimeout' });

type ExceptionClass = new (
  message: string,
  options: { request?: PreparedRequest | null; response?: Response | null; cause?: unknown },
) => RequestException;

/** Pool error class -> requests exception class, most specific first. */
const DIRECT: ReadonlyArray<readonly [Function, ExceptionClass]> = [
  [ConnectTimeoutError, ConnectTimeout],
  [ReadTimeoutError, ReadTimeout],
  [TotalTimeoutError, TotalTimeout],
  [EmptyPoolError, PoolTimeout],
  [PoolSSLError, SSLError],
  [PoolProxyError, ProxyError],
  [ProxySchemeUnknown, InvalidProxyURL],
  [PoolInvalidHeader, InvalidHeader],
  [LocationParseError, InvalidURL],
  [DecodeError, ContentDecodingError],
  [PoolUnrewindableBodyError, UnrewindableBodyError],
  [NewConnectionError, ConnectionError],
  [ClosedPoolError, ConnectionError],
];

/** What the last cause of a MaxRetryError becomes, as requests' `send` decides. */
const BY_RETRY_REASON: ReadonlyArray<readonly [Function, ExceptionClass]> = [
  [ConnectTimeoutError, ConnectTimeout],
  [ReadTimeoutError, ReadTimeoutConnectionError],
  [ResponseError, RetryError],
  [PoolProxyError, ProxyError],
  [PoolSSLError, SSLError],
  [PoolUnrewindableBodyError, UnrewindableBodyError],
];

function lookup(table: typeof DIRECT, err: object): ExceptionClass | undefined {
  for (const [from, to] of table) if (err instanceof from) return to;
  return undefined;
}

/**
 * Turns any error raised below the adapter into requests' exception. Requests' own exceptions
 * and an AbortSignal's reason pass through unchanged.
 */
export function translatePoolError(err: unknown, ctx: TranslateContext = {}): Error {
  if (err instanceof RequestException) return err;
  const options = { request: ctx.request ?? null, response: ctx.response ?? null, cause: err };
  if (err instanceof MaxRetryError) {
    const cls = (err.reason && lookup(BY_RETRY_REASON, err.reason)) || ConnectionError;
    return new cls(err.message, options);
  }
  if (!(err instanceof PoolBaseError)) {
    // Anything else is either the caller's own error (a signal's reason, a hook's throw) or a bug.
    return err instanceof Error ? err : new ConnectionError(String(err), options);
  }
  if (ctx.streaming && err instanceof ReadTimeoutError) {
    return new ReadTimeoutConnectionError(err.message, options);
  }
  const cls = lookup(DIRECT, err);
  if (cls) return new cls(err.message, options);
  if (err instanceof ProtocolError) {
    // The pool's messages mostly say "Connection broken/aborted: ..." already.
    const prefixed = (prefix: string) =>
      err.message.startsWith('Connection ') ? err.message : `${prefix}: ${err.message}`;
    return ctx.streaming
      ? new ChunkedEncodingError(prefixed('Connection broken'), options)
      : new ConnectionError(prefixed('Connection aborted'), options);
  }
  return new ConnectionError(err.message, options);
}
