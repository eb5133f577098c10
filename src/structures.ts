import { INSPECT, redactHeaders } from './_internal/redact.js';

/** What a CaseInsensitiveDict is built from: a record, entries, or another dict. */
export type DictInit<V> =
  | Iterable<readonly [string, V]>
  | Record<string, V>
  | CaseInsensitiveDict<V>
  | null
  | undefined;

let storeOf: <V>(dict: CaseInsensitiveDict<V>) => Map<string, [string, V]>;

/**
 * Not public (index.ts does not export it): the store of `dict`, lower-case key -> `[key as set,
 * value]`, for the hot path to copy pairs without re-lowering keys. An entry is never changed in
 * place (`set` makes a new one), so entries may be shared between dicts; never mutate one.
 */
export function dictStore<V>(dict: CaseInsensitiveDict<V>): Map<string, [string, V]> {
  return storeOf(dict);
}

/**
 * A Map-like dictionary whose keys compare case-insensitively (requests' `CaseInsensitiveDict`).
 * Iteration yields the keys in the case they were last set with.
 *
 * @example
 * const h = new CaseInsensitiveDict({ 'Content-Type': 'text/plain' });
 * h.get('content-type'); // 'text/plain'
 */
export class CaseInsensitiveDict<V = string> implements Iterable<[string, V]> {
  readonly #store = new Map<string, [string, V]>();

  static {
    storeOf = (dict) => dict.#store;
  }

  constructor(init?: DictInit<V>) {
    if (init != null) this.update(init);
  }

  /** Sets every pair of `init` (a record, entries, Headers, or another dict). */
  update(init: DictInit<V>): this {
    if (init == null) return this;
    if (init instanceof CaseInsensitiveDict) {
      // An entry is never changed in place (set makes a new one): the pairs can be shared.
      for (const [lower, entry] of init.#store) this.#store.set(lower, entry);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const [k, v] of init as Iterable<readonly [string, V]>) this.set(k, v);
    } else {
      for (const k of Object.keys(init)) this.set(k, (init as Record<string, V>)[k] as V);
    }
    return this;
  }

  /** Number of keys. */
  get size(): number {
    return this.#store.size;
  }

  /** The value of `key`, any case; `undefined` when absent. */
  get(key: string): V | undefined {
    return this.#store.get(key.toLowerCase())?.[1];
  }

  /** Sets `key` (replacing the value and the case of a key equal but for case). */
  set(key: string, value: V): this {
    this.#store.set(key.toLowerCase(), [key, value]);
    return this;
  }

  /** Whether `key` is present, any case. */
  has(key: string): boolean {
    return this.#store.has(key.toLowerCase());
  }

  /** Removes `key`, any case; `true` when it was present. */
  delete(key: string): boolean {
    return this.#store.delete(key.toLowerCase());
  }

  /** Removes every key. */
  clear(): void {
    this.#store.clear();
  }

  /** The keys, in the case they were last set with. */
  *keys(): IterableIterator<string> {
    for (const [k] of this.#store.values()) yield k;
  }

  /** The values, in insertion order. */
  *values(): IterableIterator<V> {
    for (const [, v] of this.#store.values()) yield v;
  }

  /** Pairs in the caller's case; each pair is a fresh copy, never the dict's own entry. */
  *entries(): IterableIterator<[string, V]> {
    for (const [k, v] of this.#store.values()) yield [k, v];
  }

  /** Same as `entries()`: `for (const [name, value] of dict)`. */
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** Calls `fn(value, key, dict)` for each pair, as `Map.prototype.forEach` does. */
  forEach(fn: (value: V, key: string, dict: this) => void): void {
    for (const [k, v] of this.#store.values()) fn(v, k, this);
  }

  /** Pairs with lower-cased keys, as requests' `lower_items()`. */
  *lowerItems(): IterableIterator<[string, V]> {
    for (const [lower, [, v]] of this.#store) yield [lower, v];
  }

  /** A new dict with the same pairs (requests' `copy()`). */
  copy(): CaseInsensitiveDict<V> {
    return new CaseInsensitiveDict<V>(this);
  }

  /** Equal when both hold the same lower-cased keys with the same values. */
  equals(other: DictInit<V>): boolean {
    const o = other instanceof CaseInsensitiveDict ? other : new CaseInsensitiveDict<V>(other);
    if (o.size !== this.size) return false;
    for (const [lower, v] of this.lowerItems()) if (o.get(lower) !== v) return false;
    return true;
  }

  /** A plain record with the caller's case, every value as it is (what goes on the wire). */
  toRecord(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const entry of this.#store.values()) {
      const k = entry[0];
      // `__proto__` stays an ordinary key, never the prototype (an assignment would set that).
      if (k === '__proto__') {
        Object.defineProperty(out, k, {
          value: entry[1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[k] = entry[1];
    }
    return out;
  }

  /**
   * A plain record for `JSON.stringify`, with the values of Authorization, Proxy-Authorization
   * and Cookie as `[redacted]`, so a logged header dict never shows a credential. Use
   * `toRecord()` for the values themselves.
   */
  toJSON(): Record<string, V> {
    return redactHeaders(this.#store.values()) as Record<string, V>;
  }

  get [Symbol.toStringTag](): string {
    return 'CaseInsensitiveDict';
  }

  /**
   * `CaseInsensitiveDict(2) { 'Content-Type' => 'text/plain', Authorization => '[redacted]' }`:
   * its entries, with the values of Authorization, Proxy-Authorization and Cookie redacted.
   */
  [INSPECT](depth: number, opts: object, inspect?: (v: unknown, o?: object) => string): string {
    const shown = new Map(Object.entries(redactHeaders(this.#store.values())));
    if (depth < 0 || !inspect) return `CaseInsensitiveDict(${this.size})`;
    return `CaseInsensitiveDict(${this.size}) ${inspect(shown, opts).replace(/^Map\(\d+\) /, '')}`;
  }
}
