// The progress wrapper for raw responses that cannot count themselves (no countBody), over the
// in-memory raw response adapters hand out; the pool's own counting is tested end to end in
// test/integration/progress.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryRawResponse } from '../../src/adapters/memory-raw.js';
import {
  byteCount,
  CountedRawResponse,
  expectedDownload,
  type Progress,
  ProgressReporter,
} from '../../src/adapters/progress.js';

function counted(body: string) {
  const calls: Progress[] = [];
  const reporter = new ProgressReporter((p) => calls.push({ ...p }), body.length);
  const raw = new MemoryRawResponse(200, 'OK', {}, 'http://127.0.0.1/', Buffer.from(body));
  assert.equal((raw as { countBody?: unknown }).countBody, undefined);
  return { calls, reporter, counted: new CountedRawResponse(raw, reporter) };
}

test('CountedRawResponse: read() counts the body and ends with the final count', async () => {
  const { calls, counted: r } = counted('hello');
  assert.equal(Buffer.from(await r.read()).toString(), 'hello');
  assert.deepEqual(calls, [
    { transferred: 5, total: 5 },
    // the end call repeats the count with the total: the monotone filter drops it
  ]);
  assert.equal(Buffer.from(r.data!).toString(), 'hello');
});

test('CountedRawResponse: stream() reports each chunk before it is handed on', async () => {
  const { calls, counted: r } = counted('abc');
  for await (const chunk of r.stream()) {
    assert.equal(chunk.length, 3);
    assert.deepEqual(calls.at(-1), { transferred: 3, total: 3 });
  }
  assert.equal(calls.length, 1);
});

test('ProgressReporter: silent once settled; count() reports the final count as the total', () => {
  const calls: Progress[] = [];
  const reporter = new ProgressReporter((p) => calls.push({ ...p }), null);
  reporter.count(0, false);
  reporter.count(7, false);
  reporter.count(7, true);
  reporter.settled = true;
  reporter.count(9, true);
  assert.deepEqual(calls, [
    { transferred: 0, total: null },
    { transferred: 7, total: null },
    { transferred: 7, total: 7 },
  ]);
});

test('byteCount: digits only', () => {
  assert.equal(byteCount('13'), 13);
  assert.equal(byteCount('0'), 0);
  for (const bad of ['', ' 13', '13 ', '-1', '1e3', '0x10', undefined, null, ['13']])
    assert.equal(byteCount(bad as string), null, String(bad));
});

test('expectedDownload: a Content-Length beside Transfer-Encoding is no expected size', () => {
  const raw = (headers: Record<string, string>) =>
    new MemoryRawResponse(200, 'OK', headers, 'http://127.0.0.1/', Buffer.from('ok'));
  assert.equal(expectedDownload('GET', raw({ 'content-length': '2' })), 2);
  const both = raw({ 'transfer-encoding': 'chunked', 'content-length': '100' });
  assert.equal(expectedDownload('GET', both), null);
});
