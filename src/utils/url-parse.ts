/**
 * urllib3's `parse_url` (RFC 3986 / RFC 6874), which requests' `prepare_url` relies on: it splits
 * a URL, lower-cases scheme and host, IDNA-encodes non-ASCII host labels, removes dot segments and
 * percent-encodes the characters each component may not hold. Only the slow path of
 * {@link prepareUrl} comes here; plain ASCII URLs never do.
 */
import { domainToASCII } from 'node:url';
import { InvalidURL } from '../errors.js';

/** A parsed URL as urllib3's `Url`: absent parts are `null`; scheme and host are lower-cased. */
export interface ParsedUrl {
  scheme: string | null;
  auth: string | null;
  host: string | null;
  port: number | null;
  path: string | null;
  query: string | null;
  fragment: string | null;
}

const SCHEME_RE = /^(?:[a-zA-Z][a-zA-Z0-9+-]*:|\/)/;
const URI_RE =
  /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^\\/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#([\s\S]*))?$/;

const IPV4 = '(?:[0-9]{1,3}\\.){3}[0-9]{1,3}';
const HEX = '[0-9A-Fa-f]{1,4}';
const LS32 = `(?:${HEX}:${HEX}|${IPV4})`;
const IPV6 = `(?:${[
  `(?:${HEX}:){6}${LS32}`,
  `::(?:${HEX}:){5}${LS32}`,
  `(?:${HEX})?::(?:${HEX}:){4}${LS32}`,
  `(?:(?:${HEX}:)?${HEX})?::(?:${HEX}:){3}${LS32}`,
  `(?:(?:${HEX}:){0,2}${HEX})?::(?:${HEX}:){2}${LS32}`,
  `(?:(?:${HEX}:){0,3}${HEX})?::${HEX}:${LS32}`,
  `(?:(?:${HEX}:){0,4}${HEX})?::${LS32}`,
  `(?:(?:${HEX}:){0,5}${HEX})?::${HEX}`,
  `(?:(?:${HEX}:){0,6}${HEX})?::`,
].join('|')})`;
const UNRESERVED_PAT = 'A-Za-z0-9._\\-~';
const ZONE_ID = `(?:%25|%)(?:[${UNRESERVED_PAT}]|%[a-fA-F0-9]{2})+`;
const IPV6_ADDRZ = `\\[${IPV6}(?:${ZONE_ID})?\\]`;
const REG_NAME = '(?:[^\\[\\]%:/?#]|%[a-fA-F0-9]{2})*';
const IPV4_RE = new RegExp(`^${IPV4}$`);
const IPV6_ADDRZ_RE = new RegExp(`^${IPV6_ADDRZ}$`);
const ZONE_ID_RE = new RegExp(`(${ZONE_ID})\\]$`);
const HOST_PORT_RE = new RegExp(
  `^(${REG_NAME}|${IPV4}|${IPV6_ADDRZ})(?::0*?(|0|[1-9][0-9]{0,4}))?$`,
);
const PERCENT_RE = /%[a-fA-F0-9]{2}/g;

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UNRESERVED_CHARS = `${ALNUM}._-~`;
const USERINFO_CHARS = `${UNRESERVED_CHARS}!$&'()*+,;=:`;
const PATH_CHARS = `${USERINFO_CHARS}@/`;
const QUERY_CHARS = `${PATH_CHARS}?`;
const UNRESERVED_TABLE = charTable(UNRESERVED_CHARS);
const USERINFO_TABLE = charTable(USERINFO_CHARS);
/** Characters urllib3 leaves as they are in a path. */
const PATH_TABLE: Uint8Array = charTable(PATH_CHARS);
/** Characters urllib3 leaves as they are in a query or a fragment. */
const QUERY_TABLE: Uint8Array = charTable(QUERY_CHARS);

/** `%00`..`%FF`, upper-case, by byte value. */
export const PERCENT_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
);

/**
 * Percent-encodes every character of `s` that `safe` (an ASCII table) does not allow, as
 * UTF-8 bytes; `keepPercent` also leaves `%` alone. Returns `s` itself when nothing changes.
 */
