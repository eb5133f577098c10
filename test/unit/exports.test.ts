/**
 * The public surface is explicit: the names shared/API.md promises are exported by index.ts,
 * on the module and on the default export.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as api from '../../src/index.js';

const PROMISED = [
  // module-level verbs
  'request',
  'get',
  'options',
  'head',
  'post',
  'put',
  'patch',
  'delete',
  'del',
  // classes
  'Session',
  'HTTPAdapter',
  'BaseAdapter',
  'MockAdapter',
  'CacheAdapter',
  'MemoryCache',
  'FileCache',
  'Retry',
  'TimeoutConfig',
  'Request',
  'PreparedRequest',
  'Response',
  'CaseInsensitiveDict',
  'RequestsCookieJar',
  'RequestHistory',
  'AuthBase',
  'HTTPBasicAuth',
  'HTTPDigestAuth',
  'HTTPProxyAuth',
  'codes',
  // helpers
  'requoteUri',
  'getEncodingFromHeaders',
  'parseHeaderLinks',
  'getEnvironProxies',
  'shouldBypassProxies',
  'selectProxy',
  // errors
  'RequestException',
  'HTTPError',
  'ConnectionError',
  'ProxyError',
  'SSLError',
  'Timeout',
  'ConnectTimeout',
  'ReadTimeout',
  'PoolTimeout',
  'URLRequired',
  'TooManyRedirects',
  'MissingSchema',
  'InvalidSchema',
  'InvalidURL',
  'InvalidHeader',
  'InvalidProxyURL',
  'ChunkedEncodingError',
  'ContentDecodingError',
  'StreamConsumedError',
  'RetryError',
  'UnrewindableBodyError',
  'InvalidJSONError',
  'JSONDecodeError',
];

describe('public surface', () => {
  test('every name of shared/API.md is a named export and on the default export', () => {
    const named = api as unknown as Record<string, unknown>;
    const dflt = api.default as unknown as Record<string, unknown>;
    for (const name of PROMISED) {
      assert.notEqual(named[name], undefined, `named export ${name}`);
      assert.notEqual(dflt[name], undefined, `default export .${name}`);
    }
  });

  test('delete and del are the same function', () => {
    assert.equal((api as unknown as Record<string, unknown>)['delete'], api.del);
  });
});
