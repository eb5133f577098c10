import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileFromPath } from '../../src/models/body.js';
import type { PrepareOptions } from '../../src/models/prepared-request.js';
import { Request } from '../../src/models/request.js';
import { sendPrepared } from '../helpers/bodies.js';
import { startUploadServer, type UploadServer } from '../helpers/upload-server.js';

let server: UploadServer;
const dir = mkdtempSync(join(tmpdir(), 'requests-ts-upload-'));
before(async () => {
  server = await startUploadServer();
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function upload(options: PrepareOptions) {
  const prepared = new Request({
    method: 'POST',
    url: `${server.url}/upload`,
    ...options,
  }).prepare();
  const res = await sendPrepared(prepared);
  assert.equal(res.status, 200, res.body.toString());
  return { prepared, received: server.uploads.at(-1)! };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('multipart uploads parsed by busboy', () => {
  test('data fields and files mixed, field by field', async () => {
    const binary = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      randomBytes(300_000),
    ]);
    const { prepared, received } = await upload({
      data: { name: 'Zoë', tags: ['a', 'b'], skipped: null, n: 42 },
      files: [
        ['doc', ['résumé 文件.txt', 'texte é', 'text/plain; charset=utf-8']],
        ['bin', ['data.bin', binary, 'application/octet-stream']],
        ['plain', Buffer.from('no name given')],
      ],
    });
    assert.equal(received.headers['content-length'], prepared.headers.get('Content-Length'));
    assert.equal(received.headers['transfer-encoding'], undefined);
    assert.deepEqual(received.fields, [
      { name: 'name', value: 'Zoë' },
      { name: 'tags', value: 'a' },
      { name: 'tags', value: 'b' },
      { name: 'n', value: '42' },
    ]);
    const [doc, bin, plain] = received.files;
    assert.equal(doc?.name, 'doc');
    assert.equal(doc?.filename, 'résumé 文件.txt');
    assert.equal(doc?.mimeType, 'text/plain');
    assert.equal(doc?.data?.toString('utf8'), 'texte é');
    assert.equal(bin?.filename, 'data.bin');
    assert.equal(bin?.size, binary.length);
    assert.equal(bin?.sha256, sha(binary));
    assert.equal(plain?.filename, 'plain');
    assert.equal(plain?.data?.toString(), 'no name given');
  });

  test('files from disk, Blobs and Files', async () => {
    const path = join(dir, 'photo.jpg');
    const bytes = randomBytes(70_000);
    writeFileSync(path, bytes);
    const { received } = await upload({
      files: {
        byPath: fileFromPath(path, { contentType: 'image/jpeg' }),
        stream: createReadStream(path),
        blob: new File([bytes], 'blob.bin', { type: 'application/x-blob' }),
      },
    });
    assert.deepEqual(
      received.files.map((f) => [f.name, f.filename, f.size, f.sha256]),
      [
        ['byPath', 'photo.jpg', bytes.length, sha(bytes)],
        ['stream', 'photo.jpg', bytes.length, sha(bytes)],
        ['blob', 'blob.bin', bytes.length, sha(bytes)],
      ],
    );
    assert.equal(received.files[0]?.mimeType, 'image/jpeg');
    assert.equal(received.files[2]?.mimeType, 'application/x-blob');
  });

  test('a stream part of unknown length is sent chunked', async () => {
    const chunks = [randomBytes(10_000), randomBytes(20_000)];
    const { received } = await upload({
      data: { before: 'x' },
      files: { live: ['live.log', Readable.from(chunks)] },
    });
    assert.equal(received.headers['transfer-encoding'], 'chunked');
    assert.equal(received.headers['content-length'], undefined);
    assert.deepEqual(received.fields, [{ name: 'before', value: 'x' }]);
    assert.equal(received.files[0]?.sha256, sha(Buffer.concat(chunks)));
  });

  test('a replayable multipart body is sent twice identically', async () => {
    const path = join(dir, 'again.txt');
    writeFileSync(path, 'again and again');
    const prepared = new Request({
      method: 'POST',
      url: `${server.url}/twice`,
      files: { f: fileFromPath(path) },
      data: { k: 'v' },
    }).prepare();
    await sendPrepared(prepared);
    await sendPrepared(prepared);
    const [a, b] = server.uploads.slice(-2);
    assert.deepEqual(a?.files, b?.files);
    assert.equal(a?.files[0]?.data?.toString(), 'again and again');
    assert.deepEqual(a?.fields, [{ name: 'k', value: 'v' }]);
  });
});
