/**
 * multipart/form-data bodies (requests' `_encode_files` over urllib3's `encode_multipart_formdata`
 * and `RequestField`), streamed: parts are generated as the body is sent and files are read in
 * chunks, never gathered whole in memory.
 */

import { randomBytes } from 'node:crypto';
import { ReadStream } from 'node:fs';
import { basename } from 'node:path';
import { InvalidHeader, UnrewindableBodyError } from '../errors.js';
import { checkPairValue, forEachPair, type PairsInput, type ParamValue } from '../utils/url.js';
import {
  asBytes,
  FileFromPath,
  isReplayableSource,
  isStreamBody,
  knownLength,
  openSource,
  type StreamBody,
} from './body.js';

/** The content of one file part. `null`/`undefined` leave the part out, as requests does. */
export type FileContent =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | number
  | StreamBody
  | null
  | undefined;

/** `[filename, content, contentType?, headers?]`; a `null` filename sends none. */
export type FileTuple = readonly [
  filename: string | null | undefined,
  content: FileContent,
  contentType?: string | null | undefined,
  headers?: Readonly<Record<string, string>> | null | undefined,
];

/** One entry of `files`: the content alone (named after the key or the file) or a tuple. */
export type FileSpec = FileContent | FileTuple;

/** What `files` accepts: a record or entries of {@link FileSpec}. */
export type FilesInput = Readonly<Record<string, FileSpec>> | Iterable<readonly [string, FileSpec]>;

type PartContent = Uint8Array | StreamBody;

interface Part {
  /** `--boundary\r\n` and the part's header lines, up to the blank line. */
  head: Uint8Array;
  content: PartContent;
}

const CRLF = Buffer.from('\r\n');
/** In-memory pieces up to this size are sent together in one chunk. */
const COALESCE = 64 * 1024;

/** A random boundary: 32 hex digits, as urllib3's `choose_boundary`. */
export function chooseBoundary(): string {
  return randomBytes(16).toString('hex');
}

/**
 * A parameter of a part header, HTML5 style (urllib3's `format_multipart_header_param`): `\n`,
 * `\r` and `"` percent-encoded, everything else (UTF-8) as it is.
 * @example formatHeaderParam('filename', 'a"b.txt') // 'filename="a%22b.txt"'
 */
export function formatHeaderParam(name: string, value: string): string {
  return `${name}="${value.replace(/[\n\r"\0]/g, (c) => PARAM_ESCAPES[c]!)}"`;
}

// WHATWG's multipart/form-data encoding escapes LF, CR and '"'; NUL too, as no header may hold it.
const PARAM_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '%0A',
  '\r': '%0D',
  '"': '%22',
  '\0': '%00',
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BREAKS_LINE = /[\r\n\0]/;

/** A part header line, refused when its name or value could add or split header lines. */
function partHeaderLine(files: string, key: string, value: string): string {
  if (!TOKEN.test(key)) {
    throw new InvalidHeader(
      `files[${JSON.stringify(files)}]: invalid part header name ${JSON.stringify(key)}: use a token (letters, digits, !#$%&'*+.^_\`|~-)`,
    );
  }
  if (BREAKS_LINE.test(value)) {
    throw new InvalidHeader(
      `files[${JSON.stringify(files)}]: the value of part header ${key} holds CR, LF or NUL, which would break the part's header block: remove them`,
    );
  }
  return `${key}: ${value}`;
}

/**
 * A multipart/form-data body. Iterating it (or {@link MultipartBody.stream}) generates the bytes;
 * `length` is known when every part's size is.
 */
export class MultipartBody implements AsyncIterable<Uint8Array> {
  /** `multipart/form-data; boundary=...` */
  readonly contentType: string;
  /** Total byte length, or `null` when a part is a stream of unknown length (sent chunked). */
  readonly length: number | null;
  /** Whether the body can be generated again (no one-shot stream among the parts). */
  readonly replayable: boolean;
  readonly #parts: readonly Part[];
  readonly #tail: Uint8Array;
  #streamed = false;

