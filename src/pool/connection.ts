/**
 * One pooled connection: a single-connection undici Client (pipelining 1), so the pool decides,
 * as urllib3 does, which connection each request uses, how many stay open and which are closed.
 * With http2 offered, the connection opens its socket itself first: when ALPN chose h2 it carries
 * many requests at once over an {@link H2Session}; otherwise the socket goes to an undici Client.
 */
import type { Socket } from 'node:net';

import { Client, type Dispatcher } from 'undici';
import { H2Session, type SessionOwner, type StreamHandler } from './h2-session.js';
import { type ConnectMarks, connectMarks, now, takeSocketMarks, watchSocket } from './timings.js';
import type { ConnectorFactory, PoolBody } from './types.js';

/** What a connection tells its pool. */
export interface ConnectionOwner {
  readonly poolName: string;
  /** The socket opened. */
  connectionUp(conn: PooledConnection): void;
  /** The socket closed (the server closed it, an error, the keep-alive timer, or close()). */
  connectionDown(conn: PooledConnection): void;
  /** An h2 connection takes no new streams (GOAWAY). */
  connectionDraining?(conn: PooledConnection): void;
}

/** How an http2-offering connection opens: undici's connect options and our stream limit. */
export interface SharedConnect {
  readonly options: Parameters<ReturnType<ConnectorFactory>>[0];
  readonly authority: string;
  readonly maxStreams: number;
}

/** undici Client options shared by every connection of a pool; built once per pool. */
export type ClientOptions = Omit<Client.Options, 'connect'>;

let nextId = 0;

/**
 * Turns of the event loop, counted while first responses end. A server that closes after its
 * response without saying so (no `Connection: close`) sends its FIN with the body, yet Node hands
 * us the FIN in a later read callback, after the promise callbacks of the read that ended the
 * response: a request the caller sends at once on that connection would be written to a socket
 * the server has closed. So a connection's second request, when its first response ended in this
 * turn, is handed to undici in the next turn, when such a FIN has been seen: then undici opens a
 * new socket for it (urllib3 checks a pooled connection for a FIN before each reuse; undici waits
 * a turn before it reuses a socket for its own queue). A connection that carried a second
 * request has shown that its server keeps it open, and is not held again: the common path waits
 * on nothing.
 */
let turn = 0;
let counting = false;
/** Requests held for the next turn, three entries each: connection, options, handler. */
const held: unknown[] = [];

function nextTurn(): void {
  turn++;
  counting = false;
  const count = held.length;
  for (let i = 0; i < count; i += 3) {
    const handler = held[i + 2] as Dispatcher.DispatchHandler;
    try {
      (held[i] as PooledConnection).client!.dispatch(
        held[i + 1] as Dispatcher.DispatchOptions,
        handler,
      );
    } catch (err) {
      handler.onError?.(err as Error);
    }
  }
  // A dispatch above may hold a request for the turn after (its connection's response ended in
  // this one): it stays.
  held.splice(0, count);
}

/** A kept-alive connection to one origin, reused request after request. */
export class PooledConnection {
  /** Unique id, for logs and diagnostics. */
  readonly id = ++nextId;
  /** The undici Client of an HTTP/1.1 connection; null for h2 (and until ALPN chose). */
  client: Client | null = null;
  /** The HTTP/2 session once ALPN chose h2. */
  h2: H2Session | null = null;
  /** Requests the pool gave this connection that are not finished (h2: streams, reserved or open). */
  load = 0;
  /** An http2-offering connection whose protocol is not known yet: resolves once it is. */
  ready: Promise<void> | null = null;
  /** Its protocol is known (always, without http2). */
  known = true;
  /** An HTTP/1.1 outcome was claimed by one of the calls that waited for the protocol. */
  claimed = false;
  /** An idle h2 connection's keep-alive timer. */
  idleTimer: NodeJS.Timeout | null = null;
  /** Why opening an http2-offering connection failed: every call given it fails with this. */
  connectError: Error | null = null;
  /** A socket is open. */
  connected = false;
  /** It already carried a whole response, so a socket failure may be a stale keep-alive. */
  used = false;
  /** Waiting in the pool's free list. */
  idle = false;
  /** Closed for good (it never goes back to the pool). */
  closed = false;
  /** HTTP version of its responses: 11, or 20 once ALPN chose h2. */
  version = 11;
  /** Its socket once open (to tell a stalled upload from a slow body source). */
  socket: Socket | null = null;
  /** When its socket was opened, phase by phase (pool/timings.ts). */
  readonly marks: ConnectMarks = connectMarks();
  /** Requests handed to it so far: the first one reports the connect phases, later ones are reused. */
  requests = 0;
  /** The turn (see `turn`) in which the first HTTP/1.1 response on its socket ended. */
  #endedIn = -1;
  /** Responses ended on its socket (undici may open a new one for it). */
  #responses = 0;
  readonly #owner: ConnectionOwner;

