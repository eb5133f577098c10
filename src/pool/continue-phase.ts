/**
 * The `Expect: 100-continue` phase of an exchange (pool/exchange.ts) on a pooled HTTP/1.1
 * connection. undici refuses the Expect header, so this phase owns the request head on the
 * socket instead: while it is armed, the socket's writes pass through it, it adds the Expect line
 * to the head undici writes and holds back what follows (the body) until the server's
 * `100 Continue` (seen first by pool/head-guard.ts) or `expectContinueTimeout` ms without an
 * answer, as curl does. A final status that comes first (417, 401, 413...) is the response, and
 * the held body never goes out; the connection is then not reused (the server saw a head that
 * announced a body it never got). A stream body is gated at its source too, so at most its first
 * chunk waits in the phase.
 */
import type { Socket } from 'node:net';
import type { PoolBody } from './types.js';

/** The wait for `100 Continue` before the body is sent anyway, ms (curl's). */
export const DEFAULT_EXPECT_CONTINUE_TIMEOUT = 1_000;

/** What a call with Expect fixed for every try. */
export interface ContinueRequest {
  /** The head line to add, e.g. `Expect: 100-continue` (as the caller spelled it). */
  readonly line: string;
  /** ms; null waits for the server's answer as long as it takes. */
  readonly wait: number | null;
}

/** What the phase tells its exchange. */
export interface ContinueWatcher {
  /** The body goes out now (100 came or the wait ran out): the read timeout starts. */
  bodyGoes(): void;
}

type Write = Socket['write'];
type Held = [chunk: string | Uint8Array, encoding: BufferEncoding | undefined];

const WAITING = 0;
const OPEN = 1;
const SKIPPED = 2;

const END_OF_HEAD = '\r\n\r\n';

function onWaitOver(phase: ContinuePhase): void {
  phase.open();
}

/** One exchange's 100-continue phase. */
export class ContinuePhase {
  readonly #request: ContinueRequest;
  readonly #watcher: ContinueWatcher;
  #state = WAITING;
  /** The exchange is over. */
  #ended = false;
  #socket: Socket | null = null;
  /** The socket's own `write` property before the phase took it over (usually none). */
  #ownWrite: Write | undefined = undefined;
  /** The head written so far, until its blank line was seen. */
  #head: string | null = '';
  #held: Held[] = [];
  #timer: NodeJS.Timeout | null = null;
  /** The body source waiting for the phase to open (or end). */
  #gate: (() => void) | null = null;
  #gatePromise: Promise<void> | null = null;
  /** The body is a stream (gated at its source). */
  #stream = false;
  /** Skipped with nothing held back: the request went out whole (an empty body). */
  #framed = false;

  constructor(request: ContinueRequest, watcher: ContinueWatcher) {
    this.#request = request;
    this.#watcher = watcher;
  }

  /**
   * A final answer came first and a body announced in the head was never sent: the connection
   * cannot be reused. (An empty body was framed whole by its head: it can.)
   */
  get skipped(): boolean {
    return this.#state === SKIPPED && !this.#framed;
  }

  /** The phase still waits (the read timeout is not running yet unless the wait is unbounded). */
  get waiting(): boolean {
    return this.#state === WAITING;
  }

  /** No bound on the wait for 100: the read timeout bounds it instead. */
  get unbounded(): boolean {
    return this.#request.wait === null;
  }

