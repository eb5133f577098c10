import { knownLength } from './body.js';

/**
 * The byte length of a body (requests' `super_len`): strings as UTF-8, bytes, Blobs, files and
 * file streams by their size, a multipart body by its length; 0 when it cannot be known without
 * reading, as requests returns.
 * @example superLen('héllo') // 6
 */
export function superLen(body: unknown): number {
  return knownLength(body) ?? 0;
}
