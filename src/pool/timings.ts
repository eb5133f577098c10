/**
 * Where the time of a request went (`Response.timings`): raw timestamps of one clock
 * (`performance.now()`), kept as plain number fields where things happen (the connection for its
 * connect phases, the exchange for the request's), and turned into a {@link Timings} object only
 * when someone reads it. A request that nobody asks about costs a few `performance.now()` calls.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The phases of one request, in milliseconds; `null` for a phase that did not happen.
 * - `queued`: waiting for a connection of the pool (a blocking pool at `maxsize` waits; else ~0).
 * - `dns`: resolving the host name; `null` for an IP address, and on a reused connection.
 * - `connect`: the TCP connection (through a proxy: up to the tunnel being open); `null` when reused.
 * - `tls`: the TLS handshake; `null` for plain TCP and on a reused connection.
 * - `request`: writing the request, headers and body.
 * - `firstByte`: from the request written to the response headers.
 * - `download`: from the headers to the end of the body as the caller read it (for a
 *   `stream: true` response, `null` until the body has been read to its end).
 * - `total`: from the start of the try to the end of the body (`null` until then).
 * - `reused`: the request went over a connection that had carried a request before.
 *
 * With retries, the timings are those of the try that gave the response.
 */
export interface Timings {
  /** Waiting for a pooled connection, ms. */
  readonly queued: number | null;
  /** Resolving the host name, ms; `null` for an IP address or a reused connection. */
  readonly dns: number | null;
  /** Opening the TCP connection (and a proxy tunnel), ms; `null` on a reused connection. */
  readonly connect: number | null;
  /** The TLS handshake, ms; `null` for plain HTTP or a reused connection. */
  readonly tls: number | null;
  /** Writing the request and its body, ms. */
  readonly request: number | null;
  /** From the request written to the response headers, ms. */
  readonly firstByte: number | null;
  /** From the headers to the end of the body, ms; `null` until a streamed body was read. */
  readonly download: number | null;
  /** From the start of the try to the end of the body, ms; `null` until then. */
  readonly total: number | null;
  /** Whether the connection was reused from the pool. */
  readonly reused: boolean;
}

/** The clock of every timing mark: ms, monotonic. */
export function now(): number {
  return performance.now();
}

/** Timestamps of a connection being opened; -1 for a mark not (yet) reached. */
export interface ConnectMarks {
  /** The connector was called. */
  connectStart: number;
  /** The host name was resolved (-1 for an IP address, or when the connector does not say). */
  dnsAt: number;
  /** The TCP connection (or the proxy tunnel) was open. */
  tcpAt: number;
  /** The TLS handshake was done (-1 for plain TCP). */
  tlsAt: number;
  /** The connector handed over the socket. */
  readyAt: number;
}

/** Timestamps of one try on a connection; -1 for a mark not (yet) reached. */
export interface RequestMarks {
  /** The try started (before waiting for a connection). */
  readonly startedAt: number;
  /** A connection was in hand and the request handed to it. */
  readonly dispatchedAt: number;
  /** Writing the request began (the connection was ready). */
  readonly writingAt: number;
  /** The request was written whole. */
  readonly sentAt: number;
  /** The response headers arrived. */
  readonly headersAt: number;
}

/** A fresh set of connect marks, none reached. */
export function connectMarks(): ConnectMarks {
  return { connectStart: -1, dnsAt: -1, tcpAt: -1, tlsAt: -1, readyAt: -1 };
}

/** The marks a multi-step connector (tunnel, SOCKS) recorded on the socket it handed over. */
const MARKS = Symbol('requests-ts.connectMarks');

/** Records on `socket` the marks its connector measured itself (tunnels, SOCKS). */
export function markSocket(
  socket: Socket,
  marks: { dnsAt: number; tcpAt: number; tlsAt: number },
): void {
  (socket as Socket & { [MARKS]?: typeof marks })[MARKS] = marks;
}