  /** The request is about to be written on `socket` (undici's onConnect). */
  arm(socket: Socket): void {
    this.#socket = socket;
    this.#ownWrite = Object.hasOwn(socket, 'write') ? socket.write : undefined;
    const write = socket.write;
    socket.write = ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean => {
      if (this.#state === SKIPPED) return true; // the request is over without its body
      if (this.#state !== WAITING) return write.call(socket, chunk, encoding as never, cb as never);
      return this.#write(write, chunk, encoding as BufferEncoding | undefined);
    }) as Write;
    const wait = this.#request.wait;
    if (wait !== null) this.#timer = setTimeout(onWaitOver, wait, this);
  }

  /** A write while waiting: the head goes out (with the Expect line), the rest is held. */
  #write(write: Write, chunk: string | Uint8Array, encoding: BufferEncoding | undefined): boolean {
    const socket = this.#socket!;
    if (this.#head === null) {
      this.#held.push([chunk, encoding]);
      return true;
    }
    if (typeof chunk !== 'string') {
      // Not the head undici writes: send what there is as it is, and the phase is over.
      const head = this.#head;
      this.#head = null;
      if (head !== '') this.#held.push([head, 'latin1']);
      this.#held.push([chunk, encoding]);
      this.open();
      return true;
    }
    const head = this.#head + chunk;
    const end = head.indexOf(END_OF_HEAD);
    if (end === -1) {
      this.#head = head;
      return true;
    }
    this.#head = null;
    const line = head.indexOf('\r\n') + 2;
    const out = `${head.slice(0, line)}${this.#request.line}\r\n${head.slice(line, end + 4)}`;
    if (end + 4 < head.length) this.#held.push([head.slice(end + 4), 'latin1']);
    return write.call(socket, out, 'latin1');
  }

  /** `100 Continue` came, or the wait ran out: what was held goes out, and the body follows. */
  open(): void {
    if (this.#state !== WAITING) return;
    this.#state = OPEN;
    this.#stopWaiting();
    const socket = this.#socket;
    const held = this.#held;
    this.#held = [];
    this.#restore();
    if (socket !== null && !socket.destroyed) {
      for (const [chunk, encoding] of held) {
        if (encoding === undefined) socket.write(chunk);
        else socket.write(chunk, encoding);
      }
    }
    this.#watcher.bodyGoes();
    this.#release();
  }

  /** A final status came first: the body is never sent. */
  skip(): void {
    if (this.#state !== WAITING) return;
    this.#state = SKIPPED;
    this.#framed = !this.#stream && this.#head === null && this.#held.length === 0;
    this.#stopWaiting();
    this.#held = [];
    // Writes undici still makes for this request are dropped until the phase ends.
  }

  /** The exchange is over: the socket is the connection's again, the body source may stop. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopWaiting();
    this.#held = [];
    // A skipped request's connection is closed: its socket keeps dropping undici's writes.
    if (this.#state !== SKIPPED || this.#framed) this.#restore();
    this.#release();
  }

  #stopWaiting(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #restore(): void {
    const socket = this.#socket;
    if (socket === null) return;
    this.#socket = null;
    if (this.#ownWrite === undefined) delete (socket as { write?: Write }).write;
    else socket.write = this.#ownWrite;
  }

  #release(): void {
    const gate = this.#gate;
    this.#gate = null;
    gate?.();
  }

  /** Resolves once the body may go on (open) or the exchange ended. */
  #opened(): Promise<void> {
    if (this.#state === OPEN || this.#ended) return Promise.resolve();
    this.#gatePromise ??= new Promise<void>((resolve) => {
      this.#gate = resolve;
    });
    return this.#gatePromise;
  }

  /** True while the body source should go on. */
  #sending(): boolean {
    return this.#state === OPEN && !this.#ended;
  }

  /**
   * The body as undici should take it: bytes and strings as they are (the phase holds them);
   * a stream gives its first bytes (so that undici writes the head), then waits for the phase.
   */
  body(body: Exclude<PoolBody, null>): Exclude<PoolBody, null> {
    if (typeof body === 'string' || body instanceof Uint8Array) return body;
    this.#stream = true;
    return this.#gated(body as AsyncIterable<Uint8Array>);
  }

  async *#gated(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let first = true;
    for await (const chunk of source) {
      if (chunk.length === 0) continue; // undici writes no head for an empty chunk
      if (!first && !this.#sending()) return;
      yield chunk;
      if (first) {
        first = false;
        await this.#opened();
        if (!this.#sending()) return;
      }
    }
  }
}
