/**
 * Multipart cannot be used to inject header lines (issue 11 item 3): CR, LF and NUL in field
 * names and filenames are escaped as WHATWG's form encoding does; in a part's content type or
 * custom headers they are refused with InvalidHeader.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidHeader, Request } from '../../src/index.js';
import { encodeMultipart } from '../../src/models/multipart.js';

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks).toString('latin1');
}

/** The header lines of every part of `text` (boundary `B`). */
function headerLines(text: string): string[] {
  return text
    .split('--B')
    .slice(1, -1)
    .flatMap((part) => part.split('\r\n\r\n')[0]!.split('\r\n').filter(Boolean));
}

describe('multipart header injection', () => {
  test('names and filenames: CR, LF, NUL and quotes are percent-encoded', async () => {
    const evil = 'a\r\nX-Injected: 1\0"';
    const body = encodeMultipart({ [evil]: [evil, 'content'] }, { [evil]: 'v' }, 'B');
    const lines = headerLines(await bytesOf(body));
    assert.deepEqual(lines, [
      'Content-Disposition: form-data; name="a%0D%0AX-Injected: 1%00%22"',
      'Content-Disposition: form-data; name="a%0D%0AX-Injected: 1%00%22"; filename="a%0D%0AX-Injected: 1%00%22"',
    ]);
  });

  for (const [label, spec] of [
    ['content type with CRLF', ['f.txt', 'x', 'text/plain\r\nX-Injected: 1']],
    ['content type with NUL', ['f.txt', 'x', 'text/plain\0']],
    ['custom header value with LF', ['f.txt', 'x', 'text/plain', { 'X-A': 'b\nX-Injected: 1' }]],
    ['custom header name with CRLF', ['f.txt', 'x', null, { 'X-A\r\nX-Injected': '1' }]],
    ['custom header name with a colon', ['f.txt', 'x', null, { 'X-A: b': '1' }]],
  ] as const) {
    test(`${label}: InvalidHeader naming the field`, () => {
      assert.throws(
        () =>
          new Request({ method: 'POST', url: 'http://h/', files: { up: spec as any } }).prepare(),
        (e: unknown) => e instanceof InvalidHeader && /files\["up"\]/.test((e as Error).message),
      );
    });
  }

  test('ordinary part headers still go through', async () => {
    const body = encodeMultipart(
      { up: ['f.txt', 'x', 'text/plain', { 'X-Part': 'ok' }] },
      null,
      'B',
    );
    assert.deepEqual(headerLines(await bytesOf(body)), [
      'Content-Disposition: form-data; name="up"; filename="f.txt"',
      'Content-Type: text/plain',
      'X-Part: ok',
    ]);
  });
});
