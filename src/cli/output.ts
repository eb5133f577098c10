/**
 * What the command line prints: request and response heads, bodies pretty-printed and coloured
 * on a terminal, exact bytes when piped, a note instead of binary data on a terminal.
 */
import type { PreparedRequest, Response } from '../index.js';

/** How to render: colours (ANSI) and/or formatting (pretty JSON). */
export interface Style {
  colors: boolean;
  format: boolean;
}

const C = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  cyan: '\x1b[36m',
  blue: '\x1b[34m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  red: '\x1b[31m',
  magenta: '\x1b[35m',
  grey: '\x1b[90m',
};

export const BINARY_NOTE =
  '+-----------------------------------------+\n' +
  '| NOTE: binary data not shown in terminal |\n' +
  '+-----------------------------------------+';

function paint(on: boolean, color: string, text: string): string {
  return on ? `${color}${text}${C.reset}` : text;
}

function headerLines(entries: Iterable<[string, unknown]>, colors: boolean): string {
  let out = '';
  for (const [k, v] of entries) {
    if (v === null || v === undefined) continue;
    out += `${paint(colors, C.cyan, k)}: ${String(v)}\n`;
  }
  return out;
}

/** The request line and headers, as sent (Host first, as on the wire). */
export function formatRequestHead(req: PreparedRequest, style: Style): string {
  const url = new URL(req.url ?? '');
  const target = `${url.pathname}${url.search}`;
  const line = `${paint(style.colors, C.green, req.method ?? 'GET')} ${paint(style.colors, C.cyan, target)} HTTP/1.1\n`;
  const headers: [string, unknown][] = [];
  // Over a Unix socket (http+unix://) the Host sent is localhost, as requests-unixsocket's.
  const host = url.protocol.endsWith('+unix:') ? 'localhost' : url.host;
  if (!req.headers.has('Host')) headers.push(['Host', host]);
  for (const entry of req.headers) headers.push(entry);
  return line + headerLines(headers, style.colors);
}

/** The status line and headers of a response. */
export function formatResponseHead(r: Response, style: Style): string {
  const version = r.raw?.version === 20 ? 'HTTP/2' : 'HTTP/1.1';
  const color = r.statusCode < 300 ? C.green : r.statusCode < 400 ? C.yellow : C.red;
  const status = paint(style.colors, color, `${r.statusCode} ${r.reason ?? ''}`.trimEnd());
  return `${paint(style.colors, C.blue, version)} ${status}\n${headerLines(r.headers, style.colors)}`;
}

/** True when the bytes look binary (a NUL in the first 8 KiB, as HTTPie and git decide). */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

/**
 * A body for a terminal: binary replaced by a note, JSON indented (4, as HTTPie) and coloured.
 * Bytes are returned unchanged when neither colours nor formatting apply.
 */
export function formatBody(
  bytes: Uint8Array,
  contentType: string | undefined,
  style: Style,
  terminal: boolean,
): string | Uint8Array {
  if (bytes.length === 0) return bytes;
  if (terminal && isBinary(bytes)) return `${BINARY_NOTE}\n`;
  if (!style.format && !style.colors) return bytes;
  const text = new TextDecoder().decode(bytes);
  if (!looksJson(contentType, text)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const pretty = style.format ? `${JSON.stringify(value, null, 4)}\n` : text;
  return style.colors ? colorJson(pretty) : pretty;
}

function looksJson(contentType: string | undefined, text: string): boolean {
  if (contentType !== undefined && /[/+]json\b|javascript/i.test(contentType)) return true;
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

const TOKEN =
  /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Colours JSON text token by token (keys blue, strings green, literals magenta, numbers yellow). */
export function colorJson(text: string): string {
  return text.replace(TOKEN, (m, str, colon, lit, num) => {
    if (str !== undefined)
      return colon !== undefined
        ? `${C.blue}${str}${C.reset}${colon}`
        : `${C.green}${str}${C.reset}`;
    if (lit !== undefined) return `${C.magenta}${lit}${C.reset}`;
    if (num !== undefined) return `${C.yellow}${num}${C.reset}`;
    return m;
  });
}

/** The request body as text for --verbose/--offline (a note for streams and binary). */
export function requestBodyBytes(req: PreparedRequest): Uint8Array | null {
  const body = req.body as unknown;
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  return new TextEncoder().encode('(streamed body not shown)');
}

/**
 * The phases of `r.timings` that happened, then whether the connection was reused, e.g.
 * `dns: 0.4 ms  connect: 0.3 ms  request: 0.1 ms  firstByte: 2.0 ms  download: 0.2 ms  total: 3.1 ms
 * reused: no`; `totalMs` (measured by the caller) stands in for a total not known.
 */
export function formatTimings(r: Response, totalMs: number): string {
  const timings = r.timings;
  const parts: string[] = [];
  for (const phase of PHASES) {
    const ms = timings[phase];
    if (typeof ms === 'number') parts.push(`${phase}: ${ms.toFixed(1)} ms`);
  }
  if (timings.total === null) parts.push(`total: ${totalMs.toFixed(1)} ms`);
  parts.push(`reused: ${timings.reused ? 'yes' : 'no'}`);
  return parts.join('  ');
}

const PHASES = [
  'queued',
  'dns',
  'connect',
  'tls',
  'request',
  'firstByte',
  'download',
  'total',
] as const;
