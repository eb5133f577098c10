// A 100 MB file streamed in a multipart body: the memory of the process (client and server
// both run here) must grow far less than the file's size. Garbage is collected before each
// sample, so that what is measured is memory held, not garbage not yet collected.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileFromPath } from '../../src/models/body.js';
import { Request } from '../../src/models/request.js';
import { sendPrepared } from '../helpers/bodies.js';
import { startUploadServer, type UploadServer } from '../helpers/upload-server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const SIZE = 100 * MB;
let server: UploadServer;
const dir = mkdtempSync(join(tmpdir(), 'requests-ts-large-'));
const path = join(dir, 'large.bin');
let digest = '';

before(async () => {
  server = await startUploadServer();
  // 1 MB blocks, each stamped with its index so that a reordered or repeated block shows.
  const hash = createHash('sha256');
  const block = Buffer.alloc(MB);
  for (let i = 0; i < MB; i++) block[i] = (i * 31) & 0xff;
  const fd = openSync(path, 'w');
  for (let i = 0; i < SIZE / MB; i++) {
    block.writeUInt32BE(i, 0);
    writeSync(fd, block);
    hash.update(block);
  }
  closeSync(fd);
  digest = hash.digest('hex');
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a 100 MB file streams in multipart with little memory growth', async () => {
  gc();
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const prepared = new Request({
      method: 'POST',
      url: `${server.url}/large`,
      data: { note: 'big one' },
      files: { file: fileFromPath(path) },
    }).prepare();
    const res = await sendPrepared(prepared);
    assert.equal(res.status, 200);
    const received = server.uploads.at(-1)!;
    assert.equal(received.headers['content-length'], prepared.headers.get('Content-Length'));
    assert.equal(received.files[0]?.size, SIZE);
    assert.equal(received.files[0]?.sha256, digest);
    assert.deepEqual(received.fields, [{ name: 'note', value: 'big one' }]);
  } finally {
    clearInterval(sampler);
  }
  const growth = (peak - start) / MB;
  assert.ok(growth < 40, `RSS grew by ${growth.toFixed(1)} MB while sending 100 MB`);
});
