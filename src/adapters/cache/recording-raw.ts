/**
 * A RawResponse that passes another one's body through and hands the whole body to `onBody`
 * once it was read to its end: how a `stream: true` response is stored as it is read. A read
 * that is abandoned (closed, drained, broken off, failed) hands over nothing.
 */
import type { RawHeaders, RawResponse } from '../../pool/types.js';

export class RecordingRawResponse implements RawResponse {
  readonly #inner: RawResponse;
  #onBody: ((body: Uint8Array) => void) | null;
  #parts: Uint8Array[] = [];

  constructor(inner: RawResponse, onBody: (body: Uint8Array) => void) {
    this.#inner = inner;
    this.#onBody = onBody;
  }

  get status(): number {
    return this.#inner.status;
  }
  get reason(): string {
    return this.#inner.reason;
  }
  get headers(): RawHeaders {
    return this.#inner.headers;
  }
  get url(): string {
    return this.#inner.url;
  }
  get retries() {
    return this.#inner.retries;
  }
  get version(): number {
    return this.#inner.version;
  }
  get closed(): boolean {
    return this.#inner.closed;
  }

  get data(): Uint8Array | null {
    const data = this.#inner.data;
    if (data !== null) this.#finish([data]);
    return data;
  }

  async *stream(): AsyncIterable<Uint8Array> {
    let ended = false;
    try {
      for await (const chunk of this.#inner.stream()) {
        this.#parts.push(chunk);
        yield chunk;
      }
      ended = true;
    } finally {
      if (ended) this.#finish(this.#parts);
      else this.#abandon();
    }
  }

  async read(): Promise<Uint8Array> {
    try {
      const rest = await this.#inner.read();
      this.#finish([...this.#parts, rest]);
      return rest;
    } catch (err) {
      this.#abandon();
      throw err;
    }
  }

  drain(): Promise<void> {
    this.#abandon();
    return this.#inner.drain();
  }

  close(): void {
    this.#abandon();
    this.#inner.close();
  }

  #finish(parts: Uint8Array[]): void {
    const onBody = this.#onBody;
    this.#abandon();
    onBody?.(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts));
  }

  #abandon(): void {
    this.#onBody = null;
    this.#parts = [];
  }
}
