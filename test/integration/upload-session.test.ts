// Uploads through the whole stack: Session -> HTTPAdapter -> pool -> undici.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { UnrewindableBodyError } from '../../src/errors.js';
import { fileFromPath } from '../../src/models/body.js';
import { Session } from '../../src/sessions/session.js';
import { startUploadServer, type UploadServer } from '../helpers/upload-server.js';

const dir = mkdtempSync(join(tmpdir(), 'requests-ts-session-upload-'));
const path = join(dir, 'data.bin');
const bytes = randomBytes(150_000);
writeFileSync(path, bytes);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let server: UploadServer;
let session: Session;
before(async () => {
  server = await startUploadServer();
  session = new Session();
});
after(async () => {
  await session.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('uploads through a Session', () => {
  test('multipart with data fields, a file by path and a non-ASCII file name', async () => {
    const r = await session.post(server.url, {
      data: { a: ['1', '2'] },
      files: { f: fileFromPath(path), g: ['é文.txt', 'héllo', 'text/plain'] },
    });
    assert.equal(r.statusCode, 200);
    const got = server.uploads.at(-1)!;
    assert.deepEqual(got.fields, [
      { name: 'a', value: '1' },
      { name: 'a', value: '2' },
    ]);
    assert.deepEqual(
      got.files.map((f) => [f.name, f.filename, f.size, f.sha256]),
      [
        ['f', 'data.bin', bytes.length, sha(bytes)],
        ['g', 'é文.txt', 6, sha(Buffer.from('héllo'))],
      ],
    );
    assert.equal(got.headers['content-length'], r.request?.headers.get('Content-Length'));
  });

  test('streams of unknown length go chunked, files with their length', async () => {
    await session.put(server.url, { data: Readable.from([bytes]) });
    assert.equal(server.uploads.at(-1)!.headers['transfer-encoding'], 'chunked');
    assert.equal(server.uploads.at(-1)!.bodySize, bytes.length);
    await session.put(server.url, { data: new Blob([bytes]).stream() });
    assert.equal(server.uploads.at(-1)!.headers['transfer-encoding'], 'chunked');
    await session.put(server.url, { data: createReadStream(path) });
    assert.equal(server.uploads.at(-1)!.headers['content-length'], String(bytes.length));
    await session.post(server.url, { files: { live: Readable.from([bytes]) } });
    const got = server.uploads.at(-1)!;
    assert.equal(got.headers['transfer-encoding'], 'chunked');
    assert.equal(got.files[0]?.sha256, sha(bytes));
  });
});

describe('a 307 redirect resends the body when it can', () => {
  const seen: string[] = [];
  let redirecting: http.Server;
  let url = '';
  before(async () => {
    redirecting = http.createServer(async (req, res) => {
      let size = 0;
      for await (const chunk of req) size += (chunk as Buffer).length;
      seen.push(`${req.url} ${size}`);
      if (req.url === '/start') res.writeHead(307, { Location: '/end' }).end();
      else res.end('ok');
    });
    redirecting.listen(0, '127.0.0.1');
    await once(redirecting, 'listening');
    url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
  });
  after(async () => {
    redirecting.closeAllConnections();
    redirecting.close();
    await once(redirecting, 'close');
  });

  test('a file by path is read again for the redirected request', async () => {
    seen.length = 0;
    const r = await session.post(`${url}/start`, { data: fileFromPath(path) });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(seen, [`/start ${bytes.length}`, `/end ${bytes.length}`]);
  });

  test('a one-shot stream is not sent twice: UnrewindableBodyError', async () => {
    seen.length = 0;
    await assert.rejects(
      session.post(`${url}/start`, { data: Readable.from([Buffer.from('once')]) }),
      UnrewindableBodyError,
    );
    assert.deepEqual(seen, ['/start 4']);
  });
});
