import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkOptionKeys, nearestKey, optionKeys } from '../../src/_internal/options.js';
import { HTTPAdapter } from '../../src/adapters/http-adapter.js';
import { Retry } from '../../src/retry.js';
import { TimeoutConfig } from '../../src/timeout.js';

const KEYS = optionKeys<{ allowRedirects?: boolean; maxResponseSize?: number; stream?: boolean }>({
  allowRedirects: true,
  maxResponseSize: true,
  stream: true,
});

describe('unknown option keys (issue 14.4)', () => {
  test('snake_case maps to camelCase; case and typos to the nearest key', () => {
    assert.equal(nearestKey('allow_redirects', KEYS), 'allowRedirects');
    assert.equal(nearestKey('max_response_size', KEYS), 'maxResponseSize');
    assert.equal(nearestKey('allowredirects', KEYS), 'allowRedirects');
    assert.equal(nearestKey('strem', KEYS), 'stream');
    assert.equal(nearestKey('zzzzzz', KEYS), null);
  });

  test('the message names the key and the nearest valid one, or lists them', () => {
    assert.throws(() => checkOptionKeys({ allow_redirects: false }, KEYS, 'request option'), {
      name: 'TypeError',
      message: "Unknown request option 'allow_redirects': did you mean allowRedirects?",
    });
    assert.throws(() => checkOptionKeys({ qqqqqq: 1 }, KEYS, 'request option'), {
      message: /'qqqqqq': valid ones are allowRedirects, maxResponseSize, stream/,
    });
    checkOptionKeys({ stream: true, allowRedirects: undefined }, KEYS, 'request option');
  });

  test('HTTPAdapter, Retry and TimeoutConfig options are checked', () => {
    assert.throws(() => new HTTPAdapter({ pool_maxsize: 4 } as never), {
      name: 'TypeError',
      message: "Unknown HTTPAdapter option 'pool_maxsize': did you mean poolMaxsize?",
    });
    assert.throws(() => new HTTPAdapter({ max_retries: 3 } as never), /did you mean maxRetries\?/);
    assert.throws(() => new Retry({ backoff_factor: 0.5 } as never), {
      name: 'TypeError',
      message: "Unknown Retry option 'backoff_factor': did you mean backoffFactor?",
    });
    assert.throws(() => new Retry({ status_forcelist: [503] } as never), /statusForcelist/);
    assert.throws(() => new TimeoutConfig({ Read: 5 } as never), /did you mean read\?/);
    assert.throws(
      () => TimeoutConfig.from({ connect_timeout: 5 } as never),
      /did you mean connect\?/,
    );
  });

  test('a subclass may take options of its own', () => {
    class MyRetry extends Retry {
      constructor(options: ConstructorParameters<typeof Retry>[0] & { label?: string }) {
        super(options);
      }
    }
    assert.equal(new MyRetry({ total: 2, label: 'x' }).total, 2);
    // new() passes on the options of a Retry, which are all known.
    assert.equal(new Retry({ total: 3 }).new({ total: 1 }).total, 1);
  });
});
