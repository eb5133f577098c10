import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { environment, refreshEnvironment } from '../../src/utils/environment.js';

describe('environment snapshot', () => {
  const saved = process.env['https_proxy'];
  afterEach(() => {
    if (saved === undefined) delete process.env['https_proxy'];
    else process.env['https_proxy'] = saved;
    refreshEnvironment();
  });

  test('is reused while no watched variable changes', () => {
    assert.equal(environment(), environment());
  });

  test('is read again as soon as a watched variable changed, from the next turn on', async () => {
    const before = environment();
    process.env['https_proxy'] = 'http://127.0.0.1:3128';
    assert.equal(environment(), before, 'one check per turn of the event loop');
    await new Promise((resolve) => setImmediate(resolve));
    const after = environment();
    assert.notEqual(after, before);
    assert.equal(after.proxies['https'], 'http://127.0.0.1:3128');
    assert.equal(after.hasProxies, true);
  });

  test('other *_proxy variables are picked up on refreshEnvironment()', () => {
    const saved = process.env['ftp_proxy'];
    process.env['ftp_proxy'] = 'http://127.0.0.1:21';
    try {
      refreshEnvironment();
      assert.equal(environment().proxies['ftp'], 'http://127.0.0.1:21');
    } finally {
      if (saved === undefined) delete process.env['ftp_proxy'];
      else process.env['ftp_proxy'] = saved;
    }
  });
});
