/**
 * The small utilities of requests' `utils.py` that users call directly and no other module
 * needs: URL clean-up, header list parsing, encodings declared in content, netmasks.
 */
import { VERSION } from '../_internal/version.js';
import { parseHttpList } from '../auth.js';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * The URL without its fragment and its `user:password@` (requests' `urldefragauth`).
 * @example urldefragauth('http://u:p@h.org/p?q=1#top') // 'http://h.org/p?q=1'
 */
export function urldefragauth(url: string): string {
  const hash = url.indexOf('#');
  const noFragment = hash === -1 ? url : url.slice(0, hash);
  const m = SCHEME.exec(noFragment);
  const scheme = m ? m[1]! : '';
  let rest = m ? noFragment.slice(m[0].length) : noFragment;
  if (rest.startsWith('//')) rest = rest.slice(2);
  const end = rest.search(/[/?]/);
  const netloc = end === -1 ? rest : rest.slice(0, end);
  const at = netloc.lastIndexOf('@');
  const clean = rest.slice(at + 1);
  return scheme ? `${scheme}://${clean}` : `//${clean}`;
}

/**
 * Unquotes a quoted header value as browsers do (requests' `unquote_header_value`); with
 * `isFilename`, a quoted UNC path (`"\\\\server\\share"`) keeps its backslashes.
 * @example unquoteHeaderValue('"a \\"b\\""') // 'a "b"'
 */
export function unquoteHeaderValue(value: string, isFilename = false): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    const inner = value.slice(1, -1);
    if (!isFilename || !inner.startsWith('\\\\')) {
      return inner.replaceAll('\\\\', '\\').replaceAll('\\"', '"');
    }
    return inner;
  }
  return value;
}

/**
 * A comma-separated header list whose items may be quoted strings holding commas (requests'
 * `parse_list_header`, RFC 2068 section 2); quotes are removed.
 * @example parseListHeader('token, "quoted, value"') // ['token', 'quoted, value']
 */
export function parseListHeader(value: string): string[] {
  return parseHttpList(value).map((item) =>
    item.length >= 2 && item.startsWith('"') && item.endsWith('"')
      ? unquoteHeaderValue(item)
      : item,
  );
}

const CHARSET_RE = /<meta.*?charset=["']*(.+?)["'>]/gis;
const PRAGMA_RE = /<meta.*?content=["']*;?charset=(.+?)["'>]/gis;
const XML_RE = /^<\?xml.*?encoding=["']*(.+?)["'>]/s;

/**
 * The encodings an HTML or XML document declares (requests' `get_encodings_from_content`):
 * `<meta charset>`, `<meta http-equiv content="...;charset=">`, then `<?xml encoding>`.
 * @example getEncodingsFromContent('<meta charset="utf-8">') // ['utf-8']
 */
export function getEncodingsFromContent(content: string): string[] {
  const found = (re: RegExp) => Array.from(content.matchAll(re), (m) => m[1]!);
  const xml = XML_RE.exec(content);
  return [...found(CHARSET_RE), ...found(PRAGMA_RE), ...(xml ? [xml[1]!] : [])];
}

/**
 * A `/xx` netmask in dotted form (requests' `dotted_netmask`).
 * @example dottedNetmask(24) // '255.255.255.0'
 */
export function dottedNetmask(mask: number): string {
  if (!Number.isInteger(mask) || mask < 0 || mask > 32) {
    throw new RangeError(`dottedNetmask: mask must be a whole number from 0 to 32, got ${mask}`);
  }
  const bits = mask === 0 ? 0 : (0xffffffff << (32 - mask)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 255).join('.');
}

/**
 * The default User-Agent, `name/version` (requests' `default_user_agent`).
 * @default name 'requests-ts'
 * @example defaultUserAgent() // 'requests-ts/0.1.0'
 */
export function defaultUserAgent(name = 'requests-ts'): string {
  return `${name}/${VERSION}`;
}
