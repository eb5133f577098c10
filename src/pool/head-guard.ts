/**
 * The response head as urllib3 reads it, before undici's parser sees it. While an exchange waits
 * for its head, this guard takes the socket's bytes first (a `readable` listener ahead of
 * undici's) and hands undici a head it can frame:
 * - every wait for bytes restarts the read timeout, the header phase included (undici's
 *   headersTimeout spans the whole head);
 * - informational (1xx) heads before the final one are skipped (RFC 9110 §15.2; undici drops the
 *   connection on an unsolicited `100 Continue`);
 * - Content-Length is read as urllib3 reads it: equal repeated values are one value (RFC 9110
 *   §8.6), unequal ones are InvalidHeader, one that is not a length (`abc`, `-5`, `5, abc`) is
 *   ignored and the body read to the close, and a 204 or 304 has no body whatever it says (undici
 *   refuses a bad value, and would wait for, or complain about, the bytes a 204 announces);
 * - beside Transfer-Encoding, Content-Length is ignored (RFC 9112 §6.3: Transfer-Encoding frames
 *   the body; undici refuses the pair), and the connection is not reused after such a suspect
 *   message (the RFC says it ought to be handled as an error);
 * - a HEAD's answer without Content-Length or chunked ends with its head (RFC 9110 §9.3.2), and
 *   its HTTP/1.1 connection stays open (undici's parser would read it to the connection's close).
 * The common head (one Content-Length, a final status) is passed on untouched, without a copy.
 */
import type { Duplex } from 'node:stream';
import { PoolInvalidHeader } from '../_internal/pool-errors.js';

/** What the guard tells the exchange waiting for a head. */
export interface HeadWatcher {
  /** The request was a HEAD: its answer has no body whatever its head says. */
  readonly headRequest: boolean;
  /** Bytes of the head arrived: the read timeout starts again. */
  headBytes(): void;
  /**
   * The head's Content-Length values (as sent) when the guard took them out of what undici sees;
   * the exchange still reports them (none: a length the guard added, reported as absent).
   * `frames`: they give the body's length (false: not a length, or Transfer-Encoding frames it).
   */
  heldContentLength(values: string[], frames: boolean): void;
  /** The head's framing is suspect (Content-Length beside Transfer-Encoding): no reuse after it. */
  suspectFraming(): void;
  /** A `100 Continue` head was skipped: a body held for it may go. */
  continued(): void;
  /** The head cannot be read (e.g. unequal Content-Length values): the exchange fails with it. */
  badHead(err: Error): void;
}

/** A head (1xx ones included) longer than this is left to undici, which refuses it. */
const MAX_HEAD = 64 * 1024;

const guards = new WeakMap<Duplex, HeadGuard>();

/** The guard of `socket`, created (and its listener put first) on first use. */
export function headGuard(socket: Duplex): HeadGuard {
  let guard = guards.get(socket);
  if (guard === undefined) {
    guard = new HeadGuard(socket);
    guards.set(socket, guard);
  }
  return guard;
}

/** Watches one socket; at most one exchange waits on it at a time (pipelining 1). */
export class HeadGuard {
  readonly #socket: Duplex;
  #watcher: HeadWatcher | null = null;
  /** Bytes of a head not complete yet. */
  #pending: Buffer | null = null;

