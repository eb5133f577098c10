/**
 * The one table from undici and Node errors to pool errors, keyed by `err.code` (never by
 * `instanceof`: Node's bundled undici throws other classes than the undici package). Used while
 * a request is sent and while its body streams, through {@link asPoolError}.
 */
import {
  ConnectTimeoutError,
  IncompleteRead,
  LocationParseError,
  NewConnectionError,
  PoolBaseError,
  PoolInvalidHeader,
  PoolProxyError,
  PoolSSLError,
  ProtocolError,
  ReadTimeoutError,
} from '../_internal/pool-errors.js';

/** Where a call was when it failed, and what the messages need. */
export interface ErrorContext {
  /** The absolute URL, without credentials. */
  readonly url: string;
  /** urllib3's pool description: `HTTPConnectionPool(host='h', port=80)`. */
  readonly poolName: string;
  readonly host: string;
  /** `connect` until the request was handed to an open socket, `body` once headers arrived. */
  readonly phase: 'connect' | 'request' | 'body';
  readonly connectTimeout: number | null;
  readonly readTimeout: number | null;
  /** Body bytes received so far, and the Content-Length when there was one. */
  readonly received: number;
  readonly expected: number | null;
  /** The reason this call was aborted with (signal, total timeout, close), if it was. */
  readonly abortReason: unknown;
}

interface CodedError extends Error {
  code?: unknown;
}

type Translate = (err: CodedError, ctx: ErrorContext) => Error;

function ms(value: number | null): string {
  return value === null ? 'none' : `${value} ms`;
}

const connectTimeout: Translate = (err, ctx) =>
  new ConnectTimeoutError(
    `${ctx.poolName}: Connection to ${ctx.host} timed out. (connect timeout=${ms(ctx.connectTimeout)})`,
    { cause: err },
  );

const newConnection: Translate = (err, ctx) =>
  new NewConnectionError(`${ctx.poolName}: Failed to establish a new connection: ${err.message}`, {
    cause: err,
  });

const nameResolution: Translate = (err, ctx) =>
  new NewConnectionError(`${ctx.poolName}: Failed to resolve '${ctx.host}' (${err.message})`, {
    cause: err,
  });

const readTimeout: Translate = (err, ctx) =>
  new ReadTimeoutError(
    ctx.url,
    `${ctx.poolName}: Read timed out. (read timeout=${ms(ctx.readTimeout)})`,
    { cause: err },
  );

// http.client's words for a peer that closes before a whole response head (requests raises
// ConnectionError(ProtocolError('Connection aborted.', RemoteDisconnected(...)))). http.client
// would take a head cut off by the close as complete; llhttp does not hand one out.
const REMOTE_DISCONNECTED = "RemoteDisconnected('Remote end closed connection without response')";

/** The connection broke: before the response it was "aborted", during the body "broken". */
const broken: Translate = (err, ctx) => {
  if (ctx.phase !== 'body') {
    const what = err.code === 'UND_ERR_SOCKET' ? REMOTE_DISCONNECTED : describeClose(err);
    return new ProtocolError(`Connection aborted: ${what}`, { cause: err });
  }
  if (ctx.expected !== null && ctx.received < ctx.expected) return incompleteRead(err, ctx);
  return new ProtocolError(`Connection broken: ${describeClose(err)}`, { cause: err });
};

function describeClose(err: CodedError): string {
  if (err.code === 'UND_ERR_SOCKET' || err.code === 'UND_ERR_CLOSED') {
    return `the server closed the connection (${err.message})`;
  }
  return err.message;
}

const incompleteRead: Translate = (err, ctx) => {
  const more = ctx.expected === null ? '' : `, ${ctx.expected - ctx.received} more expected`;
  return new IncompleteRead(
    `Connection broken: IncompleteRead(${ctx.received} bytes read${more})`,
    {
      cause: err,
    },
  );
};

/** A malformed response (llhttp's HPE_* codes): bad status line, bad chunk, early EOF. */
const badResponse: Translate = (err, ctx) => {
  if (ctx.phase === 'body' && ctx.expected !== null && ctx.received < ctx.expected) {
    return incompleteRead(err, ctx);
  }
  const what = ctx.phase === 'body' ? 'Connection broken' : 'Connection aborted';
  return new ProtocolError(`${what}: invalid response from the server (${err.message})`, {
    cause: err,
  });
};

