/**
 * `Session.events`: an EventSource for Node, on a Session. It asks for `text/event-stream`,
 * parses the events as they arrive and, when the stream drops, reconnects with `Last-Event-ID`
 * after the server's `retry`, as the WHATWG EventSource does, within the bounds of a Retry.
 */

import { redactUrl } from '../_internal/redact.js';
import { ChunkedEncodingError, ConnectionError, RequestException, Timeout } from '../errors.js';
import { isReplayableSource } from '../models/body.js';
import { EventStreamParser, eventsOf, type ServerSentEvent } from '../models/event-stream.js';
import type { HeaderValue } from '../models/prepared-request.js';
import type { Response } from '../models/response.js';
import { Retry } from '../retry.js';
import { CaseInsensitiveDict, type DictInit } from '../structures.js';
import type { RequestOptions } from './session.js';

/** Options of `Session.events`: every request option, and how to reconnect. */
export interface EventsOptions extends RequestOptions {
  /** @default 'GET' */
  method?: string;
  /**
   * Bounds reconnection: `total` (and `connect` / `read`) count consecutive failed connections
   * (a connection that delivers an event starts the count again), the backoff is added to the
   * server's `retry` and `backoffMax` caps the wait. A number n is `new Retry({ total: n })`.
   * `0` or `false` never reconnects: the end of the stream ends the iteration.
   * @default new Retry({ total: 5, backoffFactor: 500 })
   */
  retry?: Retry | number | false | null;
  /** Wait before reconnecting until the stream sets one with `retry:`, ms. @default 3000 */
  reconnectDelay?: number;
  /** The `Last-Event-ID` to resume from on the first connection. @default none */
  lastEventId?: string;
}

/** The Session methods `events` needs (a structural type: no import cycle with session.ts). */
export interface EventsSession {
  request(method: string, url: string, options?: RequestOptions): Promise<Response>;
}

const DEFAULT_RETRY = new Retry({ total: 5, backoffFactor: 500 });
const DEFAULT_RECONNECT_DELAY = 3_000;

/**
 * The events of `url`, across reconnections, until the server answers 204, the signal aborts
 * (the iteration then throws the signal's reason) or the Retry runs out (it throws the last
 * error). A body that cannot be sent again (a one-shot stream) is never re-sent: its stream's
 * end ends the iteration and its drop throws.
 */
export async function* sessionEvents(
  session: EventsSession,
  url: string,
  options: EventsOptions = {},
): AsyncGenerator<ServerSentEvent> {
  const { method = 'GET', retry, reconnectDelay, lastEventId, ...requestOptions } = options;
  const first = retry === false ? new Retry({ total: 0 }) : Retry.from(retry ?? DEFAULT_RETRY);
  // A body that cannot be built again, or a caller who wants no reconnection: one connection.
  const once = !bodyIsReplayable(requestOptions) || first.total === 0 || first.total === false;
  const parser = new EventStreamParser();
  if (lastEventId !== undefined) parser.lastEventId = lastEventId;
  let budget = first;
  for (;;) {
    const headers = eventHeaders(requestOptions.headers, parser.lastEventId);
    let r: Response | null = null;
    let failure: Error | null = null;
    let delivered = false;
    try {
      r = await session.request(method, url, { ...requestOptions, headers, stream: true });
      if (r.statusCode === 204) return;
      checkEventStream(r, method, url);
      for await (const event of eventsOf(r.iterContent({ chunkSize: null }), parser)) {
        delivered = true;
        yield event;
      }
    } catch (err) {
      if (!isDrop(err)) throw err;
      failure = err;
    } finally {
      r?.close();
    }
    requestOptions.signal?.throwIfAborted();
    if (once) {
      if (failure !== null) throw failure;
      return;
    }
    if (delivered) budget = first;
    budget = nextBudget(budget, method, url, failure);
    const wait =
      (parser.retry ?? reconnectDelay ?? DEFAULT_RECONNECT_DELAY) + budget.getBackoffTime();
    await budget.clock.sleep(Math.min(wait, budget.backoffMax), requestOptions.signal);
  }
}

/** The request headers of one connection: the caller's, over the EventSource defaults. */
function eventHeaders(
  own: RequestOptions['headers'],
  lastEventId: string,
): CaseInsensitiveDict<HeaderValue | null> {
  const headers = new CaseInsensitiveDict<HeaderValue | null>({
    Accept: 'text/event-stream',
    'Cache-Control': 'no-cache',
  });
  if (own != null) headers.update(own as DictInit<HeaderValue | null>);
  if (lastEventId !== '') headers.set('Last-Event-ID', lastEventId);
  return headers;
}

/** Refuses an answer that is not an event stream: an HTTP error, or another content type. */
function checkEventStream(r: Response, method: string, url: string): void {
  r.raiseForStatus();
  const type = r.headers.get('content-type') ?? '';
  const essence = type.split(';', 1)[0]!.trim().toLowerCase();
  if (essence !== 'text/event-stream') {
    throw new RequestException(
      `Expected a text/event-stream answer to ${method} ${redactUrl(r.url || url)}, got status ${r.statusCode} with Content-Type '${type}'`,
      { request: r.request, response: r },
    );
  }
}

/** Whether the body of `options` can be built and sent again for a new connection. */
function bodyIsReplayable(options: RequestOptions): boolean {
  if (isOneShot(options.data)) return false;
  const files = options.files;
  if (files == null) return true;
  const specs =
    Symbol.iterator in Object(files)
      ? [...(files as Iterable<[string, unknown]>)].map((e) => e[1])
      : Object.values(files);
  return !specs.some((spec) => isOneShot(Array.isArray(spec) ? spec[1] : spec));
}

/** A stream that can be read once: a Readable, a web ReadableStream or an async iterable. */
function isOneShot(source: unknown): boolean {
  if (source == null || typeof source !== 'object' || isReplayableSource(source)) return false;
  const s = source as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return (
    typeof s.pipe === 'function' ||
    typeof s.getReader === 'function' ||
    typeof s[Symbol.asyncIterator] === 'function'
  );
}

/** A connection that failed or dropped: worth another try. */
function isDrop(err: unknown): err is Error {
  return (
    err instanceof ConnectionError || err instanceof Timeout || err instanceof ChunkedEncodingError
  );
}

/** The Retry after one more reconnection; throws `failure` (or says why) when none is left. */
function nextBudget(budget: Retry, method: string, url: string, failure: Error | null): Retry {
  try {
    // A clean end of the stream counts as a read error would: it uses the budget all the same.
    return budget.increment(null, url, { error: failure ?? new StreamEnded(method, url) });
  } catch {
    if (failure !== null) throw failure;
    throw new ConnectionError(
      `The event stream of ${method} ${redactUrl(url)} ended and reconnecting was given up: the Retry allows no more connections`,
    );
  }
}

/** Stands for "the server ended the stream" in the Retry's history. */
class StreamEnded extends Error {
  constructor(method: string, url: string) {
    super(`The event stream of ${method} ${redactUrl(url)} ended`);
  }
}
