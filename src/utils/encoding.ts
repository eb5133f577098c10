/**
 * Character encodings of response bodies, as requests finds and applies them: the charset of the
 * Content-Type header (`getEncodingFromHeaders`), the UTF of a JSON body (`guessJsonUtf`), a
 * detector for the rest (`apparentEncoding`), and decoding by a Python codec name with
 * `errors='replace'` (`decodeBytes`, `getIncrementalDecoder`).
 */
import { chardetModule } from '../_internal/optional.js';
import type { CaseInsensitiveDict } from '../structures.js';

/** Headers as `getEncodingFromHeaders` takes them. */
export type HeadersLike =
  | CaseInsensitiveDict<string>
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null | undefined }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue;
    const v = record[key];
    return typeof v === 'string' ? v : v?.join(', ');
  }
  return undefined;
}

/**
 * A Content-Type value split into its media type and its parameters (lower-cased names, values
 * stripped of quotes and spaces), as requests' `_parse_content_type_header`.
 * @example
 * parseContentTypeHeader('text/html; Charset="UTF-8"'); // ['text/html', { charset: 'UTF-8' }]
 */
export function parseContentTypeHeader(header: string): [string, Record<string, string>] {
  const tokens = header.split(';');
  const params: Record<string, string> = {};
  for (const raw of tokens.slice(1)) {
    const param = raw.trim();
    const eq = param.indexOf('=');
    if (param === '' || eq === -1) continue;
    const key = stripChars(param.slice(0, eq), `"' `).toLowerCase();
    params[key] = stripChars(param.slice(eq + 1), `"' `);
  }
  return [(tokens[0] ?? '').trim(), params];
}

/** Python's `str.strip(chars)`. */
export function stripChars(value: string, chars: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && chars.includes(value[start] as string)) start++;
  while (end > start && chars.includes(value[end - 1] as string)) end--;
  return value.slice(start, end);
}

/**
 * The encoding a response's headers declare, by requests' rules: the `charset` parameter;
 * otherwise ISO-8859-1 for `text` types (RFC 2616) and utf-8 for `application/json` (RFC 4627);
 * otherwise null. Takes a CaseInsensitiveDict, anything with `get`, or a plain record.
 * @example
 * getEncodingFromHeaders({ 'content-type': 'text/plain' }); // 'ISO-8859-1'
 */
export function getEncodingFromHeaders(headers: HeadersLike): string | null {
  const value = headerValue(headers, 'content-type');
  if (!value) return null;
  const [contentType, params] = parseContentTypeHeader(value);
  if ('charset' in params) return stripChars(params.charset as string, `'"`);
  // Substring and case-sensitive tests, exactly as requests makes them.
  if (contentType.includes('text')) return 'ISO-8859-1';
  if (contentType.includes('application/json')) return 'utf-8';
  return null;
}

/**
 * The UTF a JSON body is in, found from its BOM or from where its first four bytes hold nulls
 * (JSON starts with two ASCII characters), as requests' `guess_json_utf`; null when none fits.
 * @example
 * guessJsonUtf(new Uint8Array([0x7b, 0, 0x7d, 0])); // 'utf-16-le'
 */
