/**
 * A child process for FileCache tests, run with `node --import tsx`:
 *   get-through DIR URL         GET URL through a CacheAdapter on FileCache(DIR), print fromCache
 *   write-loop DIR KEY BYTE N   set KEY N times to a 1 MiB body of BYTE
 *   big-write DIR KEY           set KEY to a small body, print 'small', then to a 96 MiB body
 */

import type { CachedResponse } from '../../src/index.js';
import { CacheAdapter, FileCache, Session } from '../../src/index.js';

const [mode, dir, a, b, c] = process.argv.slice(2) as string[];

/** An entry whose body is `size` bytes of `byte`. */
function entryOf(byte: number, size: number): CachedResponse {
  return {
    url: 'http://127.0.0.1/x',
    status: 200,
    reason: 'OK',
    headers: { 'cache-control': 'max-age=60' },
    body: Buffer.alloc(size, byte),
    requestTime: Date.now(),
    responseTime: Date.now(),
    vary: {},
  };
}

async function main(): Promise<void> {
  const store = new FileCache(dir as string);
  if (mode === 'get-through') {
    const s = new Session();
    s.mount('http://', new CacheAdapter({ store }));
    const r = await s.get(a as string);
    await s.close();
    process.stdout.write(`${r.fromCache} ${r.text}\n`);
  } else if (mode === 'write-loop') {
    for (let i = 0; i < Number(c); i++) await store.set(a as string, entryOf(Number(b), 1 << 20));
  } else if (mode === 'big-write') {
    await store.set(a as string, entryOf(1, 16));
    process.stdout.write('small\n');
    await store.set(a as string, entryOf(2, 96 << 20));
    process.stdout.write('big\n');
  }
}

if (mode !== undefined) await main();
