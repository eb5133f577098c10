/**
 * The chunk and line splitting behind `Response.iterContent` and `Response.iterLines`, as
 * requests does it (`iter_slices`, `str.splitlines`, `bytes.splitlines`, `split`), for text and
 * for bytes alike.
 */

/** A piece of a body: bytes, or text once decoded. */
export type Piece = string | Uint8Array;

/**
 * requests' `iter_slices`: `chunkSize` pieces of `data` (all of it when null or <= 0), views of
 * it, each handed out without waiting on anything.
 */
export function slices(
  data: Uint8Array,
  chunkSize: number | null,
): AsyncIterableIterator<Uint8Array> {
  let given = false;
  const source: ChunkSource = {
    nextChunk: () => {
      const chunk = given ? null : data;
      given = true;
      return Promise.resolve(chunk);
    },
    finish: () => {},
  };
  return new Pieces(source, chunkSize ?? 0);
}

/** Where {@link Pieces} takes body chunks from. */
export interface ChunkSource {
  /** The next chunk of the body, null at its end. */
  nextChunk(): Promise<Uint8Array | null>;
  /** The iteration is over: read to the end (`early` false), or left or failed before it. */
  finish(early: boolean): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const EMPTY = new Uint8Array(0);

/**
 * A body's chunks regrouped into pieces of exactly `size` bytes, the last one shorter, as
 * urllib3's `stream(amt)` hands them out; `size` 0: the chunks as they arrive (empty ones left
 * out). A piece that lies within one chunk is a view of it (no copy), and is handed out without
 * waiting on anything; only a piece that spans chunks is copied, once. What was taken from the
 * source and not handed out yet stays here for {@link takeRest} (a `read()` after a partial
 * iteration gets it). Leaving early (`return()`, as `break` does) or a failure ends it with
 * `finish(true)`.
 */
export class Pieces implements AsyncIterableIterator<Uint8Array> {
  readonly #source: ChunkSource;
  readonly #size: number;
  /** The source chunk being cut, from #at on. */
  #chunk: Uint8Array = EMPTY;
  #at = 0;
  /** The start of a piece that spans chunks: views, #held bytes in all. */
  #parts: Uint8Array[] = [];
  #held = 0;
  #started = false;
  #sourceDone = false;
  #finished = false;
  /** A next() waiting on the source; the next one waits for it (no two read at once). */
  #busy: Promise<IteratorResult<Uint8Array>> | null = null;

