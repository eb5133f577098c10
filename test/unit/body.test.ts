import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { UnrewindableBodyError } from '../../src/errors.js';
import { dataKind, FileFromPath, fileFromPath, knownLength } from '../../src/models/body.js';
import type { PreparedRequest, PrepareOptions } from '../../src/models/prepared-request.js';
import { Request } from '../../src/models/request.js';
import { collect } from '../helpers/bodies.js';

const dir = mkdtempSync(join(tmpdir(), 'requests-ts-body-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'ten.bin');
writeFileSync(file, Buffer.from('0123456789'));
const empty = join(dir, 'empty.bin');
writeFileSync(empty, '');

function post(data: PrepareOptions['data'], headers?: PrepareOptions['headers']): PreparedRequest {
  return new Request({ method: 'POST', url: 'http://x.com/', data, headers }).prepare();
}

async function* generate(...parts: string[]) {
  for (const p of parts) yield Buffer.from(p);
}

describe('stream bodies: Content-Length when known, else chunked (requests prepare_body)', () => {
  test('a Readable of unknown length is chunked', () => {
    const p = post(Readable.from([Buffer.from('a')]));
    assert.deepEqual(p.headers.toJSON(), { 'Transfer-Encoding': 'chunked' });
  });

  test('async iterables and web ReadableStreams are chunked', () => {
    assert.equal(post(generate('a')).headers.get('Transfer-Encoding'), 'chunked');
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1]));
        c.close();
      },
    });
    assert.equal(post(web).headers.get('Transfer-Encoding'), 'chunked');
  });

  test('a Content-Length the caller set is kept and no Transfer-Encoding added (ours)', () => {
    const p = post(generate('abc'), { 'Content-Length': '3' });
    assert.deepEqual(p.headers.toJSON(), { 'Content-Length': '3' });
  });

  test('a file stream has its size as Content-Length, ranges included', () => {
    assert.deepEqual(post(createReadStream(file)).headers.toJSON(), { 'Content-Length': '10' });
    const range = post(createReadStream(file, { start: 2, end: 5 }));
    assert.equal(range.headers.get('Content-Length'), '4');
    assert.equal(post(createReadStream(file, { start: 8 })).headers.get('Content-Length'), '2');
  });

  test('an empty file stream is chunked, as requests does for length 0', () => {
    assert.deepEqual(post(createReadStream(empty)).headers.toJSON(), {
      'Transfer-Encoding': 'chunked',
    });
  });

  test('Blob and fileFromPath have known lengths', () => {
    assert.equal(post(new Blob(['héllo'])).headers.get('Content-Length'), '6');
    assert.equal(post(fileFromPath(file)).headers.get('Content-Length'), '10');
  });

  test('fileFromPath of a missing path or a directory throws', () => {
    assert.throws(() => fileFromPath(join(dir, 'missing')), { code: 'ENOENT' });
    assert.throws(() => fileFromPath(dir), /not a regular file/);
  });
});

describe('bodyIsReplayable and bodyForSend', () => {
  test('strings and bytes are given as they are, every time', () => {
    const s = post('text');
    assert.equal(s.bodyIsReplayable, true);
    assert.equal(s.bodyForSend(), 'text');
    assert.equal(s.bodyForSend(), 'text');
    const bytes = new Uint8Array([1, 2]);
    assert.equal(post(bytes).bodyForSend(), bytes);
    const none = new Request({ method: 'GET', url: 'http://x.com/' }).prepare();
    assert.equal(none.bodyIsReplayable, true);
    assert.equal(none.bodyForSend(), null);
  });

  test('forms are strings, json is bytes (as requests encodes it)', () => {
    assert.equal(post({ a: 1 }).bodyForSend(), 'a=1');
    const j = new Request({ method: 'POST', url: 'http://x.com/', json: [1] }).prepare();
    const sent = j.bodyForSend();
    assert.ok(sent instanceof Uint8Array);
    assert.equal(Buffer.from(sent).toString(), '[1]');
  });

  test('a Blob and a fileFromPath are read again on each call', async () => {
    for (const data of [new Blob(['blob body']), fileFromPath(file)]) {
      const p = post(data);
      assert.equal(p.bodyIsReplayable, true);
      const first = await collect(p.bodyForSend());
      const second = await collect(p.bodyForSend());
      assert.ok(first.length > 0);
      assert.deepEqual(second, first);
    }
  });

  test('a file stream is given itself first, then reopened on its path with its range', async () => {
    const stream = createReadStream(file, { start: 3, end: 6 });
    const p = post(stream);
    assert.equal(p.bodyIsReplayable, true);
    const first = p.bodyForSend();
    assert.equal(first, stream);
    assert.equal((await collect(first)).toString(), '3456');
    const again = p.bodyForSend();
    assert.notEqual(again, stream);
    assert.equal((await collect(again)).toString(), '3456');
    assert.equal(p.bodyIsReplayable, true);
  });

  test('a one-shot stream is given once, then UnrewindableBodyError naming the request', async () => {
    for (const data of [Readable.from([Buffer.from('x')]), generate('x')]) {
      const p = post(data);
      assert.equal(p.bodyIsReplayable, false);
      assert.equal(p.bodyForSend(), data);
      assert.throws(
        () => p.bodyForSend(),
        (err) =>
          err instanceof UnrewindableBodyError &&
          err.request === p &&
          /can be sent only once/.test(err.message),
      );
      // A copy (as a redirect makes) shares the body and its state.
      assert.throws(() => p.copy().bodyForSend(), UnrewindableBodyError);
    }
  });

  test('after a redirect drops the body, nothing is sent', () => {
    const p = post(generate('x'));
    p.body = null;
    assert.equal(p.bodyForSend(), null);
    assert.equal(p.bodyIsReplayable, true);
  });
});

describe('body helpers', () => {
  test('dataKind sorts data into requests branches', () => {
    assert.equal(dataKind(null), 'none');
    assert.equal(dataKind(''), 'none');
    assert.equal(dataKind({}), 'none');
    assert.equal(dataKind('x'), 'raw');
    assert.equal(dataKind(new ArrayBuffer(1)), 'raw');
    assert.equal(dataKind({ a: 1 }), 'pairs');
    assert.equal(dataKind(new Map([['a', '1']])), 'pairs');
    assert.equal(dataKind(Object.create(null)), 'none');
    assert.equal(dataKind(new Blob([])), 'stream');
    assert.equal(dataKind(generate()), 'stream');
    assert.throws(() => dataKind(true), TypeError);
  });

  test('knownLength counts UTF-8 bytes and file sizes', () => {
    assert.equal(knownLength('é'), 2);
    assert.equal(knownLength(new Uint8Array(3)), 3);
    assert.equal(knownLength(new FileFromPath(file)), 10);
    assert.equal(knownLength(Readable.from([])), null);
  });
});