const contentLengthMismatch: Translate = (err, ctx) =>
  ctx.expected !== null && ctx.received < ctx.expected
    ? incompleteRead(err, ctx)
    : new ProtocolError(
        `Connection broken: the body did not match its Content-Length (${err.message})`,
        { cause: err },
      );

/** undici's `invalid NAME header` names the header whose value it refused; `invalid header key` none. */
const REFUSED_VALUE = /^invalid (.+) header$/;

const badArgument: Translate = (err, ctx) => {
  if (!/header/i.test(err.message)) {
    return new LocationParseError(`Failed to send to '${ctx.url}': ${err.message}`, { cause: err });
  }
  // Our words, not undici's: say which rule was broken and, when known, by which header.
  const name = REFUSED_VALUE.exec(err.message)?.[1];
  const what =
    name === undefined || name === 'key'
      ? "a header name is not an HTTP token (letters, digits, !#$%&'*+-.^_`|~; no spaces, NUL or non-ASCII)"
      : `the value of header ${JSON.stringify(name)} holds CR, LF, NUL or another control character`;
  return new PoolInvalidHeader(`Invalid header for '${ctx.url}': ${what}`, { cause: err });
};

const requestLengthMismatch: Translate = (err) =>
  new ProtocolError(
    'Connection aborted: the request body did not match its Content-Length header; fix or drop the header.',
    { cause: err },
  );

function ssl(what: string): Translate {
  return (err) => new PoolSSLError(`${what} (${err.message})`, { cause: err });
}

const UNTRUSTED = ssl("certificate verify failed: the server's certificate is not trusted");
const EXPIRED = ssl("certificate verify failed: the server's certificate has expired");
const NOT_YET_VALID = ssl("certificate verify failed: the server's certificate is not yet valid");
const REVOKED = ssl("certificate verify failed: the server's certificate was revoked");
const PLAIN_PORT = ssl(
  'TLS handshake failed: the server did not answer in TLS; is it a plain http:// port?',
);
const HANDSHAKE = ssl('TLS handshake failed');
const CLIENT_CERT = ssl('could not load the client certificate or key');

const hostMismatch: Translate = (err, ctx) =>
  new PoolSSLError(
    `certificate verify failed: Hostname mismatch, certificate is not valid for '${ctx.host}' (${err.message})`,
    { cause: err },
  );

/** TLS failures whose code is generic (EPROTO): decided by OpenSSL's text. */
const tlsProtocol: Translate = (err, ctx) => {
  if (/wrong version number|packet length too long|http request/i.test(err.message)) {
    return PLAIN_PORT(err, ctx);
  }
  if (/SSL|TLS/.test(err.message)) return HANDSHAKE(err, ctx);
  return broken(err, ctx);
};

