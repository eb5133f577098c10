/**
 * HTTP/2 on one pooled connection (node:http2 over the socket our connector opened, so TLS,
 * tunnels and SOCKS are the same as for HTTP/1.1): a session that carries many requests at once,
 * up to min(the server's SETTINGS_MAX_CONCURRENT_STREAMS, ours), and one stream per request that
 * drives the pool's Exchange through the same handler calls undici makes on HTTP/1.1.
 *
 * A GOAWAY stops new streams on the session; the streams above its last-stream-id, and streams the
 * server refused (REFUSED_STREAM), were not processed (RFC 9113 §8.7): they fail with an error
 * {@link isUnprocessed} recognises, and the Retry loop sends them again whatever the method.
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { NewConnectionError, ProtocolError } from '../_internal/pool-errors.js';
import { headerRecord } from './exchange.js';
import type { PoolBody, RawHeaders } from './types.js';

const { NGHTTP2_REFUSED_STREAM, NGHTTP2_CANCEL } = http2.constants;

/** The calls a stream makes on its request's Exchange (undici's handler calls, plus the h2 head). */
export interface StreamHandler {
  onConnect(abort: (err?: Error) => void): void;
  onBodySent(chunk: unknown): void;
  onRequestSent(): void;
  /** The final response head, headers already as a record. */
  onResponseHead(status: number, headers: RawHeaders, resume: () => void): void;
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(err: unknown): void;
}

/** What a session tells its connection. */
export interface SessionOwner {
  readonly poolName: string;
  /** The server sent GOAWAY: no new streams here. */
  sessionDraining(): void;
  /** The session is closed (GOAWAY done, error, or destroyed). */
  sessionClosed(): void;
}

/** The request of one stream. */
export interface StreamRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string> | null | undefined;
  readonly body: PoolBody;
  /**
   * With `Expect: 100-continue` in the headers: how long to wait for 100 before the body goes
   * anyway, ms (`null`: as long as the server takes); undefined drops an Expect header.
   */
  readonly expectWait?: number | null | undefined;
}

const unprocessed = new WeakSet<Error>();

/** The request failed before the server processed it (GOAWAY above last-stream-id, REFUSED_STREAM). */
export function isUnprocessed(err: unknown): boolean {
  return err instanceof Error && unprocessed.has(err);
}

function unprocessedError(poolName: string, why: string, cause?: unknown): Error {
  const err = new NewConnectionError(
    `${poolName}: The server did not process the request (HTTP/2 ${why}); it may be sent again.`,
    { cause },
  );
  unprocessed.add(err);
  return err;
}

/** Request headers no HTTP/2 request may carry (RFC 9113 §8.2.2); Host becomes :authority. */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

/** One HTTP/2 session on an open socket. */
export class H2Session {
  readonly session: ClientHttp2Session;
  /** Streams this session may carry at once: min(ours, the server's). */
  maxStreams: number;
  /** The server's GOAWAY came: no new streams. */
  draining = false;
  /** The last stream id the server may have processed, once a GOAWAY came. */
  goawayLast = -1;
  /** Streams open now. */
  open = 0;
  readonly #owner: SessionOwner;
  readonly #authority: string;
  readonly #scheme: string;

