import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Session } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const SJIS = Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]); // こんにちは
const JSON_VALUE = { name: 'Zoë', emoji: '\u{1f600}' };

/** [Content-Type or null, body] of each route. */
const ROUTES: Record<string, [string | null, Buffer]> = {
  '/latin1': ['text/plain', Buffer.from('caf\u00e9 cr\u00e8me \u0080', 'latin1')],
  '/sjis': ['text/html; charset=Shift_JIS', SJIS],
  '/quoted': ['text/plain; charset="utf-8"', Buffer.from('quoted ✓')],
  '/utf16': [
    'text/plain; charset=utf-16',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('utf-16 ✓', 'utf16le')]),
  ],
  '/json-utf16': ['application/octet-stream', Buffer.from(JSON.stringify(JSON_VALUE), 'utf16le')],
  '/json-default': ['application/json', Buffer.from(JSON.stringify(JSON_VALUE))],
  '/none': [
    null,
    Buffer.from(
      'h\u00e9llo w\u00f6rld caf\u00e9 na\u00efve \u00fcn\u00efc\u00f6d\u00e9 d\u00e9j\u00e0 vu',
    ),
  ],
  '/lines': ['text/plain; charset=utf-8', Buffer.from('α line\nβ line\n\u{1f600} smile\nlast €')],
};

/** Sends `body` one byte per write, so every multi-byte character is cut by the network. */
function bytewise(res: http.ServerResponse, body: Buffer): void {
  let at = 0;
  const next = () => {
    if (at >= body.length) {
      res.end();
      return;
    }
    res.write(body.subarray(at, at + 1));
    at++;
    setImmediate(next);
  };
  next();
}

describe('Charsets of response bodies', () => {
  let server: TestServer;
  let s: Session;
  before(async () => {
    server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const route = ROUTES[path];
      if (!route) {
        res.writeHead(404);
        res.end();
        return;
      }
      const [contentType, body] = route;
      res.writeHead(200, contentType ? { 'Content-Type': contentType } : {});
      if (path === '/lines') bytewise(res, body);
      else res.end(body);
    });
    s = new Session();
  });
  after(async () => {
    await s.close();
    await server.close();
  });

  test('text/* without a charset is ISO-8859-1, as requests', async () => {
    const r = await s.get(`${server.url}/latin1`);
    assert.equal(r.encoding, 'ISO-8859-1');
    assert.equal(r.text, 'caf\u00e9 cr\u00e8me \u0080');
  });

  test('the charset parameter decides: Shift_JIS, quoted utf-8, utf-16 with BOM', async () => {
    const sjis = await s.get(`${server.url}/sjis`);
    assert.equal(sjis.encoding, 'Shift_JIS');
    assert.equal(sjis.text, 'こんにちは');
    const quoted = await s.get(`${server.url}/quoted`);
    assert.equal(quoted.encoding, 'utf-8');
    assert.equal(quoted.text, 'quoted ✓');
    const utf16 = await s.get(`${server.url}/utf16`);
    assert.equal(utf16.text, 'utf-16 ✓');
  });

  test('encoding is settable and text follows it', async () => {
    const r = await s.get(`${server.url}/latin1`);
    r.encoding = 'utf-8';
    assert.equal(r.text, 'caf\ufffd cr\ufffdme \ufffd');
    r.encoding = 'latin-1';
    assert.equal(r.text, 'caf\u00e9 cr\u00e8me \u0080');
  });

  test('no Content-Type: no encoding, text uses apparentEncoding', async () => {
    const r = await s.get(`${server.url}/none`);
    assert.equal(r.encoding, null);
    assert.equal(r.apparentEncoding, 'utf-8');
    assert.match(r.text, /^h\u00e9llo w\u00f6rld/);
  });

  test('json(): UTF-16 found from the bytes; application/json defaults to utf-8', async () => {
    const utf16 = await s.get(`${server.url}/json-utf16`);
    assert.equal(utf16.encoding, null);
    assert.deepEqual(utf16.json(), JSON_VALUE);
    const plain = await s.get(`${server.url}/json-default`);
    assert.equal(plain.encoding, 'utf-8');
    assert.deepEqual(plain.json(), JSON_VALUE);
  });

  test('iterLines decodes characters cut by the network at every chunk size', async () => {
    for (const chunkSize of [1, 2, 3, 5, 512]) {
      const r = await s.get(`${server.url}/lines`, { stream: true });
      const lines: Array<string | Uint8Array> = [];
      for await (const line of r.iterLines({ chunkSize, decodeUnicode: true })) lines.push(line);
      assert.deepEqual(
        lines,
        ['α line', 'β line', '\u{1f600} smile', 'last €'],
        `chunk size ${chunkSize}`,
      );
    }
  });

  test('iterContent decodeUnicode on a stream gives the whole text, no U+FFFD', async () => {
    const r = await s.get(`${server.url}/lines`, { stream: true });
    let textValue = '';
    for await (const piece of r.iterContent({ chunkSize: null, decodeUnicode: true })) {
      assert.equal(typeof piece, 'string');
      textValue += piece;
    }
    assert.equal(textValue, 'α line\nβ line\n\u{1f600} smile\nlast €');
  });
});
