/**
 * One call's context: its deadline (`timeout.total`) and its signal, created once where the call
 * starts (Session.send, else HTTPAdapter.send, else urlopen) and carried down to the socket:
 * redirects, retries and their sleeps, the pool's queue, connecting, sending and reading all
 * observe the one signal, which the deadline aborts with TotalTimeoutError. A call with neither a
 * total timeout nor a signal shares {@link CallContext.NONE}: no object, no timer.
 */
import { TotalTimeoutError } from '../_internal/pool-errors.js';

function onDeadline(context: CallContext): void {
  context.expire();
}

/** The deadline and signal of one call. */
export class CallContext {
  /** The context of a call without a total timeout or a signal. */
  static readonly NONE = new CallContext(null, undefined);

  /** The total timeout, ms, or null. */
  readonly total: number | null;
  /** When the total timeout runs out (performance.now() ms), or null. */
  readonly deadline: number | null;
  /** Aborts when the caller's signal does, or the deadline passes; undefined when neither can. */
  readonly signal: AbortSignal | undefined;
  readonly #controller: AbortController | null;
  #timer: NodeJS.Timeout | null = null;
  /** Where the call is (pool name, absolute URL), for the TotalTimeoutError's words. */
  #pool = '';
  #url = '';

  private constructor(total: number | null, signal: AbortSignal | undefined) {
    this.total = total;
    if (total === null) {
      this.deadline = null;
      this.#controller = null;
      this.signal = signal;
      return;
    }
    this.deadline = performance.now() + total;
    const controller = new AbortController();
    this.#controller = controller;
    this.signal =
      signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
    this.#timer = setTimeout(onDeadline, total, this);
  }

  /**
   * The context of a call that starts here: `total` ms (null: no limit; TimeoutConfig has
   * already turned Infinity and huge values into null) and the caller's signal.
   * @example const context = CallContext.start(timeout.total, options.signal); ... context.end();
   */
  static start(total: number | null | undefined, signal: AbortSignal | undefined): CallContext {
    if (total == null && signal === undefined) return CallContext.NONE;
    return new CallContext(total ?? null, signal);
  }

  /** The call is at `url` through `pool` now (named by a TotalTimeoutError raised from here). */
  at(pool: string, url: string): void {
    if (this.#controller === null) return;
    this.#pool = pool;
    this.#url = url;
  }

  /** The deadline passed: everything the call waits on stops with TotalTimeoutError. */
  expire(): void {
    const controller = this.#controller;
    if (controller === null || controller.signal.aborted) return;
    this.#timer = null;
    const where = this.#pool === '' ? '' : `${this.#pool}: `;
    const message = `${where}The request took longer than its total timeout. (total timeout=${this.total} ms)`;
    controller.abort(new TotalTimeoutError(this.#url, message));
  }

  /** The call is over: the deadline no longer applies (a streamed body is not bounded by it). */
  end(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
