/**
 * How a request's settings combine with the Session's (requests' `merge_setting` and
 * `merge_hooks`): the request wins, and a `null` value in a merged mapping removes the key.
 */

import type { Hooks, HooksInput } from '../hooks.js';
import type { HeadersInput, HeaderValue } from '../models/prepared-request.js';
import { CaseInsensitiveDict, type DictInit } from '../structures.js';

type Mapping<V> = Readonly<Record<string, V>> | ReadonlyMap<string, V> | CaseInsensitiveDict<V>;

/**
 * Python's `isinstance(x, Mapping)`: plain objects, Maps and CaseInsensitiveDicts. Arrays of
 * entries, URLSearchParams, auth tuples and class instances are not: the request's value wins
 * whole, as requests does with a list of tuples.
 */
function isMapping(value: unknown): value is Mapping<unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Map || value instanceof CaseInsensitiveDict) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function* pairsOf<V>(value: Mapping<V>): Iterable<readonly [string, V]> {
  if (value instanceof CaseInsensitiveDict || value instanceof Map) {
    yield* value as Iterable<readonly [string, V]>;
  } else {
    for (const key of Object.keys(value)) yield [key, (value as Record<string, V>)[key] as V];
  }
}

/**
 * The request's setting over the Session's. Mappings are merged key by key (request wins) and
 * keys set to `null` are dropped, as requests' `merge_setting`.
 */
export function mergeSetting<T>(
  requestSetting: T | null | undefined,
  sessionSetting: T | null | undefined,
): T | null | undefined {
  if (sessionSetting == null) return requestSetting;
  if (requestSetting == null) return sessionSetting;
  if (!isMapping(sessionSetting) || !isMapping(requestSetting)) return requestSetting;
  if (isEmptyRecord(sessionSetting)) return requestSetting;
  const merged = new Map<string, unknown>();
  for (const [k, v] of pairsOf(sessionSetting)) merged.set(k, v);
  for (const [k, v] of pairsOf(requestSetting)) merged.set(k, v);
  for (const [k, v] of merged) if (v == null) merged.delete(k);
  return Object.fromEntries(merged) as T;
}

/**
 * Headers of the Session and of the request, case-insensitively; a `null` request value removes a
 * Session header. Allocates one dict.
 */
export function mergeHeaders(
  requestHeaders: HeadersInput,
  sessionHeaders: CaseInsensitiveDict<HeaderValue | null>,
): CaseInsensitiveDict<HeaderValue> {
  const merged = new CaseInsensitiveDict<HeaderValue | null | undefined>(sessionHeaders);
  if (requestHeaders != null)
    merged.update(requestHeaders as DictInit<HeaderValue | null | undefined>);
  // Deleting the entry being visited is safe while a Map is iterated.
  merged.forEach(dropNull);
  return merged as CaseInsensitiveDict<HeaderValue>;
}

function dropNull(
  value: HeaderValue | null | undefined,
  key: string,
  dict: CaseInsensitiveDict<HeaderValue | null | undefined>,
): void {
  if (value == null) dict.delete(key);
}

/** requests' `merge_hooks`: an empty hook list on either side does not wipe the other's. */
export function mergeHooks(
  requestHooks: HooksInput | Hooks | null | undefined,
  sessionHooks: HooksInput | Hooks | null | undefined,
): HooksInput | Hooks | null | undefined {
  if (sessionHooks == null || isEmptyList(sessionHooks.response)) return requestHooks;
  if (requestHooks == null || isEmptyList(requestHooks.response)) return sessionHooks;
  return mergeSetting(requestHooks, sessionHooks);
}

function isEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function isEmptyRecord(value: object): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const _ in value) return false;
  return true;
}