  constructor(
    parts: readonly Part[],
    readonly boundary: string,
  ) {
    this.#parts = parts;
    this.#tail = Buffer.from(`--${boundary}--\r\n`, 'latin1');
    this.contentType = `multipart/form-data; boundary=${boundary}`;
    let length: number | null = this.#tail.length;
    let replayable = true;
    for (const { head, content } of parts) {
      const size = knownLength(content);
      length = length === null || size === null ? null : length + head.length + size + 2;
      if (!isReplayableSource(content)) replayable = false;
    }
    this.length = length;
    this.replayable = replayable;
  }

  /**
   * The body's bytes, generated as they are read.
   * @throws {UnrewindableBodyError} a second time when a part is a one-shot stream.
   */
  stream(): AsyncIterable<Uint8Array> {
    if (this.#streamed && !this.replayable) {
      throw new UnrewindableBodyError(
        'Unable to rewind request body: a multipart part is a stream that can be read only once.',
      );
    }
    this.#streamed = true;
    return this.#generate();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.stream()[Symbol.asyncIterator]();
  }

  async *#generate(): AsyncGenerator<Uint8Array> {
    let pending: Uint8Array[] = [];
    let pendingSize = 0;
    for (const { head, content } of this.#parts) {
      pending.push(head);
      pendingSize += head.length;
      if (content instanceof Uint8Array && content.length <= COALESCE) {
        pending.push(content, CRLF);
        pendingSize += content.length + 2;
        if (pendingSize < COALESCE) continue;
      }
      yield Buffer.concat(pending);
      pending = [];
      pendingSize = 0;
      if (!(content instanceof Uint8Array)) yield* chunksOf(content);
      else if (content.length > COALESCE) yield content;
      else continue;
      pending.push(CRLF);
      pendingSize = 2;
    }
    pending.push(this.#tail);
    yield Buffer.concat(pending);
  }
}

