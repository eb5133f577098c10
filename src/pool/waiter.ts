/**
 * A call waiting for a connection of a blocking pool (urllib3's `pool.get(block=True,
 * timeout=pool_timeout)`): granted a connection, or failed by the pool timeout, the call's
 * signal, or the pool closing.
 */
import { EmptyPoolError } from '../_internal/pool-errors.js';
import type { PooledConnection } from './connection.js';

/** The pool side a waiter talks to. */
export interface WaiterOwner {
  readonly poolName: string;
  forgetWaiter(waiter: Waiter): void;
}

function onPoolTimeout(waiter: Waiter): void {
  waiter.timedOut();
}

/** One waiting call. */
export class Waiter {
  readonly promise: Promise<PooledConnection>;
  /** The connect timeout of the call, for a connection opened for it. */
  readonly connectTimeout: number | null;
  readonly #owner: WaiterOwner;
  readonly #signal: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout | null;
  #resolve!: (conn: PooledConnection) => void;
  #reject!: (err: unknown) => void;

  constructor(
    owner: WaiterOwner,
    connectTimeout: number | null,
    poolTimeout: number | null,
    signal: AbortSignal | undefined,
  ) {
    this.#owner = owner;
    this.connectTimeout = connectTimeout;
    this.#signal = signal;
    this.promise = new Promise<PooledConnection>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#timer = poolTimeout === null ? null : setTimeout(onPoolTimeout, poolTimeout, this);
    signal?.addEventListener('abort', this);
  }

  #settle(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this);
  }

  /** The pool hands over a connection. */
  grant(conn: PooledConnection): void {
    this.#settle();
    this.#resolve(conn);
  }

  /** The pool closed. */
  fail(err: unknown): void {
    this.#settle();
    this.#reject(err);
  }

  timedOut(): void {
    this.#owner.forgetWaiter(this);
    this.fail(
      new EmptyPoolError(
        `${this.#owner.poolName}: Pool is empty and a new connection can't be opened due to blocking mode.`,
      ),
    );
  }

  /** The call's signal aborted. */
  handleEvent(): void {
    this.#owner.forgetWaiter(this);
    this.fail(this.#signal!.reason);
  }
}
