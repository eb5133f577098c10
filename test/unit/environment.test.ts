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

  test('a proxy or CA variable set just before a call is used by that call (as requests)', () => {
    const before = environment();
    process.env['https_proxy'] = 'http://127.0.0.1:3128';
    const after = environment();
    assert.notEqual(after, before);
    assert.equal(after.proxies['https'], 'http://127.0.0.1:3128');
    assert.equal(after.hasProxies, true);
    const savedCa = process.env['REQUESTS_CA_BUNDLE'];
    process.env['REQUESTS_CA_BUNDLE'] = '/tmp/ca-set-just-now.pem';
    try {
      assert.equal(environment().caBundle, '/tmp/ca-set-just-now.pem');
    } finally {
      if (savedCa === undefined) delete process.env['REQUESTS_CA_BUNDLE'];
      else process.env['REQUESTS_CA_BUNDLE'] = savedCa;
    }
  });

  test('no_proxy, NETRC and HOME are seen from the next turn on', async () => {
    const saved = process.env['NETRC'];
    const before = environment();
    process.env['NETRC'] = '/tmp/netrc-set-just-now';
    try {
      assert.equal(environment(), before, 'checked once per turn');
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(environment().netrcLocations.includes('/tmp/netrc-set-just-now'));
    } finally {
      if (saved === undefined) delete process.env['NETRC'];
      else process.env['NETRC'] = saved;
    }
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
