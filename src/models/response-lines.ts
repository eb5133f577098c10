/**
 * The chunk and line splitting behind `Response.iterContent` and `Response.iterLines`, as
 * requests does it (`iter_slices`, `str.splitlines`, `bytes.splitlines`, `split`), for text and
 * for bytes alike.
 */

/** A piece of a body: bytes, or text once decoded. */
export type Piece = string | Uint8Array;

/** requests' `iter_slices`: `chunkSize` pieces of `data` (all of it when null or <= 0). */
export async function* slices(
  data: Uint8Array,
  chunkSize: number | null,
): AsyncGenerator<Uint8Array> {
  const size = chunkSize === null || chunkSize <= 0 ? data.length : chunkSize;
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/**
 * Regroups `next()` chunks into pieces of exactly `size` bytes, the last one shorter, as
 * urllib3's `stream(amt)` hands them out. `next` resolves null at the end. When the reader stops
 * early, the bytes taken but not handed out go to `unread`, so that a later read gets them.
 */
export async function* rechunk(
  next: () => Promise<Uint8Array | null>,
  size: number,
  unread: (bytes: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let held = 0;
  let chunk: Uint8Array | null = null;
  let at = 0;
  try {
    for (chunk = await next(); chunk !== null; chunk = await next()) {
      at = 0;
      // Whole pieces straight out of the chunk when nothing is held: no copy.
      while (held === 0 && chunk.length - at >= size) {
        const piece = chunk.subarray(at, at + size);
        at += size;
        yield piece;
      }
      while (at < chunk.length) {
        const take = Math.min(size - held, chunk.length - at);
        parts.push(chunk.subarray(at, at + take));
        held += take;
        at += take;
        if (held === size) {
          const piece = join(parts, held);
          parts = [];
          held = 0;
          yield piece;
        }
      }
    }
    if (held > 0) {
      const piece = join(parts, held);
      parts = [];
      held = 0;
      yield piece;
    }
  } finally {
    if (chunk !== null && at < chunk.length) parts.push(chunk.subarray(at));
    if (parts.length > 0)
      unread(
        join(
          parts,
          parts.reduce((n, p) => n + p.length, 0),
        ),
      );
  }
}

function join(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
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