  constructor(source: ChunkSource, size: number) {
    this.#source = source;
    this.#size = Math.max(size, 0);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    this.#started = true;
    const busy = this.#busy;
    if (busy !== null) return busy.then(this.#again, this.#again);
    const size = this.#size;
    if (size === 0) {
      // The chunks as they arrive: one promise of the source's per chunk, nothing more.
      if (this.#finished) return Promise.resolve(DONE);
      const read = this.#source.nextChunk().then(this.#onChunk, this.#onFailure);
      this.#busy = read;
      return read;
    }
    const at = this.#at;
    if (this.#held === 0 && size > 0 && this.#chunk.length - at >= size) {
      this.#at = at + size;
      return Promise.resolve({ value: this.#chunk.subarray(at, at + size), done: false });
    }
    const read = this.#read();
    this.#busy = read;
    return read;
  }

  readonly #again = (): Promise<IteratorResult<Uint8Array>> => this.next();

  /** A chunk for `size` 0: handed out, or the end; an empty one is skipped. */
  readonly #onChunk = (
    chunk: Uint8Array | null,
  ): IteratorResult<Uint8Array> | Promise<IteratorResult<Uint8Array>> => {
    if (chunk !== null && chunk.length === 0) {
      return this.#source.nextChunk().then(this.#onChunk, this.#onFailure);
    }
    this.#busy = null;
    return chunk === null ? this.#end() : { value: chunk, done: false };
  };

  readonly #onFailure = (err: unknown): never => {
    this.#busy = null;
    this.#finish(true);
    throw err;
  };

  async #read(): Promise<IteratorResult<Uint8Array>> {
    try {
      if (this.#finished) return DONE;
      return await this.#readPiece();
    } catch (err) {
      this.#finish(true);
      throw err;
    } finally {
      this.#busy = null;
    }
  }

  async #readPiece(): Promise<IteratorResult<Uint8Array>> {
    const size = this.#size;
    for (;;) {
      const chunk = this.#chunk;
      const at = this.#at;
      if (this.#held === 0 && chunk.length - at >= size) {
        this.#at = at + size;
        return { value: chunk.subarray(at, at + size), done: false };
      }
      if (at < chunk.length) {
        const take = Math.min(size - this.#held, chunk.length - at);
        this.#parts.push(chunk.subarray(at, at + take));
        this.#held += take;
        this.#at = at + take;
        if (this.#held === size) return { value: this.#takeHeld(), done: false };
      }
      const next = this.#sourceDone ? null : await this.#source.nextChunk();
      if (next === null) {
        this.#sourceDone = true;
        this.#chunk = EMPTY;
        this.#at = 0;
        return this.#held > 0 ? { value: this.#takeHeld(), done: false } : this.#end();
      }
      this.#chunk = next;
      this.#at = 0;
    }
  }

  #takeHeld(): Uint8Array {
    const piece = join(this.#parts, this.#held);
    this.#parts = [];
    this.#held = 0;
    return piece;
  }

  #end(): IteratorResult<Uint8Array> {
    this.#sourceDone = true;
    this.#finish(false);
    return DONE;
  }

  #finish(early: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#source.finish(early);
  }

  /**
   * The bytes taken from the source and not handed out (views, in order), which this iteration
   * will then not hand out: for a `read()` that takes the rest of the body.
   */
  takeRest(): Uint8Array[] {
    const rest = this.#parts;
    if (this.#at < this.#chunk.length) rest.push(this.#chunk.subarray(this.#at));
    this.#parts = [];
    this.#held = 0;
    this.#chunk = EMPTY;
    this.#at = 0;
    return rest;
  }

  /** Leaving early: the rest is not read (a `return()` before the first `next()` does nothing). */
  return(): Promise<IteratorResult<Uint8Array>> {
    if (this.#started) {
      this.takeRest();
      this.#finish(true);
    }
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * `parts` as one piece: the part itself when there is one (a view, no copy), else one copy into
 * memory that is not zero-filled first (every byte of it is written).
 */
function join(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts, size);
}

/** `a + b` for two pieces of the same kind. */
export function concatPieces(a: Piece, b: Piece): Piece {
  if (typeof a === 'string') return a + (typeof b === 'string' ? b : new TextDecoder().decode(b));
  const tail = typeof b === 'string' ? new TextEncoder().encode(b) : b;
  if (a.length === 0) return tail;
  return join([a, tail], a.length + tail.length);
}

// Python's str.splitlines() boundaries; bytes.splitlines() knows only \n, \r and \r\n.
const TEXT_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python's `splitlines()` for text or bytes: line breaks dropped, no empty last line. */
export function splitLines(piece: Piece): Piece[] {
  if (typeof piece === 'string') {
    const lines = piece.split(TEXT_LINE_BREAK);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < piece.length; i++) {
    const b = piece[i];
    if (b !== 0x0a && b !== 0x0d) continue;
    lines.push(piece.subarray(start, i));
    if (b === 0x0d && piece[i + 1] === 0x0a) i++;
    start = i + 1;
  }
  if (start < piece.length) lines.push(piece.subarray(start));
  return lines;
}

/** Python's `split(delimiter)`: every part, the empty ones included. */
export function splitBy(piece: Piece, delimiter: Piece): Piece[] {
  if (typeof piece === 'string') {
    return piece.split(
      typeof delimiter === 'string' ? delimiter : new TextDecoder().decode(delimiter),
    );
  }
  const sep = Buffer.from(
    typeof delimiter === 'string' ? new TextEncoder().encode(delimiter) : delimiter,
  );
  const data = Buffer.from(piece.buffer, piece.byteOffset, piece.length);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let hit = data.indexOf(sep, start); hit !== -1; hit = data.indexOf(sep, start)) {
    parts.push(piece.subarray(start, hit));
    start = hit + sep.length;
  }
  parts.push(piece.subarray(start));
  return parts;
}

function lastUnit(piece: Piece): number | undefined {
  return typeof piece === 'string' ? piece.charCodeAt(piece.length - 1) : piece[piece.length - 1];
}

/**
 * requests' `iter_lines` over `pieces`, its behaviour at chunk borders kept: the last line of a
 * chunk waits for the next chunk only when it ends the chunk; with a delimiter, a chunk that ends
 * with it yields an empty line, and a `\r\n` cut by a border yields one too.
 */
export async function* iterLinesOf(
  pieces: AsyncIterable<Piece>,
  delimiter: Piece | null,
): AsyncGenerator<Piece> {
  let pending: Piece | null = null;
  const hasDelimiter = delimiter !== null && delimiter.length > 0;
  for await (const piece of pieces) {
    const chunk: Piece = pending === null ? piece : concatPieces(pending, piece);
    const lines = hasDelimiter ? splitBy(chunk, delimiter as Piece) : splitLines(chunk);
    const last = lines[lines.length - 1];
    pending = null;
    if (
      last !== undefined &&
      last.length > 0 &&
      chunk.length > 0 &&
      lastUnit(last) === lastUnit(chunk)
    ) {
      pending = lines.pop() as Piece;
    }
    for (const line of lines) yield line;
  }
  if (pending !== null) yield pending;
}
