/** A RawResponse over bytes held in memory: what MockAdapter and CacheAdapter answer with. */
import { now, type Timings, unmeasured } from '../pool/timings.js';
import type { RawHeaders, RawResponse } from '../pool/types.js';

export class MemoryRawResponse implements RawResponse {
  readonly retries = null;
  readonly version = 11;
  #body: Uint8Array | null;
  #closed = false;
  readonly #startedAt: number;
  #doneAt = -1;

  /**
   * @param startedAt when the adapter began answering (`performance.now()`), so that
   *   `timings.total` is the time to answer; nothing else is measured. @default now
   */
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly headers: RawHeaders,
    readonly url: string,
    body: Uint8Array,
    startedAt: number = now(),
  ) {
    this.#body = body;
    this.#startedAt = startedAt;
  }

  get data(): Uint8Array | null {
    return null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every phase null (nothing went over the wire), `total` up to the body being read. */
  get timings(): Timings {
    const done = this.#doneAt;
    return unmeasured(done < 0 ? null : Math.max(0, done - this.#startedAt));
  }

  async *stream(): AsyncIterable<Uint8Array> {
    const body = this.#take();
    if (body.length > 0) yield body;
  }

  async read(): Promise<Uint8Array> {
    return this.#take();
  }

  async drain(): Promise<void> {
    this.#take();
  }

  close(): void {
    this.#closed = true;
    this.#body = null;
  }

  #take(): Uint8Array {
    const body = this.#body ?? new Uint8Array(0);
    if (this.#body !== null) this.#doneAt = now();
    this.#body = null;
    this.#closed = true;
    return body;
  }
}
