/**
 * The contract between the pool layer (our urllib3) and the layers above it. Nothing here knows
 * requests' models: bodies are bytes, strings or streams; headers are plain records.
 */
import type { Readable } from 'node:stream';
import type { buildConnector } from 'undici';
import type { Retry } from '../retry.js';
import type { TimeoutConfig } from '../timeout.js';
import type { CallContext } from './call-context.js';
import type { Timings } from './timings.js';

/** A request body as the pool sends it. Strings are sent as UTF-8. */
export type PoolBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array> | null;

/** Everything `ConnectionPool.urlopen` / `PoolManager.urlopen` takes besides method and URL. */
export interface UrlopenOptions {
  body?: PoolBody | undefined;
  /** Header names as the caller wrote them; values already validated. */
  headers?: Record<string, string> | undefined;
  timeout?: TimeoutConfig | undefined;
  /** urllib3's `retries`: a Retry, a count, or `false` (no retries, errors raised as they are). */
  retries?: Retry | number | false | null | undefined;
  /** Read the whole body before resolving (urllib3's `preload_content`). @default true */
  preloadContent?: boolean | undefined;
  /** Decode Content-Encoding. @default true */
  decodeContent?: boolean | undefined;
  /**
   * Gives the body again for a retry. Without it only bytes and strings are resent; a stream body
   * is never sent twice (PoolUnrewindableBodyError instead).
   */
  rewindBody?: (() => PoolBody) | undefined;
  /** Largest decoded body accepted, in bytes; past it the read fails with DecodeError. */
  maxResponseSize?: number | null | undefined;
  /**
   * With an `Expect: 100-continue` header and a body: how long to wait for `100 Continue` before
   * the body is sent anyway, in ms (curl's default); `null` waits as long as the server takes.
   * @default 1_000
   */
  expectContinueTimeout?: number | null | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The context of a call that started above the pool (pool/call-context.ts): its deadline and
   * signal then bound this urlopen, and `timeout.total` and `signal` here are not looked at.
   * @internal
   */
  context?: CallContext | undefined;
  /**
   * Called when a try's request, head and body, was written to its connection (each try): what
   * upload progress reports a body handed to undici whole by.
   * @internal
   */
  onRequestSent?: (() => void) | undefined;
}

/** The header map of a raw response: lower-cased names, repeated headers as arrays. */
export type RawHeaders = Record<string, string | string[] | undefined>;

/** A response from the pool (urllib3's `HTTPResponse`). Its body streams unless preloaded. */
export interface RawResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers: RawHeaders;
  /** The URL that was requested (absolute). */
  readonly url: string;
  /** The Retry state after this response (its `history`). */
  readonly retries: Retry | null;
  /** HTTP version, 11 or 20. */
  readonly version: number;
  /** The whole decoded body when it was preloaded, else null until `read()`. */
  readonly data: Uint8Array | null;
  /** Decoded body chunks, as they arrive; read-timeout and connection errors are pool errors. */
  stream(): AsyncIterable<Uint8Array>;
  /** Reads the rest of the body, decoded: empty bytes once it was all read (urllib3's `read()`). */
  read(): Promise<Uint8Array>;
  /** Reads and discards the rest so the connection goes back to the pool. */
  drain(): Promise<void>;
  /**
   * Where the time of the request went, in ms (pool/timings.ts); absent when the raw response
   * measures nothing (Response.timings then reports every phase null).
   */
  readonly timings?: Timings | undefined;
  /** Stops reading; the connection is closed rather than reused when the body was not finished. */
  close(): void;
  readonly closed: boolean;
  /**
   * Has `counter` told the decoded byte count as the body is handed on by `read()` and
   * `stream()` (`onDownloadProgress`). Optional: a raw response without it is counted by a
   * wrapper (adapters/progress.ts).
   */
  countBody?(counter: BodyCounter): void;
}

/** What `RawResponse.countBody` reports to (`onDownloadProgress` in HTTPAdapter). */
export interface BodyCounter {
  /** `transferred` decoded body bytes were handed on so far; `done` once, at the end of the body. */
  count(transferred: number, done: boolean): void;
}

/**
 * TLS settings of a pool; part of its pool key. `caId` / `certId` are short stable ids of the CA
 * and client-certificate sources (a path, a hash) so the key never holds the bytes.
 */
export interface TlsSettings {
  rejectUnauthorized: boolean;
  ca?: string | Buffer | (string | Buffer)[] | undefined;
  caId?: string | undefined;
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  passphrase?: string | undefined;
  certId?: string | undefined;
}

/** The proxy of a pool; part of its pool key. */
export interface ProxySettings {
  /** Normalised proxy URL, without credentials. */
  url: string;
  /** Headers for the proxy, e.g. Proxy-Authorization. */
  headers?: Record<string, string> | undefined;
}

/**
 * Builds the connector of new connections (undici's `buildConnector.connector`). The connect
 * timeout is the `timeout.connect` of the call that opens the connection (`null`: no limit).
 * A connector must fail with a Node/TLS error (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, ...) or a
 * pool error; never with undici's UND_ERR_SOCKET, which undici treats as "retry the connect".
 */
export type ConnectorFactory = (opts: {
  connectTimeout: number | null;
  /** Offer h2 through ALPN on the TLS connection to the origin (inside tunnels too). */
  http2?: boolean | undefined;
}) => buildConnector.connector;

/** Live counters of one ConnectionPool, named as undici's pool stats. */
export interface PoolStats {
  /** Connections with an open socket. */
  readonly connected: number;
  /** Open connections waiting in the pool, ready for reuse. */
  readonly free: number;
  /** Calls waiting for a connection (blocking pools). */
  readonly pending: number;
  /** Requests on the wire: sent and not yet fully answered. */
  readonly running: number;
  /** pending + running. */
  readonly size: number;
  /** HTTP/2 streams open now, over all of the pool's h2 connections (each also in `running`). */
  readonly streams: number;
}