  /**
   * @param onReady called once the server's first SETTINGS arrived (or the session failed first),
   *   so that its stream limit is known before streams are opened.
   */
  constructor(
    owner: SessionOwner,
    socket: Socket,
    origin: string,
    authority: string,
    ourMax: number,
    onReady: () => void,
  ) {
    this.#owner = owner;
    this.#authority = authority;
    this.#scheme = origin.startsWith('https:') ? 'https' : 'http';
    this.maxStreams = ourMax;
    let ready = false;
    const settle = (): void => {
      if (ready) return;
      ready = true;
      // Held open until now (a call waits on it); idle, it keeps no process alive.
      if (this.open === 0 && !this.session.destroyed) this.session.unref();
      onReady();
    };
    const session = http2.connect(origin, {
      createConnection: () => socket,
      peerMaxConcurrentStreams: ourMax,
      settings: { enablePush: false },
    });
    this.session = session;
    session.on('remoteSettings', (settings) => {
      const theirs = settings.maxConcurrentStreams;
      this.maxStreams = theirs === undefined ? ourMax : Math.max(1, Math.min(ourMax, theirs));
      settle();
    });
    session.on('goaway', (_code: number, lastStreamID: number) => {
      this.goawayLast = lastStreamID;
      this.#drain();
    });
    session.on('error', noop); // its streams fail with it; the session closes
    session.on('close', () => {
      this.#drain();
      settle();
      owner.sessionClosed();
    });
  }