export function quoteChars(s: string, safe: Uint8Array, keepPercent = false): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && (safe[c] === 1 || (keepPercent && c === 37))) continue;
    out += s.slice(last, i);
    if (c < 128) {
      out += PERCENT_HEX[c];
      last = i + 1;
      continue;
    }
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) >= 128) j++;
    for (const b of Buffer.from(s.slice(i, j), 'utf8')) out += PERCENT_HEX[b];
    i = j - 1;
    last = j;
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * urllib3's `_encode_invalid_chars`: upper-cases existing percent-escapes and encodes the rest,
 * leaving `%` alone only when every `%` already starts a valid escape.
 */
function encodeInvalidChars(component: string, allowed: Uint8Array): string {
  let escapes = 0;
  const normalized = component.replace(PERCENT_RE, (m) => {
    escapes++;
    return m.toUpperCase();
  });
  let percents = 0;
  for (let i = normalized.indexOf('%'); i !== -1; i = normalized.indexOf('%', i + 1)) percents++;
  return quoteChars(normalized, allowed, escapes === percents);
}

/**
 * Resolves a reference against an absolute base URL (RFC 3986 §5.2.2, as Python's `urljoin`
 * that requests' redirects use): only splitting and dot segments, nothing re-encoded or
 * normalised (the WHATWG URL parser would, outside requests' rules and our error table). An
 * absolute `ref` is returned as it is; the result has `ref`'s fragment, if any.
 * @example joinUrl('http://h/a/b?q', '../c') // 'http://h/c'
 */
export function joinUrl(base: string, ref: string): string {
  const b = URI_RE.exec(base);
  const r = URI_RE.exec(ref);
  if (b === null || r === null || r[1] !== undefined || b[1] === undefined) return ref;
  const fragment = r[5] === undefined ? '' : `#${r[5]}`;
  return joined(b, r) + fragment;
}

function joined(b: RegExpExecArray, r: RegExpExecArray): string {
  const head = `${b[1]}:`;
  if (r[2] !== undefined) return `${head}//${r[2]}${removeDotSegments(r[3]!)}${queryPart(r[4])}`;
  const authority = b[2] === undefined ? '' : `//${b[2]}`;
  const refPath = r[3]!;
  if (refPath === '') {
    return `${head}${authority}${b[3]!}${queryPart(r[4] ?? b[4])}`;
  }
  let path: string;
  if (refPath[0] === '/') path = refPath;
  else {
    const basePath = b[3]!;
    path =
      b[2] !== undefined && basePath === ''
        ? `/${refPath}`
        : basePath.slice(0, basePath.lastIndexOf('/') + 1) + refPath;
  }
  return `${head}${authority}${removeDotSegments(path)}${queryPart(r[4])}`;
}

function queryPart(query: string | undefined): string {
  return query === undefined ? '' : `?${query}`;
}

/** RFC 3986 section 5.2.4, as urllib3's `_remove_path_dot_segments`. */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '.') continue;
    if (segment !== '..') output.push(segment);
    else if (output.length > 0) output.pop();
  }
  if (path.startsWith('/') && (output.length === 0 || output[0] !== '')) output.unshift('');
  if (path.endsWith('/.') || path.endsWith('/..')) output.push('');
  return output.join('/');
}

// IDNA 2008 admits letters, marks, digits and hyphens; symbols (☃, €), punctuation and spaces
// are disallowed, as the `idna` package urllib3 uses rejects them.
const IDNA_LABEL_RE = /^[\p{L}\p{M}\p{Nd}-]+$/u;
const LDH_RE = /^[a-z0-9-]+$/;

const STRICT_ASCII_LABEL_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * One host label IDNA-encoded as urllib3 does (ASCII labels only lower-cased, or held to the
 * letters-digits-hyphen rule when `strict`); `null` for a label IDNA rejects. urllib3 uses the
 * `idna` package; the conversion here is Node's UTS #46 one.
 */
function idnaLabel(label: string, strict = false): string | null {
  const lower = label.toLowerCase();
  if (/^[\x00-\x7f]*$/.test(lower)) {
    return !strict || STRICT_ASCII_LABEL_RE.test(lower) ? lower : null;
  }
  if (!IDNA_LABEL_RE.test(lower) || lower.startsWith('-') || lower.endsWith('-')) return null;
  const ascii = domainToASCII(lower);
  return LDH_RE.test(ascii) ? ascii : null;
}