/**
 * Fills `into` from a connection attempt: the marks its connector left on the socket, else the
 * socket's own `lookup`, `connect` and `secureConnect` events (watched by {@link watchSocket}).
 */
export function takeSocketMarks(socket: Socket, into: ConnectMarks): void {
  const given = (socket as Socket & { [MARKS]?: ConnectMarks })[MARKS];
  if (given === undefined) return;
  into.dnsAt = given.dnsAt;
  into.tcpAt = given.tcpAt;
  into.tlsAt = given.tlsAt;
}

/**
 * Watches a socket being connected (what undici's connector returns at once) for the end of each
 * phase. Costs three listeners per connection, none per request.
 */
export function watchSocket(socket: Socket, into: ConnectMarks): void {
  socket.once('lookup', () => {
    into.dnsAt = now();
  });
  socket.once('connect', () => {
    into.tcpAt = now();
  });
  socket.once('secureConnect', () => {
    into.tlsAt = now();
  });
}

/**
 * Lays the phases end to end: each starts where the one before it ended (or at its own mark, if
 * later), so they never overlap and their sum never exceeds `total`, whatever order the events of
 * a busy process were seen in (a socket's `connect` listener may run after undici began writing).
 */
class Cursor {
  at: number;
  constructor(at: number) {
    this.at = at;
  }
  /** The time from the cursor to `mark` (null when the mark was not reached), moving the cursor. */
  to(mark: number): number | null {
    if (mark < 0 || this.at < 0) return null;
    const from = this.at;
    if (mark > from) this.at = mark;
    return this.at - from;
  }
  /** Moves the cursor to `mark` when that is later; the time skipped belongs to no phase. */
  skip(mark: number): void {
    if (mark > this.at) this.at = mark;
  }
}

/**
 * The {@link Timings} of a try from its marks, those of its connection when it was the
 * connection's first request (`conn`; null when the connection was reused), and the moment its
 * body was read to the end (`doneAt`, -1 if not yet).
 */
export function computeTimings(
  req: RequestMarks,
  conn: ConnectMarks | null,
  doneAt: number,
): Timings {
  const cursor = new Cursor(req.startedAt);
  // Waiting ends when the request is handed to a connection, or when the connection opened for
  // it began connecting, if that came first (an HTTP/2 stream is handed over once ALPN is done).
  const opened = conn !== null && conn.connectStart >= 0;
  const queued = cursor.to(
    opened && conn.connectStart < req.dispatchedAt ? conn.connectStart : req.dispatchedAt,
  );
  let dns: number | null = null;
  let connect: number | null = null;
  let tls: number | null = null;
  if (opened) {
    const { connectStart, dnsAt, tcpAt, tlsAt, readyAt } = conn;
    cursor.skip(connectStart);
    dns = cursor.to(dnsAt);
    // A connector that says nothing of its steps: all of it counts as connect.
    connect = cursor.to(tcpAt < 0 ? readyAt : tcpAt);
    tls = tcpAt < 0 ? null : cursor.to(tlsAt);
  }
  const { headersAt } = req;
  // A server may answer before the whole request was written: the request phase ends there.
  const sent =
    req.sentAt < 0 || (headersAt >= 0 && req.sentAt > headersAt) ? headersAt : req.sentAt;
  cursor.skip(req.writingAt);
  const request = req.writingAt < 0 ? null : cursor.to(sent);
  const firstByte = sent < 0 ? null : cursor.to(headersAt);
  const download = headersAt < 0 ? null : cursor.to(doneAt);
  return {
    queued,
    dns,
    connect,
    tls,
    request,
    firstByte,
    download,
    total: doneAt < 0 || req.startedAt < 0 ? null : Math.max(0, doneAt - req.startedAt),
    reused: conn === null,
  };
}

/** The timings of a response nothing was measured for; `total` as given. */
export function unmeasured(total: number | null): Timings {
  return {
    queued: null,
    dns: null,
    connect: null,
    tls: null,
    request: null,
    firstByte: null,
    download: null,
    total,
    reused: false,
  };
}
