/**
 * Python habits caught (issue 14.4) and timeouts past what a timer holds (issue 10.10), against a
 * real server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import requests, { HTTPAdapter, MockAdapter, Session, TimeoutConfig } from '../../src/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('Python habits (issue 14.4)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  test('an unknown request option is a TypeError naming the camelCase key, before any traffic', async () => {
    const s = new Session();
    try {
      const before = server.requests.length;
      await assert.rejects(s.get(server.url, { allow_redirects: false } as never), {
        name: 'TypeError',
        message: "Unknown request option 'allow_redirects': did you mean allowRedirects?",
      });
      await assert.rejects(requests.post(server.url, { jsn: {} } as never), /did you mean json\?/);
      await assert.rejects(s.get(server.url, { max_response_size: 1 } as never), /maxResponseSize/);
      assert.equal(server.requests.length, before);
      // Known keys, undefined ones included, pass.
      assert.equal(
        (await s.get(server.url, { stream: undefined, allowRedirects: true })).statusCode,
        200,
      );
    } finally {
      await s.close();
    }
  });

  test('new Session(options) takes the attributes of API.md', async () => {
    const mock = new MockAdapter();
    const s = new Session({
      headers: { 'X-Team': 'a', Accept: null },
      params: { k: '1' },
      maxRedirects: 3,
      trustEnv: false,
      timeout: 4_000,
      stream: false,
      cookies: { c: 'v' },
      adapters: { 'https://mocked.example/': mock },
    });
    try {
      assert.equal(s.maxRedirects, 3);
      assert.equal(s.trustEnv, false);
      assert.equal(s.timeout, 4_000);
      assert.equal(s.getAdapter('https://mocked.example/x'), mock);
      await s.get(`${server.url}/opts`);
      const rec = server.requests[server.requests.length - 1]!;
      assert.equal(rec.url, '/opts?k=1');
      assert.equal(rec.headers['x-team'], 'a');
      assert.equal(rec.headers.accept, undefined);
      assert.match(String(rec.headers['user-agent']), /^requests-ts\//);
      assert.equal(rec.headers.cookie, 'c=v');
    } finally {
      await s.close();
    }
    assert.throws(() => new Session({ max_redirects: 3 } as never), {
      name: 'TypeError',
      message: "Unknown Session option 'max_redirects': did you mean maxRedirects?",
    });
    assert.throws(() => new Session({ trust_env: false } as never), /did you mean trustEnv\?/);
    assert.throws(() => new Session('x' as never), /options must be an object/);
  });

  test('a bare number under 100 warns once that it is milliseconds; explicit forms stay silent', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    // Served by a mock: the warning is about the value, and no tiny timeout races a busy machine.
    const mock = new MockAdapter();
    mock.register('*', /^http:\/\/mock\//);
    const s = new Session({ adapters: { 'http://mock/': mock } });
    const url = 'http://mock/t';
    try {
      await s.get(url, { timeout: { connect: 50, read: 50 } });
      await s.get(url, { timeout: new TimeoutConfig({ read: 80 }) });
      await s.get(url, { timeout: 5_000 });
      await new Promise((r) => setImmediate(r));
      assert.equal(warnings.length, 0);
      await s.get(url, { timeout: 90 });
      await s.get(url, { timeout: 30 });
      assert.equal(mock.calls.length, 5);
      await new Promise((r) => setImmediate(r));
      assert.equal(warnings.length, 1);
      const w = warnings[0] as Error & { code?: string };
      assert.equal(w.name, 'RequestsTsWarning');
      assert.equal(w.code, 'REQUESTS_TS_TIMEOUT_UNIT');
      assert.match(w.message, /timeout 90 is 90 milliseconds, not seconds.*write 90000 for 90 s/);
    } finally {
      process.off('warning', onWarning);
      await s.close();
    }
  });
});

describe('timeouts past 2^31-1 ms (issue 10.10)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 100));
      res.end('late');
    });
  });
  after(async () => {
    await server.close();
  });

  test('Infinity and 2^31 ms are no limit: a slow answer arrives (Node would fire at once)', async () => {
    const s = new Session();
    s.mount('http://', new HTTPAdapter({ keepAliveTimeout: 1_000 }));
    try {
      for (const timeout of [
        Number.POSITIVE_INFINITY,
        2 ** 31,
        { connect: 2 ** 40, read: 2 ** 40, total: 2 ** 40, pool: 2 ** 40 },
        [Number.POSITIVE_INFINITY, 1e15] as const,
      ]) {
        const r = await s.get(server.url, { timeout });
        assert.equal(r.text, 'late');
      }
    } finally {
      await s.close();
    }
  });

  test('NaN, negatives and strings are TypeErrors naming the forms, before any traffic', async () => {
    const before = server.requests.length;
    for (const timeout of [Number.NaN, -1, '5', { read: -3 }, [1, 'x']]) {
      await assert.rejects(requests.get(server.url, { timeout: timeout as never }), {
        name: 'TypeError',
        message: /timeout takes a number of milliseconds, a \[connect, read\] pair/,
      });
    }
    assert.equal(server.requests.length, before);
  });
});
