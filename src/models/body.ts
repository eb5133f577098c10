/**
 * Request bodies (requests' `prepare_body` material): what `data` may be, JSON encoding, the byte
 * length of a body when it can be known (requests' `super_len`), and fresh sendable copies of a
 * body for a redirect or a retry (requests' `rewind_body`).
 */
import { createReadStream, ReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidJSONError } from '../errors.js';
import type { PairsInput } from '../utils/url.js';
import type { PreparedRequest } from './prepared-request.js';

/**
 * A file on disk, read in chunks each time the body is sent, so a redirect or retry can send it
 * again (requests rewinds file objects; a path is our way to say "a file").
 */
export class FileFromPath {
  /** Size in bytes when it was stat'ed; this many bytes are sent. */
  readonly size: number;
  /** The file name sent in multipart bodies. */
  readonly name: string;
  /** The part's Content-Type in multipart bodies, when given. */
  readonly type: string | undefined;

  constructor(
    readonly path: string,
    options: FileFromPathOptions = {},
  ) {
    const stat = statSync(path);
    if (!stat.isFile()) throw new TypeError(`fileFromPath: ${path} is not a regular file`);
    this.size = stat.size;
    this.name = options.filename ?? basename(path);
    this.type = options.contentType;
  }

  /** A new stream of the file's first `size` bytes. */
  stream(): AsyncIterable<Uint8Array> {
    if (this.size === 0) return Readable.from([]);
    return createReadStream(this.path, { start: 0, end: this.size - 1 });
  }
}

/** Options of {@link fileFromPath}. */
export interface FileFromPathOptions {
  /** File name for multipart bodies. @default the path's base name */
  filename?: string;
  /** Content-Type of the multipart part. @default none, as requests */
  contentType?: string;
}

/**
 * A file to upload by path: as `data` it is streamed with its Content-Length; in `files` it is a
 * multipart part named after the file. Either way it is read again for a redirect or retry.
 * @throws the file system's error (e.g. ENOENT) when the file cannot be stat'ed.
 * @example
 * await requests.post(url, { files: { report: fileFromPath('/tmp/report.pdf') } });
 */
export function fileFromPath(path: string, options?: FileFromPathOptions): FileFromPath {
  return new FileFromPath(path, options);
}

/** A body that is streamed: its length may be unknown, and it may be readable only once. */
export type StreamBody =
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Blob
  | FileFromPath;

/** What `data` accepts: form fields (a record, entries, URLSearchParams), text, bytes, a stream or a Blob. */
export type DataInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | PairsInput
  | StreamBody
  | null
  | undefined;

/** How `prepareBody` treats `data`: absent (falsy, as in Python), raw bytes, form pairs, stream. */
export type DataKind = 'none' | 'raw' | 'pairs' | 'stream';

/** Sorts `data` into the branches of requests' `prepare_body`. */
export function dataKind(data: unknown): DataKind {
  if (data == null) return 'none';
  if (typeof data === 'string') return data === '' ? 'none' : 'raw';
  if (typeof data !== 'object') return badData(data);
  if (ArrayBuffer.isView(data)) return data.byteLength === 0 ? 'none' : 'raw';
  if (data instanceof ArrayBuffer) return data.byteLength === 0 ? 'none' : 'raw';
  if (isStreamBody(data)) return 'stream';
  if (data instanceof URLSearchParams) return data.size === 0 ? 'none' : 'pairs';
  if (Array.isArray(data)) return data.length === 0 ? 'none' : 'pairs';
  if (typeof (data as Iterable<unknown>)[Symbol.iterator] === 'function') return 'pairs';
  const proto = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null) return badData(data);
  for (const _ in data) return 'pairs';
  return 'none';
}

function badData(data: unknown): never {
  const got = typeof data === 'object' ? (data as object).constructor?.name : typeof data;
  throw new TypeError(
    `data must be a string, bytes, a record or [key, value] entries, URLSearchParams, a Readable, a ReadableStream, an async iterable, a Blob or fileFromPath(); got ${got}`,
  );
}

/** A body read as it is sent (requests' "stream" branch of `prepare_body`). */
export function isStreamBody(x: object): x is StreamBody {
  return (
    x instanceof Readable ||
    x instanceof Blob ||
    x instanceof FileFromPath ||
    typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' ||
    (typeof ReadableStream !== 'undefined' && x instanceof ReadableStream)
  );
}

/** Bytes as a Uint8Array view, without copying. */
export function asBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const NOT_JSON_COMPLIANT = 'Out of range float values are not JSON compliant';

function rejectNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new InvalidJSONError(NOT_JSON_COMPLIANT);
  }
  return value;
}

const escapeUnit = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;