  constructor(socket: Duplex) {
    this.#socket = socket;
    socket.prependListener('readable', this.#onReadable);
  }

  /** `watcher` waits for the next head on this socket. */
  watch(watcher: HeadWatcher): void {
    this.#watcher = watcher;
    this.#pending = null;
  }

  /** The exchange ended (or gave up) before its head was passed on. */
  unwatch(watcher: HeadWatcher): void {
    if (this.#watcher !== watcher) return;
    this.#watcher = null;
    this.#pending = null;
  }

  readonly #onReadable = (): void => {
    const watcher = this.#watcher;
    if (watcher === null) return;
    let chunk = this.#socket.read() as Buffer | null;
    if (chunk === null) return;
    watcher.headBytes();
    if (this.#pending !== null) {
      chunk = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    const head = this.#take(chunk, watcher);
    if (head === null) return;
    this.#watcher = null;
    // undici's listener runs next, in this same event, and reads what is put back here.
    if (head.length > 0) this.#socket.unshift(head);
  };

  /** The bytes to hand to undici, or null while the final head is still incomplete. */
  #take(chunk: Buffer, watcher: HeadWatcher): Buffer | null {
    let buf = chunk;
    for (;;) {
      const scan = scanHead(buf);
      if (scan === null) return buf; // not a status line: undici says what is wrong with it
      if (scan.end === -1) {
        if (buf.length > MAX_HEAD) return buf;
        this.#pending = buf;
        return null;
      }
      const { status } = scan;
      if (status < 100 || status >= 200 || status === 101) return fixLength(buf, scan, watcher);
      if (status === 100) watcher.continued();
      buf = buf.subarray(scan.end); // an informational head: the final one follows
      if (buf.length === 0) return null;
    }
  }
}

/** Where the head ends (after its blank line; -1 while incomplete), its status, its CL lines. */
interface HeadScan {
  readonly end: number;
  readonly status: number;
  /** [start, end) of each Content-Length line, end after its LF. */
  readonly lengths: readonly number[];
  /** It has a Transfer-Encoding line. */
  readonly coded: boolean;
}

const LF = 10;
const CR = 13;
const CONTENT_LENGTH = 'content-length';
const TRANSFER_ENCODING = 'transfer-encoding';

/** Scans a response head; null when `buf` does not start with an HTTP status line. */
function scanHead(buf: Buffer): HeadScan | null {
  for (let i = 0; i < 5 && i < buf.length; i++) if (buf[i] !== HTTP_SLASH[i]) return null;
  const firstLf = buf.indexOf(LF);
  if (firstLf === -1) return INCOMPLETE;
  const status = statusOf(buf, firstLf);
  if (status === -1) return null;
  let lengths: number[] | null = null;
  let coded = false;
  let line = firstLf + 1;
  while (line < buf.length) {
    const c = buf[line]!;
    if (c === LF) return { end: line + 1, status, lengths: lengths ?? NONE, coded };
    if (c === CR && line + 1 < buf.length && buf[line + 1] === LF) {
      return { end: line + 2, status, lengths: lengths ?? NONE, coded };
    }
    const next = buf.indexOf(LF, line) + 1;
    if (next === 0) break;
    const lower = c | 0x20;
    if (lower === 0x63 /* c */ && isField(buf, line, CONTENT_LENGTH))
      (lengths ??= []).push(line, next);
    else if (lower === 0x74 /* t */ && isField(buf, line, TRANSFER_ENCODING)) coded = true;
    line = next;
  }
  return INCOMPLETE;
}

const HTTP_SLASH = [72, 84, 84, 80, 47]; // 'HTTP/'
const NONE: number[] = [];
const INCOMPLETE: HeadScan = Object.freeze({ end: -1, status: 0, lengths: NONE, coded: false });

/** `HTTP/1.1 204 ...`: the three digits after the first space of the status line, or -1. */
function statusOf(buf: Buffer, lineEnd: number): number {
  const space = buf.indexOf(32);
  if (space === -1 || space + 4 > lineEnd) return -1;
  let status = 0;
  for (let i = space + 1; i < space + 4; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    status = status * 10 + d;
  }
  return status;
}

/** The field name `name` (lower case; any case in `buf`, spaces before the colon) at `at`. */
function isField(buf: Buffer, at: number, name: string): boolean {
  if (buf.length < at + name.length + 1) return false;
  for (let i = 0; i < name.length; i++) {
    if ((buf[at + i]! | 0x20) !== name.charCodeAt(i)) return false;
  }
  let i = at + name.length;
  while (buf[i] === 32 || buf[i] === 9) i++;
  return buf[i] === 58; /* : */
}

/**
 * The head as undici should see it: untouched when it has one plain Content-Length (or none) on
 * a status that has a body, and no Transfer-Encoding (a HEAD's answer without framing gets a zero
 * length). Otherwise its Content-Length lines are taken out (204, 304, beside Transfer-Encoding,
 * not a length) or made one (equal values, `+5`), and the exchange keeps reporting them as sent.
 */
function fixLength(buf: Buffer, scan: HeadScan, watcher: HeadWatcher): Buffer {
  const { lengths, status } = scan;
  if (lengths.length === 0) {
    if (!watcher.headRequest || scan.coded || status === 204 || status === 304) return buf;
    // A HEAD answer without framing: undici's parser would read it as "ends at close" and close
    // a connection that HTTP/1.1 keeps (RFC 9110 §9.3.2: it has no body). A zero length says
    // so; the response reports no Content-Length, as sent.
    watcher.heldContentLength(NO_VALUES, true);
    const line = buf.indexOf(LF) + 1;
    return Buffer.concat([buf.subarray(0, line), ZERO_LENGTH_LINE, buf.subarray(line)]);
  }
  const bodyless = status === 204 || status === 304;
  // The common head: one Content-Length of digits. Checked on the bytes: no strings made.
  if (!bodyless && !scan.coded && lengths.length === 2 && isPlain(buf, lengths[0]!, lengths[1]!))
    return buf;
  const values: string[] = [];
  for (let i = 0; i < lengths.length; i += 2)
    values.push(fieldValue(buf, lengths[i]!, lengths[i + 1]!));
  let length: bigint | null = null;
  if (scan.coded) {
    // urllib3 reads the body as chunked, ignoring the length, before it even reads the values.
    watcher.suspectFraming();
  } else {
    const read = readLength(values);
    if (read instanceof Error) {
      watcher.badHead(read);
      return Buffer.alloc(0);
    }
    length = read;
  }
  watcher.heldContentLength(values, length !== null);
  let kept = '';
  if (length !== null && !bodyless) kept = `Content-Length: ${length}\r\n`;
  // A HEAD's answer left without framing would be read to the close: it has no body.
  else if (watcher.headRequest && !bodyless && !scan.coded) kept = ZERO_LENGTH;
  return rebuild(buf, lengths, kept);
}

/**
 * The body length Content-Length `values` give, as urllib3 reads them: every comma-separated part
 * an integer (an optional sign, digits), all equal, not negative. Unequal integers are
 * InvalidHeader; a part that is not an integer, or a negative length, gives null: the length is
 * unknown, and the body runs to the close.
 */
function readLength(values: readonly string[]): bigint | null | Error {
  let length: bigint | null = null;
  let unmatching = false;
  for (const value of values) {
    for (const part of value.split(',')) {
      const text = part.trim();
      if (!INTEGER.test(text)) return null;
      const n = BigInt(text);
      if (length === null) length = n;
      else if (n !== length) unmatching = true;
    }
  }
  if (unmatching) {
    return new PoolInvalidHeader(
      `Content-Length contained multiple unmatching values (${values.join(', ')})`,
    );
  }
  return length !== null && length >= 0n ? length : null;
}
const INTEGER = /^[+-]?\d+$/;

/** Whether the header line [start, end) has a value of digits only (spaces around them). */
function isPlain(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  while (buf[i] !== 58 /* : */) i++; // the line is a Content-Length field: its colon is there
  i++;
  while (buf[i] === 32 || buf[i] === 9) i++;
  const first = i;
  while (i < end && buf[i]! >= 48 && buf[i]! <= 57) i++;
  if (i === first) return false;
  while (buf[i] === 32 || buf[i] === 9) i++;
  if (buf[i] === CR) i++;
  return i === end - 1; // at the line's LF
}
const NO_VALUES: string[] = [];
const ZERO_LENGTH = 'Content-Length: 0\r\n';
const ZERO_LENGTH_LINE = Buffer.from(ZERO_LENGTH, 'latin1');

/** The value of the header line [start, end). */
function fieldValue(buf: Buffer, start: number, end: number): string {
  const line = buf.toString('latin1', start, end);
  return line.slice(line.indexOf(':') + 1).trim();
}

/** `buf` without the lines in `lines` ([start, end) pairs), `insert` where the first one was. */
function rebuild(buf: Buffer, lines: readonly number[], insert: string): Buffer {
  const parts: Buffer[] = [buf.subarray(0, lines[0]!), Buffer.from(insert, 'latin1')];
  for (let i = 0; i < lines.length; i += 2) {
    const next = i + 2 < lines.length ? lines[i + 2]! : buf.length;
    parts.push(buf.subarray(lines[i + 1]!, next));
  }
  return Buffer.concat(parts);
}
