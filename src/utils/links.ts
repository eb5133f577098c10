/**
 * The Link header (RFC 8288) parsed as requests' `parse_header_links` parses it, quirks kept:
 * links split on `, *<`, parameters on `;`, and a parameter without exactly one `=` ends the
 * parameters of its link.
 */
import { stripChars } from './encoding.js';

/** One link: its `url` and its parameters (`rel`, `type`, ...), all strings. */
export type HeaderLink = Record<string, string>;

const REPLACE_CHARS = ` '"`;

/** Sets a key as an own property, so that even `__proto__` is kept as a plain entry. */
export function setEntry<V>(target: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * The links of a Link header value.
 * @example
 * parseHeaderLinks('<http://x/front.jpeg>; rel=front; type="image/jpeg"');
 * // [{ url: 'http://x/front.jpeg', rel: 'front', type: 'image/jpeg' }]
 */
export function parseHeaderLinks(value: string): HeaderLink[] {
  const links: HeaderLink[] = [];
  const trimmed = stripChars(value, REPLACE_CHARS);
  if (!trimmed) return links;
  for (const val of trimmed.split(/, *</)) {
    const semi = val.indexOf(';');
    const url = semi === -1 ? val : val.slice(0, semi);
    const params = semi === -1 ? '' : val.slice(semi + 1);
    const link: HeaderLink = {};
    setEntry(link, 'url', stripChars(url, `<> '"`));
    for (const param of params.split(';')) {
      const parts = param.split('=');
      if (parts.length !== 2) break; // Python's tuple unpacking fails, and the loop stops
      setEntry(
        link,
        stripChars(parts[0] as string, REPLACE_CHARS),
        stripChars(parts[1] as string, REPLACE_CHARS),
      );
    }
    links.push(link);
  }
  return links;
}