/**
 * JSON.stringify's compact text as Python's `json.dumps` writes it with its defaults, which
 * requests uses: `', '` and `': '` separators, and `ensure_ascii` (every character past `~` as a
 * lower-case `\uXXXX`, astral ones as their surrogate pair). One pass over the text, copying runs
 * between the places that change: a body of plain ASCII allocates only the result.
 */
function asPythonDumps(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // an escape: the next unit is part of it (`\"`, `\\`, `\u`)
      else if (c === 0x22) inString = false;
      else if (c >= 0x7f) {
        out += text.slice(from, i) + escapeUnit(c);
        from = i + 1;
      }
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x3a) {
      out += text.slice(from, i + 1) + ' ';
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * `json` as the bytes requests sends (`complexjson.dumps(json, allow_nan=False)` encoded):
 * JSON.stringify's value, written with Python's separators and ASCII escapes. NaN and Infinity
 * are refused as requests refuses them instead of becoming `null`.
 * @throws {InvalidJSONError} for NaN/Infinity, BigInt, cycles, or a value JSON cannot hold.
 * @example encodeJson({ a: [1, 'é'] }, prepared) // the bytes of '{"a": [1, "\u00e9"]}'
 */
export function encodeJson(json: unknown, request: PreparedRequest): Uint8Array {
  let text: string | undefined;
  try {
    text = JSON.stringify(json);
    // NaN and Infinity come out as null: only a text with a null can hold one.
    if (text?.includes('null')) JSON.stringify(json, rejectNonFinite);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new InvalidJSONError(message, { request, cause: err });
  }
  if (text === undefined) {
    throw new InvalidJSONError(`Object of type ${typeof json} is not JSON serializable`, {
      request,
    });
  }
  // Every character is ASCII now: latin1 is the fastest exact encoder.
  return Buffer.from(asPythonDumps(text), 'latin1');
}

/** Where a `fs.ReadStream` reads, noted when it is first seen (before it is read from). */
interface FileStreamInfo {
  path: string | Buffer;
  start: number | undefined;
  end: number | undefined;
  size: number | null;
}

const fileStreams = new WeakMap<ReadStream, FileStreamInfo | null>();

/**
 * A `fs.ReadStream` not read from yet can be opened again on its path with the same range, and
 * its length is known from the file's size (requests' `super_len` of a file object).
 */
function fileStreamInfo(s: ReadStream): FileStreamInfo | null {
  let info = fileStreams.get(s);
  if (info !== undefined) return info;
  info = null;
  if ((typeof s.path === 'string' || Buffer.isBuffer(s.path)) && s.bytesRead === 0) {
    const { start, end } = s as unknown as { start?: number; end?: number };
    info = { path: s.path, start, end, size: null };
    try {
      const stat = statSync(s.path);
      const last = Math.min(end ?? Number.POSITIVE_INFINITY, stat.size - 1);
      if (stat.isFile()) info.size = Math.max(0, last - (start ?? 0) + 1);
    } catch {
      // Unknown length: sent chunked.
    }
  }
  fileStreams.set(s, info);
  return info;
}

/**
 * The byte length of a body when it is known without reading it, else `null` (requests'
 * `super_len`: strings count as UTF-8, files by their size).
 */
export function knownLength(body: unknown): number | null {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  if (body instanceof Blob || body instanceof FileFromPath) return body.size;
  if (body instanceof ReadStream) return fileStreamInfo(body)?.size ?? null;
  const multipart = body as { length?: unknown; boundary?: unknown } | null;
  if (typeof multipart?.boundary === 'string' && 'length' in multipart) {
    return multipart.length as number | null;
  }
  return null;
}

/** True when {@link openSource} can give the body again (bytes, Blob, file, unread file stream). */
export function isReplayableSource(body: unknown): boolean {
  if (body instanceof ReadStream) return fileStreamInfo(body) !== null;
  return (
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof Blob ||
    body instanceof FileFromPath
  );
}

const handedOut = new WeakSet<object>();

/**
 * A sendable stream of `body`: fresh for a Blob or a file; a file stream is given itself the
 * first time, then reopened on its path; any other stream is given once, then `null`.
 */
export function openSource(body: StreamBody): AsyncIterable<Uint8Array> | Readable | null {
  if (body instanceof Blob) return body.stream() as AsyncIterable<Uint8Array>;
  if (body instanceof FileFromPath) return body.stream();
  if (!handedOut.has(body)) {
    if (body instanceof ReadStream) fileStreamInfo(body);
    handedOut.add(body);
    return body as AsyncIterable<Uint8Array>;
  }
  const info = body instanceof ReadStream ? fileStreamInfo(body) : null;
  return info === null ? null : createReadStream(info.path, { start: info.start, end: info.end });
}
