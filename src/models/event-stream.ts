/**
 * Server-sent events: the WHATWG HTML "event stream" interpretation
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation),
 * fed with bytes as they arrive and giving events as their blank line completes them.
 */

/** One event of a `text/event-stream` body. */
export interface ServerSentEvent {
  /** The `event:` field; `'message'` when the event names none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event ID in force when the event was dispatched (`''` when none was ever set). */
  id: string;
  /** The reconnection time (ms) the stream last set with `retry:`, `null` when it set none. */
  retry: number | null;
}

const LF = 10;
const CR = 13;
const SPACE = 32;

/**
 * The event-stream parser. `push` takes decoded text (the caller decodes UTF-8 with a streaming
 * decoder, BOM included); it returns the events its text completed. The state (last event ID,
 * reconnection time) outlives each event, as the spec's buffers do.
 * @example
 * const parser = new EventStreamParser();
 * for (const e of parser.push('data: hi\n\n')) console.log(e.data); // hi
 */
export class EventStreamParser {
  /** The last event ID buffer, kept across events and reconnections. */
  lastEventId = '';
  /** The reconnection time set by the stream, ms. */
  retry: number | null = null;
  #data = '';
  #hasData = false;
  #event = '';
  #line = '';
  /** The previous piece ended with CR: a LF that starts the next one belongs to that line end. */
  #afterCR = false;
  #started = false;

  /** Parses `text` and returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    const out: ServerSentEvent[] = [];
    let at = 0;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) at = 1; // one leading BOM is not part of the stream
    }
    if (this.#afterCR && text.charCodeAt(at) === LF) at++;
    this.#afterCR = false;
    while (at < text.length) {
      const end = lineEnd(text, at);
      if (end === -1) {
        this.#line += text.slice(at);
        break;
      }
      const line = this.#line + text.slice(at, end);
      this.#line = '';
      const event = this.#processLine(line);
      if (event !== null) out.push(event);
      if (text.charCodeAt(end) === CR) {
        if (end + 1 === text.length) this.#afterCR = true;
        else if (text.charCodeAt(end + 1) === LF) at = end + 2;
        else at = end + 1;
        if (this.#afterCR) break;
      } else at = end + 1;
    }
    return out;
  }

  /** Forgets a partly received event, as the end of the stream does (the spec drops it). */
  reset(): void {
    this.#data = '';
    this.#hasData = false;
    this.#event = '';
    this.#line = '';
    this.#afterCR = false;
    this.#started = false;
  }

  #processLine(line: string): ServerSentEvent | null {
    if (line.length === 0) return this.#dispatch();
    const colon = line.indexOf(':');
    if (colon === 0) return null; // a comment
    let field = line;
    let value = '';
    if (colon > 0) {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    }
    this.#field(field, value);
    return null;
  }

  #field(field: string, value: string): void {
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
        this.#hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default: // unknown fields are ignored
    }
  }

  #dispatch(): ServerSentEvent | null {
    const hasData = this.#hasData;
    const event: ServerSentEvent = {
      event: this.#event === '' ? 'message' : this.#event,
      data: this.#data,
      id: this.lastEventId,
      retry: this.retry,
    };
    this.#data = '';
    this.#hasData = false;
    this.#event = '';
    return hasData ? event : null;
  }
}

/** The index of the next CR or LF at or after `from`, -1 when none. */
function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
  }
  return -1;
}

/**
 * The events of a body given in chunks: UTF-8 decoded (the spec ignores any charset), one leading
 * BOM dropped, and a last event without its blank line dropped, as the spec's end of stream does.
 */
export async function* eventsOf(
  chunks: AsyncIterable<Uint8Array>,
  parser: EventStreamParser = new EventStreamParser(),
): AsyncGenerator<ServerSentEvent> {
  // ignoreBOM keeps a BOM in the text so that the parser drops exactly one, at the very start.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  try {
    for await (const chunk of chunks) {
      yield* parser.push(decoder.decode(chunk, { stream: true }));
    }
    yield* parser.push(decoder.decode());
  } finally {
    // However the stream ends (done, dropped, abandoned), its half event is not the next one's.
    parser.reset();
  }
}