export function guessJsonUtf(data: Uint8Array): string | null {
  const b = data.subarray(0, 4);
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  if (b.length === 4 && b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return 'utf-32';
  if (b.length === 4 && b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return 'utf-32';
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8-sig';
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return 'utf-16';
  let nulls = 0;
  for (const x of b) if (x === 0) nulls++;
  if (nulls === 0) return 'utf-8';
  if (nulls === 2 && b.length >= 3 && b0 === 0 && b2 === 0) return 'utf-16-be';
  if (nulls === 2 && b.length >= 4 && b1 === 0 && b3 === 0) return 'utf-16-le';
  if (nulls === 3 && b.length >= 3 && b0 === 0 && b1 === 0 && b2 === 0) return 'utf-32-be';
  if (nulls === 3 && b.length === 4 && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32-le';
  return null;
}

/** How undecodable bytes are handled: U+FFFD in their place, or an error. */
export type DecodeErrors = 'replace' | 'strict';

/** A decoder fed a byte stream piece by piece (Python's incremental decoder). */
export interface IncrementalDecoder {
  /** Decodes `chunk`; bytes of a character cut at its end wait for the next call unless `final`. */
  decode(chunk: Uint8Array, final?: boolean): string;
}

interface Factory {
  (errors: DecodeErrors): IncrementalDecoder;
  /** Decodes a whole buffer, when the codec has a faster way than a fresh incremental decoder. */
  oneShot?: (data: Uint8Array, errors: DecodeErrors) => string;
}

function textDecoder(label: string, ignoreBOM: boolean): Factory {
  const factory: Factory = (errors) => {
    const d = new TextDecoder(label, { fatal: errors === 'strict', ignoreBOM });
    return { decode: (chunk, final = false) => d.decode(chunk, { stream: !final }) };
  };
  // A non-streaming decode() starts afresh each call, so one decoder serves every whole-buffer
  // decode: making a TextDecoder costs more than decoding a small body.
  const shared: Partial<Record<DecodeErrors, InstanceType<typeof TextDecoder>>> = {};
  factory.oneShot = (data, errors) => {
    shared[errors] ??= new TextDecoder(label, { fatal: errors === 'strict', ignoreBOM });
    return shared[errors].decode(data);
  };
  return factory;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}

/** ISO-8859-1 proper: every byte is the code point of the same number (WHATWG maps it to cp1252). */
const latin1: Factory = () => ({ decode: (chunk) => asBuffer(chunk).toString('latin1') });

const ascii: Factory = (errors) => ({
  decode(chunk) {
    const text = asBuffer(chunk).toString('latin1');
    if (!/[\x80-\xff]/.test(text)) return text;
    if (errors === 'strict') throw new TypeError("'ascii' codec can't decode a byte over 0x7f");
    return text.replace(/[\x80-\xff]/g, '\ufffd');
  },
});

/** cp1252's 0x80-0x9f, as Python has them (U+FFFD: undefined there). */
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

/** windows-1252, done here: Node's TextDecoder decodes that label as ISO-8859-1. */
const cp1252: Factory = (errors) => ({
  decode(chunk) {
    const text = asBuffer(chunk).toString('latin1');
    if (!/[\x80-\x9f]/.test(text)) return text;
    return text.replace(/[\x80-\x9f]/g, (c) => {
      const mapped = CP1252_HIGH[c.charCodeAt(0) - 0x80] as string;
      if (mapped === '\ufffd' && errors === 'strict') {
        throw new TypeError("'charmap' codec can't decode a byte undefined in cp1252");
      }
      return mapped;
    });
  },
});

/** Python's `utf-16`: the BOM says the byte order and is dropped; little-endian without one. */
const utf16: Factory = (errors) => {
  let inner: IncrementalDecoder | null = null;
  let head: Uint8Array = new Uint8Array(0);
  return {
    decode(chunk, final = false) {
      if (inner) return inner.decode(chunk, final);
      head = joinBytes(head, chunk);
      if (head.length < 2 && !final) return '';
      const be = head[0] === 0xfe && head[1] === 0xff;
      inner = textDecoder(be ? 'utf-16be' : 'utf-16le', false)(errors);
      return inner.decode(head, final);
    },
  };
};

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** UTF-32, which TextDecoder lacks. `bom`: read a BOM to choose the order (Python's `utf-32`). */
function utf32(order: 'le' | 'be' | 'bom'): Factory {
  return (errors) => {
    let rest: Uint8Array = new Uint8Array(0);
    let littleEndian = order !== 'be';
    let started = order !== 'bom';
    return {
      decode(chunk, final = false) {
        let data = joinBytes(rest, chunk);
        if (!started) {
          if (data.length < 4 && !final) {
            rest = data;
            return '';
          }
          started = true;
          const view = data.length >= 4 ? readUint32(data, 0, true) : -1;
          if (view === 0xfeff || view === 0xfffe0000) {
            littleEndian = view === 0xfeff;
            data = data.subarray(4);
          }
        }
        const whole = data.length - (data.length % 4);
        rest = data.slice(whole);
        let out = utf32Units(data.subarray(0, whole), littleEndian, errors);
        if (final && rest.length > 0) out += replaceOrThrow(errors, 'truncated data');
        return out;
      },
    };
  };
}

function readUint32(data: Uint8Array, at: number, littleEndian: boolean): number {
  return new DataView(data.buffer, data.byteOffset + at, 4).getUint32(0, littleEndian);
}

function utf32Units(data: Uint8Array, littleEndian: boolean, errors: DecodeErrors): string {
  let out = '';
  for (let at = 0; at < data.length; at += 4) {
    const cp = readUint32(data, at, littleEndian);
    const valid = cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    out += valid ? String.fromCodePoint(cp) : replaceOrThrow(errors, 'code point not in range');
  }
  return out;
}

function replaceOrThrow(errors: DecodeErrors, reason: string): string {
  if (errors === 'strict') throw new TypeError(`'utf-32' codec can't decode bytes: ${reason}`);
  return '\ufffd';
}

/**
 * Python codec names (normalised: lower case, runs of other characters than letters, digits and
 * dots turned into '_') whose meaning differs from the WHATWG label of the same name, or that
 * WHATWG lacks.
 */
const PYTHON_CODECS: Readonly<Record<string, Factory>> = (() => {
  const table: Record<string, Factory> = {};
  const add = (names: string, f: Factory) => {
    for (const n of names.split(' ')) table[n] = f;
  };
  add('latin_1 latin1 latin l1 iso_8859_1 iso8859_1 iso88591 8859 cp819 iso_ir_100', latin1);
  add('iso_8859_1_1987 csisolatin1 ibm819', latin1);
  add('ascii us_ascii 646 us ansi_x3.4_1968 ansi_x3_4_1968 iso646_us cp367 ibm367 csascii', ascii);
  add('utf_8 utf8 u8 utf cp65001 utf8_ucs2 utf8_ucs4', textDecoder('utf-8', true));
  add('utf_8_sig utf8_sig', textDecoder('utf-8', false));
  add('utf_16 utf16 u16', utf16);
  add('utf_16_le utf_16le utf16le unicodelittleunmarked', textDecoder('utf-16le', true));
  add('utf_16_be utf_16be utf16be unicodebigunmarked', textDecoder('utf-16be', true));
  add('utf_32 utf32 u32', utf32('bom'));
  add('utf_32_le utf_32le utf32le', utf32('le'));
  add('utf_32_be utf_32be utf32be', utf32('be'));
  add('cp932 ms932 mskanji ms_kanji', textDecoder('shift_jis', true));
  add('cp936 ms936', textDecoder('gbk', true));
  add('cp949 ms949 uhc', textDecoder('euc-kr', true));
  add('cp950 ms950', textDecoder('big5', true));
  add('mac_roman macroman macintosh', textDecoder('macintosh', true));
  add('cp1252 windows_1252 x_cp1252 1252', cp1252);
  return table;
})();

const resolved = new Map<string, Factory | null>();

function normalise(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function resolve(encoding: string): Factory | null {
  const key = normalise(encoding);
  let factory = resolved.get(key);
  if (factory !== undefined) return factory;
  factory = Object.hasOwn(PYTHON_CODECS, key) ? (PYTHON_CODECS[key] as Factory) : null;
  for (const label of [encoding.trim(), key.replace(/_/g, '-'), key]) {
    if (factory) break;
    try {
      new TextDecoder(label);
      factory = textDecoder(label, true);
    } catch {
      // not a WHATWG label: try the next spelling
    }
  }
  if (resolved.size < 256) resolved.set(key, factory);
  return factory;
}

/** True when `encoding` names a codec we can decode. */
export function isKnownEncoding(encoding: string): boolean {
  return resolve(encoding) !== null;
}

/**
 * An incremental decoder for the Python codec or WHATWG label `encoding`.
 * @throws RangeError when the encoding is unknown (Python's LookupError).
 */
export function getIncrementalDecoder(
  encoding: string,
  errors: DecodeErrors = 'replace',
): IncrementalDecoder {
  return codec(encoding)(errors);
}

function codec(encoding: string): Factory {
  const factory = resolve(encoding);
  if (!factory) {
    throw new RangeError(
      `unknown encoding: ${encoding} (set a charset that Python or WHATWG names)`,
    );
  }
  return factory;
}

/**
 * `data` decoded with `encoding`, as Python's `str(data, encoding, errors)`.
 * @throws RangeError for an unknown encoding; TypeError for undecodable bytes when `strict`.
 * @example
 * decodeBytes(new Uint8Array([0xe9]), 'ISO-8859-1'); // 'é'
 */
export function decodeBytes(
  data: Uint8Array,
  encoding: string,
  errors: DecodeErrors = 'replace',
): string {
  const factory = codec(encoding);
  return factory.oneShot ? factory.oneShot(data, errors) : factory(errors).decode(data, true);
}

/** Bytes the detector looks at: enough to tell, little enough to stay fast on large bodies. */
const DETECT_SAMPLE = 64 * 1024;

/**
 * The encoding a detector finds in `content` (requests' `apparent_encoding`), lower-cased;
 * 'utf-8' for empty content (as charset_normalizer says), null when nothing fits.
 */
export function apparentEncoding(content: Uint8Array): string | null {
  if (content.length === 0) return 'utf-8';
  return chardetModule().detect(content.subarray(0, DETECT_SAMPLE))?.toLowerCase() ?? null;
}
