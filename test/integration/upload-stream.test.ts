import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { UnrewindableBodyError } from '../../src/errors.js';
import { fileFromPath } from '../../src/models/body.js';
import type { PrepareOptions } from '../../src/models/prepared-request.js';
import { Request } from '../../src/models/request.js';
import { sendPrepared } from '../helpers/bodies.js';
import { startUploadServer, type UploadServer } from '../helpers/upload-server.js';

let server: UploadServer;
const dir = mkdtempSync(join(tmpdir(), 'requests-ts-stream-'));
before(async () => {
  server = await startUploadServer();
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function prepare(options: PrepareOptions) {
  return new Request({ method: 'PUT', url: `${server.url}/put`, ...options }).prepare();
}

async function send(options: PrepareOptions) {
  const res = await sendPrepared(prepare(options));
  assert.equal(res.status, 200);
  return server.uploads.at(-1)!;
}

describe('streamed uploads', () => {
  const parts = [randomBytes(40_000), randomBytes(1), randomBytes(70_000)];
  const whole = Buffer.concat(parts);

  test('a Readable is sent chunked and arrives whole', async () => {
    const got = await send({ data: Readable.from(parts) });
    assert.equal(got.headers['transfer-encoding'], 'chunked');
    assert.equal(got.headers['content-length'], undefined);
    assert.equal(sha(got.body!), sha(whole));
  });

  test('an async generator is sent chunked', async () => {
    async function* gen() {
      for (const p of parts) yield p;
    }
    const got = await send({ data: gen() });
    assert.equal(got.headers['transfer-encoding'], 'chunked');
    assert.equal(sha(got.body!), sha(whole));
  });

  test('a web ReadableStream is sent chunked', async () => {
    const got = await send({ data: new Blob(parts).stream() });
    assert.equal(got.headers['transfer-encoding'], 'chunked');
    assert.equal(sha(got.body!), sha(whole));
  });

  test('a file stream, a file path and a Blob go with Content-Length', async () => {
    const path = join(dir, 'put.bin');
    writeFileSync(path, whole);
    for (const data of [createReadStream(path), fileFromPath(path), new Blob(parts)]) {
      const got = await send({ data });
      assert.equal(got.headers['content-length'], String(whole.length));
      assert.equal(got.headers['transfer-encoding'], undefined);
      assert.equal(sha(got.body!), sha(whole));
    }
  });

  test('a file stream is sent again on a second send; a one-shot stream is refused', async () => {
    const path = join(dir, 'again.bin');
    writeFileSync(path, whole);
    const file = prepare({ data: createReadStream(path) });
    await sendPrepared(file);
    await sendPrepared(file);
    const [a, b] = server.uploads.slice(-2);
    assert.equal(sha(a!.body!), sha(whole));
    assert.equal(sha(b!.body!), sha(whole));

    const once = prepare({ data: Readable.from(parts) });
    await sendPrepared(once);
    await assert.rejects(sendPrepared(once), UnrewindableBodyError);
  });

  test('Expect: 100-continue set by the caller is sent and the upload completes', async () => {
    const got = await send({ data: Readable.from(parts), headers: { Expect: '100-continue' } });
    assert.equal(got.headers.expect, '100-continue');
    assert.equal(sha(got.body!), sha(whole));
  });
});