/**
 * The host with each label through {@link idnaLabel}; `null` when a label is rejected. `strict`
 * is the `idna.encode(host)` requests applies to a whole host: every label checked, a trailing
 * dot allowed.
 */
export function idnaHost(host: string, strict = false): string | null {
  const labels = host.split('.');
  const last = strict && labels.length > 1 && labels[labels.length - 1] === '' ? 1 : 0;
  for (let i = 0; i < labels.length - last; i++) {
    const label = idnaLabel(labels[i]!, strict);
    if (label === null) return null;
    labels[i] = label;
  }
  return labels.join('.');
}

function normalizeHost(host: string | null, scheme: string | null): string | null {
  if (!host || !(scheme === null || scheme === 'http' || scheme === 'https')) return host;
  if (IPV6_ADDRZ_RE.test(host)) {
    const m = ZONE_ID_RE.exec(host);
    if (!m) return host.toLowerCase();
    const start = m.index;
    const end = start + m[1]!.length;
    let zone = host.slice(start, end);
    zone = zone.startsWith('%25') && zone !== '%25' ? zone.slice(3) : zone.slice(1);
    zone = encodeInvalidChars(zone, UNRESERVED_TABLE);
    return `${host.slice(0, start).toLowerCase()}%${zone}${host.slice(end)}`;
  }
  if (IPV4_RE.test(host)) return host;
  const encoded = idnaHost(host);
  if (encoded === null) throw new Error(`Name '${host}' is not a valid IDNA label`);
  return encoded;
}

/**
 * urllib3's `parse_url`. Throws {@link InvalidURL} `Failed to parse: <url>` (urllib3's
 * LocationParseError as requests re-raises it) for a bad port or host.
 */
export function parseUrl(url: string): ParsedUrl {
  if (!url) {
    return {
      scheme: null,
      auth: null,
      host: null,
      port: null,
      path: null,
      query: null,
      fragment: null,
    };
  }
  try {
    return parseParts(SCHEME_RE.test(url) ? url : `//${url}`);
  } catch (err) {
    throw new InvalidURL(`Failed to parse: ${url}`, { cause: err });
  }
}

function parseParts(url: string): ParsedUrl {
  const m = URI_RE.exec(url);
  if (!m) throw new Error('no match');
  const scheme = m[1] === undefined ? null : m[1].toLowerCase();
  // urllib3 normalises http(s) only; http over a Unix socket is HTTP too, so its path, query and
  // user info are normalised the same way (its host, a socket path, is kept as written).
  const normalize =
    scheme === null ||
    scheme === 'http' ||
    scheme === 'https' ||
    scheme === 'http+unix' ||
    scheme === 'https+unix';
  const authority = m[2];
  let path: string | null = m[3] ?? null;
  let query: string | null = m[4] ?? null;
  let fragment: string | null = m[5] ?? null;
  let auth: string | null = null;
  let host: string | null = null;
  let port: number | null = null;
  if (authority) {
    const at = authority.lastIndexOf('@');
    auth = at > 0 ? authority.slice(0, at) : null;
    const hp = HOST_PORT_RE.exec(authority.slice(at + 1));
    if (!hp) throw new Error('bad host or port');
    host = hp[1]!;
    if (auth && normalize) auth = encodeInvalidChars(auth, USERINFO_TABLE);
    if (hp[2]) port = Number(hp[2]);
    if (port !== null && port > 65535) throw new Error('port out of range');
  }
  host = normalizeHost(host, scheme);
  if (normalize && path) path = encodeInvalidChars(removeDotSegments(path), PATH_TABLE);
  if (normalize && query) query = encodeInvalidChars(query, QUERY_TABLE);
  if (normalize && fragment) fragment = encodeInvalidChars(fragment, QUERY_TABLE);
  if (!path) path = query !== null || fragment !== null ? '' : null;
  if (path && !path.startsWith('/')) path = `/${path}`;
  return { scheme, auth, host, port, path, query, fragment };
}