  constructor(
    owner: ConnectionOwner,
    origin: string,
    options: ClientOptions,
    connect: ReturnType<ConnectorFactory>,
    shared: SharedConnect | null = null,
  ) {
    this.#owner = owner;
    if (shared === null) {
      this.#client(origin, options, this.#watch(connect));
      return;
    }
    this.known = false;
    const watched = this.#watch(connect);
    this.ready = new Promise((resolve) => {
      watched(shared.options, (err, socket) => {
        if (err !== null || this.closed) {
          this.connectError = err ?? new Error('The connection was closed.');
          socket?.destroy();
          this.known = true;
          return resolve();
        }
        this.socket = socket;
        if ((socket as { alpnProtocol?: string | false }).alpnProtocol !== 'h2') {
          // HTTP/1.1: the open socket goes to undici; a later reconnect opens a new one.
          let first: Socket | null = socket;
          this.#client(origin, options, (opts, callback) => {
            if (first === null) return watched(opts, callback);
            const given = first;
            first = null;
            process.nextTick(callback, null, given);
          });
          this.known = true;
          return resolve();
        }
        this.version = 20;
        this.h2 = new H2Session(
          this.#sessionOwner(),
          socket,
          origin,
          shared.authority,
          shared.maxStreams,
          () => {
            this.known = true;
            resolve();
          },
        );
        this.connected = true;
        this.#owner.connectionUp(this);
      });
    });
  }

  #client(origin: string, options: ClientOptions, connect: ReturnType<ConnectorFactory>): void {
    const client = new Client(origin, { ...options, connect });
    this.client = client;
    client.on('connect', this.#onConnect);
    client.on('disconnect', this.#onDisconnect);
    // Connect failures also reach the request that asked; this keeps them from being unhandled.
    client.on('connectionError', noop);
  }

  #sessionOwner(): SessionOwner {
    const owner = this.#owner;
    return {
      poolName: owner.poolName,
      sessionDraining: () => owner.connectionDraining?.(this),
      sessionClosed: this.#onDisconnect,
    };
  }

  /** An HTTP/2 connection that takes more streams. */
  get multiplexing(): boolean {
    return this.h2 !== null && !this.h2.draining && this.connected;
  }

  /** Sends one request on this connection (an h2 stream, or through the undici Client). */
  dispatch(
    options: Dispatcher.DispatchOptions,
    handler: StreamHandler & Dispatcher.DispatchHandler,
    expectWait?: number | null,
  ): void {
    const h2 = this.h2;
    if (h2 !== null) {
      h2.request(
        {
          method: options.method,
          path: options.path,
          headers: options.headers as Record<string, string> | null | undefined,
          body: (options.body ?? null) as PoolBody,
          expectWait,
        },
        handler,
      );
      return;
    }
    if (this.connectError !== null) {
      const err = this.connectError;
      process.nextTick(() => handler.onError(err));
      return;
    }
    if (this.#endedIn === turn) held.push(this, options, handler);
    else this.client!.dispatch(options, handler);
  }

  /** An HTTP/1.1 response on it ended and it is kept for another request. */
  responseEnded(): void {
    if (++this.#responses !== 1) return; // its server kept this socket open before
    this.#endedIn = turn;
    if (!counting) {
      counting = true;
      setImmediate(nextTurn);
    }
  }

  /**
   * Keeps the socket, the protocol ALPN chose for the responses' `version`, and when each
   * connect phase ended (the socket a connector returns at once is watched; a connector that
   * gives it only at the end may have marked its steps on it).
   */
  #watch(connect: ReturnType<ConnectorFactory>): ReturnType<ConnectorFactory> {
    return (options, callback) => {
      const marks = this.marks;
      marks.connectStart = now();
      const pending = connect(options, (err, socket) => {
        if (err !== null) return callback(err, null);
        marks.readyAt = now();
        takeSocketMarks(socket!, marks);
        this.socket = socket;
        this.version =
          (socket as { alpnProtocol?: string | false }).alpnProtocol === 'h2' ? 20 : 11;
        callback(null, socket!);
      }) as unknown;
      if (pending != null && marks.readyAt < 0) watchSocket(pending as Socket, marks);
      return pending as Socket;
    };
  }

  readonly #onConnect = (): void => {
    this.connected = true;
    this.#responses = 0;
    this.#owner.connectionUp(this);
  };

  readonly #onDisconnect = (): void => {
    if (!this.connected) return;
    this.connected = false;
    this.#owner.connectionDown(this);
  };

  /** Closes the socket at once; requests still on it fail with `reason`. */
  destroy(reason?: unknown): Promise<void> {
    this.closed = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idle = false;
    if (this.h2 !== null) {
      this.h2.destroy(reason);
      return Promise.resolve();
    }
    const client = this.client;
    if (client === null) {
      this.socket?.destroy();
      return Promise.resolve();
    }
    if (client.destroyed) return Promise.resolve();
    return client.destroy((reason as Error | undefined) ?? null).catch(noop);
  }
}

function noop(): void {}
