/** The store interface of CacheAdapter, and MemoryCache, its default store. */
import type { CachedResponse } from './policy.js';

/**
 * Where CacheAdapter keeps responses. Implement it to cache elsewhere (Redis, a database): keys
 * are strings (the request URL), values are {@link CachedResponse} objects; a store serialises
 * them as it likes (the body is bytes). A store may drop any entry at any time; `get` of a key
 * it does not hold resolves to `undefined`. Errors a store throws never fail a request: the
 * adapter then behaves as if the entry were absent.
 * @example
 * const redisStore: CacheStore = {
 *   async get(key) { const v = await redis.getBuffer(key); return v ? decode(v) : undefined; },
 *   async set(key, entry) { await redis.set(key, encode(entry)); },
 *   async delete(key) { await redis.del(key); },
 * };
 */
export interface CacheStore {
  /** The entry stored under `key`, or `undefined` (a miss). */
  get(key: string): Promise<CachedResponse | undefined>;
  /** Stores `entry` under `key`, replacing what was there. */
  set(key: string, entry: CachedResponse): Promise<void>;
  /** Removes the entry of `key`; no error when there is none. */
  delete(key: string): Promise<void>;
  /** Optional: releases what the store holds open. */
  close?(): Promise<void>;
}

/** Options of {@link MemoryCache}. */
export interface MemoryCacheOptions {
  /** Most bytes held (bodies and headers); least recently used entries go first. @default 67_108_864 */
  maxBytes?: number | undefined;
}

/** Approximate bytes an entry holds. */
export function entrySize(entry: CachedResponse): number {
  let size = entry.body.byteLength + entry.url.length + 64;
  for (const [name, value] of Object.entries(entry.headers)) {
    size +=
      name.length + (typeof value === 'string' ? value.length : (value?.join('').length ?? 0));
  }
  return size;
}

/**
 * An in-process store bounded by bytes, least recently used first out. An entry larger than
 * `maxBytes` is not kept.
 * @example
 * s.mount('https://', new CacheAdapter({ store: new MemoryCache({ maxBytes: 8 << 20 }) }));
 */
export class MemoryCache implements CacheStore {
  readonly maxBytes: number;
  #bytes = 0;
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  readonly #entries = new Map<string, { entry: CachedResponse; size: number }>();

  constructor(options: MemoryCacheOptions = {}) {
    const { maxBytes = 64 * 1024 * 1024 } = options;
    if (!(typeof maxBytes === 'number' && maxBytes >= 0)) {
      throw new TypeError(`maxBytes must be a number of bytes >= 0, it is ${String(maxBytes)}`);
    }
    this.maxBytes = maxBytes;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `key` (and marks it recently used), or `undefined`. */
  async get(key: string): Promise<CachedResponse | undefined> {
    const slot = this.#entries.get(key);
    if (slot === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, slot);
    return slot.entry;
  }

  /** Stores `entry`, evicting the least recently used entries past `maxBytes`. */
  async set(key: string, entry: CachedResponse): Promise<void> {
    await this.delete(key);
    const size = entrySize(entry);
    if (size > this.maxBytes) return;
    this.#entries.set(key, { entry, size });
    this.#bytes += size;
    for (const [oldest, slot] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= slot.size;
    }
  }

  /** Removes the entry of `key`, if any. */
  async delete(key: string): Promise<void> {
    const slot = this.#entries.get(key);
    if (slot === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= slot.size;
  }

  /** Drops every entry. */
  async clear(): Promise<void> {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
