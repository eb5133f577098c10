// Expected bodies are what python requests 2.34 (urllib3 2.7) produced with the boundary
// "BOUNDARY", as latin-1 text of the bytes.
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { UnrewindableBodyError } from '../../src/errors.js';
import { fileFromPath } from '../../src/models/body.js';
import {
  chooseBoundary,
  encodeMultipart,
  type FilesInput,
  formatHeaderParam,
  MultipartBody,
} from '../../src/models/multipart.js';
import { Request } from '../../src/models/request.js';
import { collect } from '../helpers/bodies.js';

const bytes = (s: string) => Buffer.from(s);

const CASES: Array<[string, FilesInput, string]> = [
  [
    'bytes, named after the key',
    { f: bytes('abc') },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\nabc\r\n--BOUNDARY--\r\n',
  ],
  [
    'a string, UTF-8',
    { f: 'abcé' },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\nabc\u00c3\u00a9\r\n--BOUNDARY--\r\n',
  ],
  [
    'filename',
    { f: ['name.txt', bytes('abc')] },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="name.txt"\r\n\r\nabc\r\n--BOUNDARY--\r\n',
  ],
  [
    'filename and type',
    { f: ['name.txt', bytes('abc'), 'text/plain'] },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="name.txt"\r\nContent-Type: text/plain\r\n\r\nabc\r\n--BOUNDARY--\r\n',
  ],
  [
    'custom headers',
    {
      f: [
        'name.txt',
        bytes('abc'),
        'text/plain',
        { 'X-A': 'b', 'Content-Type': 'zzz', 'X-Empty': '' },
      ],
    },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="name.txt"\r\nContent-Type: text/plain\r\nX-A: b\r\n\r\nabc\r\n--BOUNDARY--\r\n',
  ],
  [
    'lower-case custom content-type',
    { f: ['n', bytes('x'), 'a/b', { 'content-type': 'c/d' }] },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="n"\r\nContent-Type: a/b\r\ncontent-type: c/d\r\n\r\nx\r\n--BOUNDARY--\r\n',
  ],
  [
    'no filename',
    { f: [null, bytes('abc')] },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"\r\n\r\nabc\r\n--BOUNDARY--\r\n',
  ],
  [
    'empty filename',
    { f: ['', bytes('abc')] },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename=""\r\n\r\nabc\r\n--BOUNDARY--\r\n',
  ],
  [
    'escaped name and filename',
    { 'f\n"x': ['a"b\r\nc\\d é.txt', bytes('abc')] },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f%0A%22x"; filename="a%22b%0D%0Ac\\d \u00c3\u00a9.txt"\r\n\r\nabc\r\n--BOUNDARY--\r\n',
  ],
  [
    'null file left out',
    { f: null, g: bytes('1') },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="g"; filename="g"\r\n\r\n1\r\n--BOUNDARY--\r\n',
  ],
  ['null content left out', { f: ['n', null] }, '--BOUNDARY--\r\n'],
  [
    'number content',
    { f: 5 },
    '--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n5\r\n--BOUNDARY--\r\n',
  ],
];

