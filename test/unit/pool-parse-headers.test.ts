import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHeaders } from '../../src/pool/exchange.js';

/** undici's raw header list: name, value, name, value ... as latin-1 bytes. */
function raw(...pairs: Array<[string, string]>): Buffer[] {
  return pairs.flatMap(([n, v]) => [Buffer.from(n, 'latin1'), Buffer.from(v, 'latin1')]);
}

describe('parseHeaders (response header collection)', () => {
  test('common names in any case come out lower case, values exact', () => {
    const h = parseHeaders(
      raw(
        ['Server', 'nginx/1.22.1'],
        ['DATE', 'Wed, 02 Dec 2026 07:00:00 GMT'],
        ['content-TYPE', 'text/html; charset=utf-8'],
        ['Content-Length', '13'],
        ['ETag', '"d-6953a800"'],
      ),
    );
    assert.deepEqual(Object.entries(h), [
      ['server', 'nginx/1.22.1'],
      ['date', 'Wed, 02 Dec 2026 07:00:00 GMT'],
      ['content-type', 'text/html; charset=utf-8'],
      ['content-length', '13'],
      ['etag', '"d-6953a800"'],
    ]);
  });

  test('a value kept from the last response is used only when its bytes are the same', () => {
    assert.equal(parseHeaders(raw(['Content-Length', '13']))['content-length'], '13');
    // Same length, other bytes: the new value, not the one seen before.
    assert.equal(parseHeaders(raw(['Content-Length', '14']))['content-length'], '14');
    assert.equal(parseHeaders(raw(['Content-Length', '7']))['content-length'], '7');
    assert.equal(parseHeaders(raw(['content-length', '7']))['content-length'], '7');
    const date = 'Wed, 02 Dec 2026 07:00:01 GMT';
    assert.equal(parseHeaders(raw(['Date', date]))['date'], date);
    assert.equal(
      parseHeaders(raw(['Date', date.replace(':01', ':02')]))['date'],
      date.replace(':01', ':02'),
    );
  });

  test('names close to a common one, other names, and latin-1 bytes are read as they are', () => {
    const h = parseHeaders(
      raw(
        ['Contant-Type', 'a'],
        ['X-Custom', 'b'],
        ['Dat\u00c9', 'c'], // the length of `date`, a non-ASCII byte: lower-cased as latin-1
        ['Server', 'caf\u00e9'],
        ['Server', 'second'],
      ),
    );
    assert.deepEqual(Object.entries(h), [
      ['contant-type', 'a'],
      ['x-custom', 'b'],
      ['dat\u00e9', 'c'],
      ['server', ['caf\u00e9', 'second']],
    ]);
    assert.equal(Object.getPrototypeOf(h), null);
  });
});
