/**
 * FileCache: one file per entry in a directory, so the cache outlives the process. Each write
 * goes to a temporary file that is renamed over the entry (rename is atomic on one file
 * system): a reader sees the old entry or the new one, never half of one, and two processes
 * writing the same entry leave one of the two whole. A file that does not check out (cut short,
 * another format, another key) is treated as absent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CachedResponse } from './policy.js';
import type { CacheStore } from './store.js';

const MAGIC = Buffer.from('RTC1');
const TRAILER = Buffer.from('RTC.');
/** Temporary files older than this are left over from a crashed writer and removed. */
const STALE_TEMP_MS = 60_000;

/**
 * A store on disk.
 * @example
 * s.mount('https://', new CacheAdapter({ store: new FileCache('.cache/http') }));
 */
export class FileCache implements CacheStore {
  readonly dir: string;
  #ready: Promise<void> | null = null;

  /** @param dir the directory (created when missing). */
  constructor(dir: string) {
    if (typeof dir !== 'string' || dir === '') {
      throw new TypeError(`FileCache needs a directory path, it was given ${String(dir)}`);
    }
    this.dir = dir;
  }

  /** Reads the entry of `key` from its file; `undefined` when absent or unreadable. */
  async get(key: string): Promise<CachedResponse | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#path(key));
    } catch {
      return undefined;
    }
    const entry = decodeEntry(bytes);
    return entry !== null && entry.key === key ? entry.value : undefined;
  }

  /** Writes the entry atomically (a temp file renamed over the old one). */
  async set(key: string, entry: CachedResponse): Promise<void> {
    await this.#prepare();
    const target = this.#path(key);
    const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, encodeEntry(key, entry));
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Removes the file of `key`, if any. */
  async delete(key: string): Promise<void> {
    await unlink(this.#path(key)).catch(() => undefined);
  }

  #path(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex')}.entry`);
  }

  /** Creates the directory once and sweeps temporary files crashed writers left. */
  #prepare(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const now = Date.now();
      for (const name of await readdir(this.dir)) {
        if (!name.endsWith('.tmp')) continue;
        const path = join(this.dir, name);
        const info = await stat(path).catch(() => null);
        if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
      }
    })();
    return this.#ready;
  }
}

/** MAGIC, u32 meta length, meta JSON (with the body length), body, TRAILER. */
export function encodeEntry(key: string, entry: CachedResponse): Buffer {
  const { body, ...rest } = entry;
  const meta = Buffer.from(JSON.stringify({ key, bodyLength: body.byteLength, ...rest }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(meta.length);
  return Buffer.concat([MAGIC, length, meta, body, TRAILER]);
}

/** The entry in `bytes`, or null when they are not a whole entry. */
export function decodeEntry(bytes: Buffer): { key: string; value: CachedResponse } | null {
  if (bytes.length < 12 || !bytes.subarray(0, 4).equals(MAGIC)) return null;
  if (!bytes.subarray(bytes.length - 4).equals(TRAILER)) return null;
  const metaLength = bytes.readUInt32BE(4);
  if (8 + metaLength + 4 > bytes.length) return null;
  try {
    const { key, bodyLength, ...meta } = JSON.parse(bytes.toString('utf8', 8, 8 + metaLength));
    if (8 + metaLength + bodyLength + 4 !== bytes.length) return null;
    const body = bytes.subarray(8 + metaLength, 8 + metaLength + bodyLength);
    return { key, value: { ...meta, body } as CachedResponse };
  } catch {
    return null;
  }
}
