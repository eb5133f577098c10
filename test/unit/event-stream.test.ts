import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EventStreamParser,
  eventsOf,
  type ServerSentEvent,
} from '../../src/models/event-stream.js';

/** Feeds `pieces` to a fresh parser; returns every event it completed. */
function parse(...pieces: string[]): ServerSentEvent[] {
  const parser = new EventStreamParser();
  return pieces.flatMap((p) => parser.push(p));
}

async function* bytes(...pieces: Array<string | number[]>): AsyncGenerator<Uint8Array> {
  for (const p of pieces)
    yield typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p);
}

async function collect(source: AsyncIterable<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

describe('event-stream parsing (WHATWG HTML, event stream interpretation)', () => {
  test('a data line and a blank line make a message event', () => {
    assert.deepEqual(parse('data: hi\n\n'), [
      { event: 'message', data: 'hi', id: '', retry: null },
    ]);
  });

  test('several data lines join with LF, a trailing LF is not added', () => {
    assert.deepEqual(
      parse('data: a\ndata:b\ndata\n\n').map((e) => e.data),
      ['a\nb\n'],
    );
  });

  test('only one leading space of a value is removed', () => {
    assert.deepEqual(
      parse('data:  two\n\n').map((e) => e.data),
      [' two'],
    );
  });

  test('event names the type; the type does not carry over to the next event', () => {
    const events = parse('event: add\ndata: 1\n\ndata: 2\n\n');
    assert.deepEqual(
      events.map((e) => [e.event, e.data]),
      [
        ['add', '1'],
        ['message', '2'],
      ],
    );
  });

  test('id persists across events; an id with NUL is ignored; an empty id resets it', () => {
    const events = parse('id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n');
    assert.deepEqual(
      events.map((e) => e.id),
      ['7', '7', '7', ''],
    );
  });

  test('retry takes ASCII digits only, and stays in force', () => {
    const events = parse('retry: 1500\ndata: a\n\nretry: 2s\ndata: b\n\nretry: -1\ndata: c\n\n');
    assert.deepEqual(
      events.map((e) => e.retry),
      [1500, 1500, 1500],
    );
  });

  test('comments and unknown fields are ignored', () => {
    assert.deepEqual(
      parse(': keep-alive\nfoo: bar\ndata: x\n\n').map((e) => e.data),
      ['x'],
    );
  });

  test('a blank line without data dispatches nothing, and clears the event type', () => {
    const events = parse('event: ping\n\ndata: x\n\n');
    assert.deepEqual(
      events.map((e) => [e.event, e.data]),
      [['message', 'x']],
    );
  });

  test('"data:" with no value still dispatches an event with empty data', () => {
    assert.deepEqual(
      parse('data:\n\n').map((e) => e.data),
      [''],
    );
  });

  test('CR, LF and CRLF all end lines, mixed in one stream', () => {
    const events = parse('data: a\r\rdata: b\r\n\r\ndata: c\n\n');
    assert.deepEqual(
      events.map((e) => e.data),
      ['a', 'b', 'c'],
    );
  });

  test('a CRLF split across two pieces is one line end, not two', () => {
    // Were the LF taken as a second (blank) line, the event would be dispatched early with 'a'.
    const events = parse('data: a\r', '\ndata: b\r\n\r\n');
    assert.deepEqual(
      events.map((e) => e.data),
      ['a\nb'],
    );
  });

  test('a line split across pieces is joined', () => {
    assert.deepEqual(
      parse('da', 'ta: hel', 'lo\n', '\n').map((e) => e.data),
      ['hello'],
    );
  });

  test('one leading BOM is dropped, a second one is part of the field name', () => {
    assert.deepEqual(
      parse('\ufeffdata: a\n\n').map((e) => e.data),
      ['a'],
    );
    assert.deepEqual(parse('\ufeff\ufeffdata: a\n\n'), []);
  });

  test('a colon-less line is a field with an empty value', () => {
    assert.deepEqual(
      parse('data\n\n').map((e) => e.data),
      [''],
    );
  });
});

describe('eventsOf: bytes to events', () => {
  test('UTF-8 split across chunks is decoded whole', async () => {
    const euro = [...new TextEncoder().encode('data: €\n\n')];
    const events = await collect(eventsOf(bytes(euro.slice(0, 7), euro.slice(7))));
    assert.deepEqual(
      events.map((e) => e.data),
      ['€'],
    );
  });

  test('a BOM in bytes at the start is dropped', async () => {
    const events = await collect(eventsOf(bytes([0xef, 0xbb, 0xbf], 'data: x\n\n')));
    assert.deepEqual(
      events.map((e) => e.data),
      ['x'],
    );
  });

  test('a last event without its blank line is dropped at the end of the stream', async () => {
    const events = await collect(eventsOf(bytes('data: one\n\ndata: two\n')));
    assert.deepEqual(
      events.map((e) => e.data),
      ['one'],
    );
  });

  test('the parser keeps the last event ID after the stream ends (for a reconnection)', async () => {
    const parser = new EventStreamParser();
    await collect(eventsOf(bytes('id: 42\ndata: a\n\ndata: half'), parser));
    assert.equal(parser.lastEventId, '42');
    // The half event does not leak into the next connection's first event.
    assert.deepEqual(
      (await collect(eventsOf(bytes('data: b\n\n'), parser))).map((e) => e.data),
      ['b'],
    );
  });
});
