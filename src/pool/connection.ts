/**
 * One pooled connection: a single-connection undici Client (pipelining 1), so the pool decides,
 * as urllib3 does, which connection each request uses, how many stay open and which are closed.
 */
import type { Socket } from 'node:net';
import { Client } from 'undici';
import { type ConnectMarks, connectMarks, now, takeSocketMarks, watchSocket } from './timings.js';
import type { ConnectorFactory } from './types.js';

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** The socket opened. */
  connectionUp(conn: PooledConnection): void;
  /** The socket closed (the server closed it, an error, the keep-alive timer, or close()). */
  connectionDown(conn: PooledConnection): void;
}

/** undici Client options shared by every connection of a pool; built once per pool. */
export type ClientOptions = Omit<Client.Options, 'connect'>;

let nextId = 0;

/** A kept-alive connection to one origin, reused request after request. */
export class PooledConnection {
  /** Unique id, for logs and diagnostics. */
  readonly id = ++nextId;
  readonly client: Client;
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
  readonly #owner: ConnectionOwner;

  constructor(
    owner: ConnectionOwner,
    origin: string,
    options: ClientOptions,
    connect: ReturnType<ConnectorFactory>,
  ) {
    this.#owner = owner;
    this.client = new Client(origin, { ...options, connect: this.#watch(connect) });
    this.client.on('connect', this.#onConnect);
    this.client.on('disconnect', this.#onDisconnect);
    // Connect failures also reach the request that asked; this keeps them from being unhandled.
    this.client.on('connectionError', noop);
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
    this.idle = false;
    if (this.client.destroyed) return Promise.resolve();
    return this.client.destroy((reason as Error | undefined) ?? null).catch(noop);
  }
}

function noop(): void {}
