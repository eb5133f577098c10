/**
 * The cache stores: MemoryCache's byte-bounded LRU; FileCache across processes, after a writer
 * is killed mid-write, with truncated or planted files, and with two processes writing one entry.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type CachedResponse, FileCache, MemoryCache } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const CHILD = join(import.meta.dirname, '../helpers/cache-child.ts');
const run = promisify(execFile);
const child = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', CHILD, ...args], { timeout: 60_000 });

function entryOf(byte: number, size: number): CachedResponse {
  const now = Date.now();
  return {
    url: 'http://127.0.0.1/x',
    status: 200,
    reason: 'OK',
    headers: { 'cache-control': 'max-age=60' },
    body: Buffer.alloc(size, byte),
    requestTime: now,
    responseTime: now,
    vary: {},
  };
}

/** The body is `size` bytes all equal to one of `bytes`. */
function assertWhole(entry: CachedResponse | undefined, size: number, bytes: number[]): void {
  assert.ok(entry, 'an entry');
  assert.equal(entry.body.length, size);
  const first = entry.body[0] as number;
  assert.ok(bytes.includes(first), `body of ${first}`);
  assert.ok(
    entry.body.every((b) => b === first),
    'one writer',
  );
}

/** Size of the one entry file in `dir` (-1 when none). */
function entrySizeOnDisk(dir: string): number {
  const name = readdirSync(dir).find((n) => n.endsWith('.entry'));
  return name === undefined ? -1 : statSync(join(dir, name)).size;
}

describe('MemoryCache', () => {
  test('bounded by bytes: the least recently used entry goes first', async () => {
    const store = new MemoryCache({ maxBytes: 3_500 });
    await store.set('a', entryOf(1, 1000));
    await store.set('b', entryOf(2, 1000));
    await store.set('c', entryOf(3, 1000));
    await store.get('a'); // a is now the most recent
    await store.set('d', entryOf(4, 1000));
    assert.equal(await store.get('b'), undefined);
    assert.ok(await store.get('a'));
    assert.ok(await store.get('d'));
    assert.ok(store.bytes <= store.maxBytes);
  });

  test('an entry larger than the bound is not kept, and replacing one frees its bytes', async () => {
    const store = new MemoryCache({ maxBytes: 2_000 });
    await store.set('big', entryOf(1, 5_000));
    assert.equal(store.size, 0);
    await store.set('a', entryOf(1, 1_000));
    const before = store.bytes;
    await store.set('a', entryOf(2, 1_000));
    assert.equal(store.bytes, before);
    await store.delete('a');
    assert.equal(store.bytes, 0);
  });
});

describe('FileCache', () => {
  let dir: string;
  let server: TestServer;
  let hits = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rts-cache-'));
    server = await startServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'cache-control': 'max-age=600' });
      res.end(`answer ${hits}`);
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an entry stored by one process is served to the next one', async () => {
    const sub = join(dir, 'persist');
    const url = `${server.url}/persist`;
    assert.equal((await child('get-through', sub, url)).stdout, 'false answer 1\n');
    assert.equal((await child('get-through', sub, url)).stdout, 'true answer 1\n');
    assert.equal(hits, 1);
  });

  test('a truncated or foreign entry file is not served; temp files are ignored', async () => {
    const sub = join(dir, 'planted');
    const store = new FileCache(sub);
    await store.set('k', entryOf(7, 4096));
    const [file] = readdirSync(sub) as [string];
    const whole = readFileSync(join(sub, file));
    writeFileSync(join(sub, file), whole.subarray(0, whole.length - 100));
    assert.equal(await store.get('k'), undefined);
    writeFileSync(join(sub, file), 'not an entry at all');
    assert.equal(await store.get('k'), undefined);
    writeFileSync(join(sub, `${file}.123.abc.tmp`), whole.subarray(0, 50));
    writeFileSync(join(sub, file), whole);
    assertWhole(await store.get('k'), 4096, [7]);
    assert.equal(await new FileCache(sub).get('other key'), undefined);
  });

  test('a writer killed mid-write leaves the previous entry whole', async () => {
    const sub = join(dir, 'killed');
    const writer: ChildProcess = spawn(process.execPath, [
      '--import',
      'tsx',
      CHILD,
      'big-write',
      sub,
      'k',
    ]);
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    await new Promise<void>((resolve) => writer.stdout?.once('data', () => resolve()));
    // Kill it once the big write has begun: a temporary file, or the entry file changing.
    const smallSize = entrySizeOnDisk(sub);
    for (let i = 0; i < 20_000; i++) {
      const names = readdirSync(sub);
      if (names.some((n) => n.endsWith('.tmp')) || entrySizeOnDisk(sub) !== smallSize) break;
      await new Promise((r) => setImmediate(r));
    }
    writer.kill('SIGKILL');
    await exited;
    const entry = await new FileCache(sub).get('k');
    const size = entry?.body.length === 16 ? 16 : 96 << 20;
    assertWhole(entry, size, [size === 16 ? 1 : 2]);
  });

  test('two processes writing one entry: every read is one whole body', async () => {
    const sub = join(dir, 'race');
    const store = new FileCache(sub);
    const writers = Promise.all([
      child('write-loop', sub, 'k', '3', '25'),
      child('write-loop', sub, 'k', '4', '25'),
    ]);
    let done = false;
    let seen = false;
    void writers.finally(() => {
      done = true;
    });
    for (let i = 0; i < 10_000 && !done; i++) {
      const entry = await store.get('k');
      // Once written, the entry is always there: a rename replaces it, never removes it.
      if (seen || entry !== undefined) {
        assertWhole(entry, 1 << 20, [3, 4]);
        seen = true;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await writers;
    assertWhole(await store.get('k'), 1 << 20, [3, 4]);
  });
});
