/** A RawResponse over bytes held in memory: what MockAdapter answers with. */
import type { RawHeaders, RawResponse } from '../pool/types.js';

export class MemoryRawResponse implements RawResponse {
  readonly retries = null;
  readonly version = 11;
  #body: Uint8Array | null;
  #closed = false;

  constructor(
    readonly status: number,
    readonly reason: string,
    readonly headers: RawHeaders,
    readonly url: string,
    body: Uint8Array,
  ) {
    this.#body = body;
  }

  get data(): Uint8Array | null {
    return null;
  }

  get closed(): boolean {
    return this.#closed;
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
    this.#body = null;
    this.#closed = true;
    return body;
  }
}
