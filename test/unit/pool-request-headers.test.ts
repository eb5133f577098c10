import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prepareHeaders } from '../../src/pool/request-headers.js';

describe('prepareHeaders', () => {
  test('the caller object is returned untouched when nothing changes', () => {
    const h = { Accept: '*/*', 'User-Agent': 'x' };
    assert.equal(prepareHeaders(h, undefined, undefined), h);
    assert.equal(prepareHeaders(undefined, undefined, undefined), undefined);
  });

  test('headers undici refuses are dropped (it frames the body itself)', () => {
    const h = {
      'Transfer-Encoding': 'chunked',
      'keep-alive': '5',
      Expect: '100-continue',
      Upgrade: 'h2c',
      A: '1',
    };
    assert.deepEqual(prepareHeaders(h, undefined, undefined), { A: '1' });
  });

  test('extra headers and host are added unless the caller set them', () => {
    assert.deepEqual(
      prepareHeaders(
        { 'proxy-authorization': 'mine' },
        { 'Proxy-Authorization': 'pool', X: '1' },
        'h:81',
      ),
      { 'proxy-authorization': 'mine', X: '1', host: 'h:81' },
    );
    assert.deepEqual(prepareHeaders({ Host: 'given' }, undefined, 'h'), { Host: 'given' });
  });
});