const TABLE: Readonly<Record<string, Translate>> = {
  UND_ERR_CONNECT_TIMEOUT: connectTimeout,
  ERR_TLS_HANDSHAKE_TIMEOUT: connectTimeout,
  ETIMEDOUT: (err, ctx) => (ctx.phase === 'connect' ? connectTimeout : broken)(err, ctx),
  ECONNREFUSED: newConnection,
  EHOSTUNREACH: newConnection,
  ENETUNREACH: newConnection,
  EHOSTDOWN: newConnection,
  ENETDOWN: newConnection,
  EADDRNOTAVAIL: newConnection,
  EADDRINUSE: newConnection,
  // A Unix socket that is missing, not a socket, not ours to open, or whose queue is full.
  ENOENT: newConnection,
  ENOTSOCK: newConnection,
  EACCES: newConnection,
  EPERM: newConnection,
  EAGAIN: newConnection,
  ENAMETOOLONG: newConnection,
  ENOTFOUND: nameResolution,
  EAI_AGAIN: nameResolution,
  EAI_FAIL: nameResolution,
  EAI_NONAME: nameResolution,
  EAI_NODATA: nameResolution,
  UND_ERR_HEADERS_TIMEOUT: readTimeout,
  UND_ERR_BODY_TIMEOUT: readTimeout,
  UND_ERR_SOCKET: broken,
  UND_ERR_CLOSED: broken,
  UND_ERR_DESTROYED: broken,
  UND_ERR_INFO: broken,
  // HTTP/2 (pool/h2-session.ts): a stream or session that broke, as a socket that closed.
  ERR_HTTP2_STREAM_ERROR: broken,
  ERR_HTTP2_SESSION_ERROR: broken,
  ERR_HTTP2_STREAM_CANCEL: broken,
  ERR_HTTP2_GOAWAY_SESSION: broken,
  ERR_HTTP2_INVALID_SESSION: broken,
  ERR_HTTP2_INVALID_HEADER_VALUE: badArgument,
  ERR_HTTP2_INVALID_CONNECTION_HEADERS: badArgument,
  ERR_INVALID_CHAR: badArgument,
  ERR_INVALID_HTTP_TOKEN: badArgument,
  ECONNRESET: broken,
  EPIPE: broken,
  ECONNABORTED: broken,
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: contentLengthMismatch,
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: requestLengthMismatch,
  UND_ERR_HEADERS_OVERFLOW: (err) =>
    new ProtocolError(`Connection aborted: the response headers are too large (${err.message})`, {
      cause: err,
    }),
  UND_ERR_INVALID_ARG: badArgument,
  UND_ERR_NOT_SUPPORTED: badArgument,
  ERR_INVALID_URL: badArgument,
  ERR_INVALID_ARG_TYPE: badArgument,
  ERR_INVALID_ARG_VALUE: badArgument,
  UND_ERR_PRX_TLS: (err) =>
    new PoolProxyError(`Unable to connect to proxy: ${err.message}`, { cause: err }),
  ERR_TLS_CERT_ALTNAME_INVALID: hostMismatch,
  CERT_HAS_EXPIRED: EXPIRED,
  CRL_HAS_EXPIRED: EXPIRED,
  CERT_NOT_YET_VALID: NOT_YET_VALID,
  CERT_REVOKED: REVOKED,
  DEPTH_ZERO_SELF_SIGNED_CERT: UNTRUSTED,
  SELF_SIGNED_CERT_IN_CHAIN: UNTRUSTED,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED,
  UNABLE_TO_GET_ISSUER_CERT: UNTRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED,
  CERT_UNTRUSTED: UNTRUSTED,
  CERT_REJECTED: UNTRUSTED,
  CERT_SIGNATURE_FAILURE: UNTRUSTED,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: UNTRUSTED,
  INVALID_CA: UNTRUSTED,
  INVALID_PURPOSE: UNTRUSTED,
  PATH_LENGTH_EXCEEDED: UNTRUSTED,
  CERT_CHAIN_TOO_LONG: UNTRUSTED,
  ERR_SSL_WRONG_VERSION_NUMBER: PLAIN_PORT,
  ERR_SSL_PACKET_LENGTH_TOO_LONG: PLAIN_PORT,
  ERR_SSL_HTTP_REQUEST: PLAIN_PORT,
  EPROTO: tlsProtocol,
};

/** Codes decided by their prefix when the table has no exact entry. */
function byPrefix(code: string): Translate | undefined {
  if (code.startsWith('HPE_')) return badResponse;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return HANDSHAKE;
  if (code.startsWith('ERR_OSSL_')) return CLIENT_CERT;
  return undefined;
}

/**
 * Turns an undici or Node error into a pool error, keeping it as `cause`. The reason the call was
 * aborted with is returned as it is; an unknown error becomes a ProtocolError.
 */
export function toPoolError(err: unknown, ctx: ErrorContext): unknown {
  if (ctx.abortReason !== undefined) return ctx.abortReason;
  if (!(err instanceof Error)) {
    return new ProtocolError(`Connection aborted: ${String(err)}`, { cause: err });
  }
  const code = (err as CodedError).code;
  const translate = typeof code === 'string' ? (TABLE[code] ?? byPrefix(code)) : undefined;
  if (translate !== undefined) return translate(err, ctx);
  // undici 7 leaves llhttp errors without a code (it looks the name up by number); the name stays.
  if (err.name === 'HTTPParserError') return badResponse(err, ctx);
  return new ProtocolError(
    `${ctx.phase === 'body' ? 'Connection broken' : 'Connection aborted'}: ${err.message}`,
    { cause: err },
  );
}

/**
 * The guard every pool path uses: pool errors and the abort reason pass through, anything else
 * goes through the table.
 */
export function asPoolError(err: unknown, ctx: ErrorContext): unknown {
  if (err instanceof PoolBaseError || (ctx.abortReason !== undefined && err === ctx.abortReason)) {
    return err;
  }
  return toPoolError(err, ctx);
}