async function* chunksOf(content: StreamBody): AsyncGenerator<Uint8Array> {
  const source = openSource(content);
  if (source === null) {
    throw new UnrewindableBodyError(
      'Unable to rewind request body: a multipart part is a stream that was already read.',
    );
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

/** `--boundary`, then Content-Disposition and `lines`, then the blank line (urllib3's order). */
function partHead(
  boundary: string,
  name: string,
  filename: string | null | undefined,
  lines: readonly string[] = [],
): Uint8Array {
  let disposition = `Content-Disposition: form-data; ${formatHeaderParam('name', name)}`;
  if (filename != null) disposition += `; ${formatHeaderParam('filename', filename)}`;
  return Buffer.from(`--${boundary}\r\n${[disposition, ...lines].join('\r\n')}\r\n\r\n`);
}

function fieldBytes(value: Exclude<ParamValue, null | undefined>): Uint8Array {
  return value instanceof Uint8Array ? value : Buffer.from(String(value));
}

function keyText(key: string | Uint8Array): string {
  return typeof key === 'string' ? key : Buffer.from(key).toString('utf8');
}

/** requests' `guess_filename`: the base name of a file's name or path, unless it is `<...>`. */
export function guessFilename(content: unknown): string | null {
  let name: unknown;
  if (content instanceof FileFromPath) return content.name;
  if (content instanceof ReadStream) name = content.path;
  else if (content instanceof Blob) name = (content as { name?: unknown }).name;
  if (Buffer.isBuffer(name)) name = name.toString('utf8');
  if (typeof name !== 'string' || !name || (name.startsWith('<') && name.endsWith('>'))) {
    return null;
  }
  return basename(name);
}

function partContent(content: Exclude<FileContent, null | undefined>): PartContent {
  if (typeof content === 'string') return Buffer.from(content);
  if (typeof content === 'number') return Buffer.from(String(content));
  if (ArrayBuffer.isView(content) || content instanceof ArrayBuffer) return asBytes(content);
  if (typeof content === 'object' && isStreamBody(content)) return content;
  throw new TypeError(
    `a file must be a string, bytes, a Readable, a ReadableStream, an async iterable, a Blob, fileFromPath() or a [filename, content, contentType?, headers?] tuple; got ${typeof content}`,
  );
}

function defaultType(content: PartContent): string | null {
  if (content instanceof FileFromPath) return content.type ?? null;
  if (content instanceof Blob) return content.type || null;
  return null;
}

function filePart(boundary: string, name: string, spec: FileSpec): Part | null {
  let filename: string | null | undefined;
  let raw: FileContent;
  let type: string | null | undefined;
  let headers: Readonly<Record<string, string>> | null | undefined;
  if (Array.isArray(spec)) {
    if (spec.length < 2 || spec.length > 4) {
      throw new TypeError(
        `files[${JSON.stringify(name)}]: a file tuple is [filename, content, contentType?, headers?]`,
      );
    }
    [filename, raw, type, headers] = spec as FileTuple;
  } else {
    raw = spec as FileContent;
    filename = guessFilename(raw) ?? name;
  }
  if (raw == null) return null;
  const content = partContent(raw);
  if (type === undefined) type = defaultType(content);
  const lines: string[] = [];
  if (type) lines.push(partHeaderLine(name, 'Content-Type', type));
  for (const key of Object.keys(headers ?? {})) {
    const value = headers![key];
    if (value && !SORTED_HEADERS.has(key)) lines.push(partHeaderLine(name, key, String(value)));
  }
  return { head: partHead(boundary, name, filename, lines), content };
}

// urllib3 renders these three first, from its own values (case-sensitively: a 'content-type'
// custom header is rendered as another line).
const SORTED_HEADERS = new Set(['Content-Disposition', 'Content-Type', 'Content-Location']);

/**
 * The multipart body of `files` with the form fields of `data` first (requests' `_encode_files`):
 * arrays in `data` repeat the field, `null` values and `null` files are left out.
 * @throws {TypeError} `Data must not be a string.` when `data` is a string or bytes.
 */
export function encodeMultipart(
  files: FilesInput,
  data?: PairsInput | string | Uint8Array | null,
  boundary: string = chooseBoundary(),
): MultipartBody {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    throw new TypeError('Data must not be a string.');
  }
  const parts: Part[] = [];
  if (data != null) {
    forEachPair(data as PairsInput & object, 'data', (key, value) => {
      const values = Array.isArray(value)
        ? (value as readonly ParamValue[])
        : [value as ParamValue];
      for (const v of values) {
        if (v != null) checkPairValue('data', key, v);
        if (v != null)
          parts.push({ head: partHead(boundary, keyText(key), null), content: fieldBytes(v) });
      }
    });
  }
  forEachPair(files as Readonly<Record<string, FileSpec>>, 'files', (key, spec) => {
    const part = filePart(boundary, keyText(key), spec);
    if (part) parts.push(part);
  });
  return new MultipartBody(parts, boundary);
}

/**
 * Whether `files` holds any entry (Python's truthiness of the `files` argument).
 * @throws TypeError when `files` is not a collection.
 */
export function hasFiles(files: FilesInput | null | undefined): files is FilesInput {
  if (files == null) return false;
  if (typeof files !== 'object') {
    // requests' to_key_val_list refuses these too (ValueError); silence would drop the upload.
    throw new TypeError(
      `files must be an object, a Map or a list of [name, file] pairs, not ${typeof files}`,
    );
  }
  if (Array.isArray(files)) return files.length > 0;
  if (files instanceof Map) return files.size > 0;
  if (typeof (files as Iterable<unknown>)[Symbol.iterator] === 'function') return true;
  for (const _ in files) return true;
  return false;
}