const dir = mkdtempSync(join(tmpdir(), 'requests-ts-multipart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function bodyOf(files: FilesInput, data?: Parameters<typeof encodeMultipart>[1]) {
  const body = encodeMultipart(files, data, 'BOUNDARY');
  const all = await collect(body.stream());
  return { body, text: all.toString('latin1'), size: all.length };
}

describe('encodeMultipart (requests _encode_files)', () => {
  for (const [label, files, expected] of CASES) {
    test(label, async () => {
      const { body, text, size } = await bodyOf(files);
      assert.equal(text, expected);
      assert.equal(body.length, size);
      assert.equal(body.contentType, 'multipart/form-data; boundary=BOUNDARY');
    });
  }

  test('data fields come first; arrays repeat, null dropped, bytes as they are', async () => {
    const { text } = await bodyOf(
      [
        ['f', bytes('1')],
        ['f', bytes('2')],
      ],
      { a: ['x', 'y'], b: null, c: 1, d: new Uint8Array([0xff]), é: 'ü' },
    );
    assert.equal(
      text,
      '--BOUNDARY\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="a"\r\n\r\ny\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="c"\r\n\r\n1\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="d"\r\n\r\n\u00ff\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="\u00c3\u00a9"\r\n\r\n\u00c3\u00bc\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n1\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n2\r\n--BOUNDARY--\r\n',
    );
  });

  test('string data is refused as requests does', () => {
    assert.throws(() => encodeMultipart({ f: 'x' }, 'raw'), {
      name: 'TypeError',
      message: 'Data must not be a string.',
    });
    assert.throws(
      () =>
        new Request({
          method: 'POST',
          url: 'http://x.com/',
          files: { f: 'x' },
          data: 'raw',
        }).prepare(),
      { message: 'Data must not be a string.' },
    );
  });

  test('bad file specs are TypeErrors', () => {
    assert.throws(() => encodeMultipart({ f: ['a'] as never }), /file tuple/);
    assert.throws(() => encodeMultipart({ f: ['a', 'b', 'c', {}, 'e'] as never }), /file tuple/);
    assert.throws(() => encodeMultipart({ f: true as never }), /a file must be/);
  });

  test('a random 32-hex-digit boundary, new for each body', () => {
    const a = chooseBoundary();
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.notEqual(a, chooseBoundary());
    assert.match(
      encodeMultipart({ f: 'x' }).contentType,
      /^multipart\/form-data; boundary=[0-9a-f]{32}$/,
    );
  });

  test('formatHeaderParam escapes as urllib3 format_multipart_header_param', () => {
    assert.equal(formatHeaderParam('filename', 'a"b\r\n\\é'), 'filename="a%22b%0D%0A\\é"');
  });
});

describe('multipart file sources', () => {
  const path = join(dir, 'report.bin');
  writeFileSync(path, Buffer.from([0, 1, 2, 255]));

  test('fileFromPath: base name, given type, known length, read each time', async () => {
    const { body, text } = await bodyOf({
      up: fileFromPath(path, { contentType: 'application/x-bin' }),
    });
    assert.equal(
      text,
      '--BOUNDARY\r\nContent-Disposition: form-data; name="up"; filename="report.bin"\r\nContent-Type: application/x-bin\r\n\r\n\x00\x01\x02\xff\r\n--BOUNDARY--\r\n',
    );
    assert.equal(body.replayable, true);
    assert.equal((await collect(body.stream())).toString('latin1'), text);
    const renamed = await bodyOf({ up: fileFromPath(path, { filename: 'other.dat' }) });
    assert.match(renamed.text, /filename="other.dat"\r\n\r\n/);
  });

  test('fs.ReadStream: named after its path, known length, reopened for a second send', async () => {
    const { body, text } = await bodyOf({ up: createReadStream(path) });
    assert.match(text, /name="up"; filename="report.bin"\r\n\r\n\x00\x01\x02\xff\r\n/);
    assert.equal(body.length, text.length);
    assert.equal(body.replayable, true);
    assert.equal((await collect(body.stream())).toString('latin1'), text);
  });

  test('Blob and File: size known, type and name used', async () => {
    const file = new File([bytes('hi')], 'dir/hello.txt', { type: 'text/plain' });
    const { body, text } = await bodyOf({ b: new Blob([bytes('x')]), f: file });
    assert.equal(
      text,
      '--BOUNDARY\r\nContent-Disposition: form-data; name="b"; filename="b"\r\n\r\nx\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="f"; filename="hello.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--BOUNDARY--\r\n',
    );
    assert.equal(body.length, text.length);
    assert.equal(body.replayable, true);
    const typed = await bodyOf({ f: ['n', file, null] });
    assert.doesNotMatch(typed.text, /Content-Type/);
  });

  test('a one-shot stream part: unknown length, generated once', async () => {
    const body = encodeMultipart(
      { s: Readable.from([bytes('ab'), bytes('cd')]) },
      null,
      'BOUNDARY',
    );
    assert.equal(body.length, null);
    assert.equal(body.replayable, false);
    const text = (await collect(body.stream())).toString('latin1');
    assert.equal(
      text,
      '--BOUNDARY\r\nContent-Disposition: form-data; name="s"; filename="s"\r\n\r\nabcd\r\n--BOUNDARY--\r\n',
    );
    assert.throws(() => body.stream(), UnrewindableBodyError);
  });

  test('web ReadableStream and async generator parts', async () => {
    async function* gen() {
      yield bytes('g1');
      yield bytes('g2');
    }
    const web = new Blob([bytes('web')]).stream();
    const { body, text } = await bodyOf({ w: web, g: gen() });
    assert.match(text, /name="w"; filename="w"\r\n\r\nweb\r\n/);
    assert.match(text, /name="g"; filename="g"\r\n\r\ng1g2\r\n--BOUNDARY--\r\n$/);
    assert.equal(body.length, null);
  });

  test('large in-memory parts are sent without being copied into one chunk', async () => {
    const big = Buffer.alloc(200_000, 7);
    const chunks: Uint8Array[] = [];
    for await (const chunk of encodeMultipart({ a: 'x', big }, null, 'B')) chunks.push(chunk);
    assert.ok(chunks.includes(big));
    assert.equal(Buffer.concat(chunks).length, encodeMultipart({ a: 'x', big }, null, 'B').length);
  });
});

describe('multipart in PreparedRequest', () => {
  test('Content-Type and Content-Length, data fields with files; json ignored', () => {
    const p = new Request({
      method: 'POST',
      url: 'http://x.com/',
      files: { f: bytes('abc') },
      data: [['a', 'x']],
      json: { ignored: true },
    }).prepare();
    assert.ok(p.body instanceof MultipartBody);
    const body = p.body as MultipartBody;
    assert.equal(p.headers.get('Content-Type'), body.contentType);
    assert.equal(p.headers.get('Content-Length'), String(body.length));
    assert.equal(p.bodyIsReplayable, true);
  });

  test('a stream part makes the body chunked', () => {
    const p = new Request({
      method: 'POST',
      url: 'http://x.com/',
      files: { f: Readable.from([bytes('abc')]) },
    }).prepare();
    assert.equal(p.headers.get('Transfer-Encoding'), 'chunked');
    assert.equal(p.headers.get('Content-Length'), undefined);
    assert.equal(p.bodyIsReplayable, false);
    p.bodyForSend();
    assert.throws(
      () => p.bodyForSend(),
      (err) => err instanceof UnrewindableBodyError && err.request === p,
    );
  });

  test('empty files is no multipart', () => {
    const p = new Request({
      method: 'POST',
      url: 'http://x.com/',
      files: {},
      data: { a: 1 },
    }).prepare();
    assert.equal(p.body, 'a=1');
    assert.equal(p.headers.get('Content-Type'), 'application/x-www-form-urlencoded');
  });

  test('stream data with files is refused as requests does', () => {
    assert.throws(
      () =>
        new Request({
          method: 'POST',
          url: 'http://x.com/',
          files: { f: 'x' },
          data: Readable.from([bytes('a')]),
        }).prepare(),
      { name: 'TypeError', message: 'Streamed bodies and files are mutually exclusive.' },
    );
  });
});