  #drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.#owner.sessionDraining();
  }

  /** Opens a stream for `request`, driving `handler`; failures reach the handler. */
  request(request: StreamRequest, handler: StreamHandler): void {
    const session = this.session;
    if (this.draining || session.closed || session.destroyed) {
      handler.onError(unprocessedError(this.#owner.poolName, 'connection closing (GOAWAY)'));
      return;
    }
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(this.#headersOf(request), {
        endStream: request.body === null,
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION') {
        handler.onError(unprocessedError(this.#owner.poolName, 'connection closing', err));
      } else handler.onError(err);
      return;
    }
    if (this.open++ === 0) session.ref();
    new H2Stream(this, stream, handler, request.body, request.expectWait);
  }

  /** A stream closed. @internal */
  streamClosed(): void {
    if (--this.open === 0) this.session.unref();
  }

  /** Whether the server said it did not process stream `id`. @internal */
  refused(stream: ClientHttp2Stream): boolean {
    if (stream.rstCode === NGHTTP2_REFUSED_STREAM) return true;
    const id = stream.id;
    return this.goawayLast >= 0 && (id === undefined || id > this.goawayLast);
  }

  get poolName(): string {
    return this.#owner.poolName;
  }

  #headersOf(request: StreamRequest): http2.OutgoingHttpHeaders {
    const out: http2.OutgoingHttpHeaders = {
      ':method': request.method,
      ':scheme': this.#scheme,
      ':path': request.path,
    };
    let authority = this.#authority;
    const given = request.headers;
    if (given != null) {
      for (const name in given) {
        const lower = name.toLowerCase();
        const value = given[name]!;
        if (DROPPED.has(lower)) {
          if (lower === 'host') authority = value;
          else if (lower === 'expect' && request.expectWait !== undefined) out.expect = value;
          continue;
        }
        if (lower === 'te' && value.trim().toLowerCase() !== 'trailers') continue;
        const seen = out[lower];
        out[lower] = seen === undefined ? value : `${String(seen)}, ${value}`;
      }
    }
    if (request.method !== 'CONNECT') out[':authority'] = authority;
    return out;
  }

  /** Closes the session at once; open streams fail with `reason`. */
  destroy(reason?: unknown): void {
    if (!this.session.destroyed) this.session.destroy(reason as Error | undefined);
  }
}

/** One request and its response on a stream. */
class H2Stream {
  readonly #session: H2Session;
  readonly #stream: ClientHttp2Stream;
  readonly #handler: StreamHandler;
  #settled = false;
  #headed = false;
  /** Expect: 100-continue: the body waiting for 100 (or the wait's end), and the wait's timer. */
  #held: PoolBody = null;
  #wait: NodeJS.Timeout | null = null;

  constructor(
    session: H2Session,
    stream: ClientHttp2Stream,
    handler: StreamHandler,
    body: PoolBody,
    expectWait: number | null | undefined,
  ) {
    this.#session = session;
    this.#stream = stream;
    this.#handler = handler;
    stream.on('response', this.#onResponse);
    stream.on('data', this.#onData);
    stream.on('end', this.#onEnd);
    stream.on('error', this.#onError);
    stream.on('close', this.#onClose);
    handler.onConnect(this.#abort);
    if (body !== null && expectWait !== undefined) {
      // The body goes after 100 Continue or the wait; a final answer first means never.
      this.#held = body;
      stream.once('continue', this.#release);
      if (expectWait !== null) this.#wait = setTimeout(this.#release, expectWait);
      return;
    }
    this.#send(body);
  }

  readonly #release = (): void => {
    if (this.#wait !== null) clearTimeout(this.#wait);
    this.#wait = null;
    const body = this.#held;
    this.#held = null;
    if (body !== null && !this.#settled && !this.#headed) this.#send(body);
  };

  #send(body: PoolBody): void {
    const stream = this.#stream;
    const handler = this.#handler;
    if (body === null) handler.onRequestSent();
    else if (typeof body === 'string' || body instanceof Uint8Array) {
      stream.end(body, () => {
        if (!this.#settled) handler.onRequestSent();
      });
    } else void this.#pump(body);
  }

  async #pump(body: Readable | AsyncIterable<Uint8Array>): Promise<void> {
    const stream = this.#stream;
    try {
      for await (const chunk of body) {
        if (this.#settled || stream.destroyed) return;
        const more = stream.write(chunk);
        this.#handler.onBodySent(chunk);
        if (!more) await drained(stream);
      }
      if (this.#settled) return;
      stream.end();
      this.#handler.onRequestSent();
    } catch (err) {
      this.#abort(err as Error);
    }
  }

  readonly #abort = (err?: Error): void => {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#wait !== null) clearTimeout(this.#wait);
    if (!this.#stream.destroyed) this.#stream.close(NGHTTP2_CANCEL);
    this.#handler.onError(err ?? new Error('The request was aborted.'));
  };

  readonly #onResponse = (
    head: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader,
  ): void => {
    if (this.#settled) return;
    const status = Number(head[':status']);
    const headers = headerRecord();
    for (const name in head) {
      if (name.charCodeAt(0) === 58 /* : */) continue;
      const value = head[name];
      if (value !== undefined) headers[name] = value;
    }
    this.#headed = true;
    if (this.#wait !== null) clearTimeout(this.#wait);
    this.#handler.onResponseHead(status, headers, this.#resume);
  };

  readonly #resume = (): void => {
    this.#stream.resume();
  };

  readonly #onData = (chunk: Buffer): void => {
    if (this.#settled) return;
    if (!this.#handler.onData(chunk)) this.#stream.pause();
  };

  readonly #onEnd = (): void => {
    if (this.#settled) return;
    this.#settled = true;
    if (!this.#headed) {
      this.#handler.onError(
        new ProtocolError('Connection aborted: the stream ended without a response.'),
      );
      return;
    }
    // A body still being sent is no longer wanted (RFC 9113 §8.1): the stream is closed now.
    if (!this.#stream.writableEnded) this.#stream.close(http2.constants.NGHTTP2_NO_ERROR);
    this.#handler.onComplete();
  };

  readonly #onError = (err: Error): void => {
    if (this.#settled) return;
    this.#settled = true;
    const session = this.#session;
    if (session.refused(this.#stream)) {
      const why = this.#stream.rstCode === NGHTTP2_REFUSED_STREAM ? 'REFUSED_STREAM' : 'GOAWAY';
      this.#handler.onError(unprocessedError(session.poolName, why, err));
      return;
    }
    this.#handler.onError(err);
  };

  readonly #onClose = (): void => {
    this.#session.streamClosed();
    if (this.#settled) return;
    const stream = this.#stream;
    const code = stream.rstCode ?? 0;
    this.#onError(
      Object.assign(new Error(`HTTP/2 stream closed with error code ${code}`), {
        code: 'ERR_HTTP2_STREAM_ERROR',
      }),
    );
  };
}

function drained(stream: ClientHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function noop(): void {}
