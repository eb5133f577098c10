/** computeTimings: how raw marks become phases, for the cases servers and connectors produce. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeTimings, connectMarks, unmeasured } from '../../src/pool/timings.js';

const request = { startedAt: 100, dispatchedAt: 101, writingAt: 110, sentAt: 112, headersAt: 150 };

test('a new TLS connection to a resolved name: every phase, end to end', () => {
  const conn = { connectStart: 101, dnsAt: 103, tcpAt: 105, tlsAt: 109, readyAt: 109 };
  assert.deepEqual(computeTimings(request, conn, 170), {
    queued: 1,
    dns: 2,
    connect: 2,
    tls: 4,
    request: 2,
    firstByte: 38,
    download: 20,
    total: 70,
    reused: false,
  });
});

test('plain TCP to an IP address: dns and tls null; connect from the connector call', () => {
  const conn = { ...connectMarks(), connectStart: 101, tcpAt: 104, readyAt: 104 };
  const t = computeTimings(request, conn, 170);
  assert.equal(t.dns, null);
  assert.equal(t.connect, 3);
  assert.equal(t.tls, null);
});

test('a connector that says nothing of its steps: all of it is connect', () => {
  const conn = { ...connectMarks(), connectStart: 101, readyAt: 108 };
  const t = computeTimings(request, conn, 170);
  assert.deepEqual([t.dns, t.connect, t.tls], [null, 7, null]);
});

test('reused: no connect phases; body not read yet: download and total null', () => {
  const t = computeTimings(request, null, -1);
  assert.deepEqual([t.dns, t.connect, t.tls, t.reused], [null, null, null, true]);
  assert.deepEqual([t.firstByte, t.download, t.total], [38, null, null]);
});

test('a server that answers before the request was written: request ends at the headers', () => {
  const early = { ...request, sentAt: -1 };
  const t = computeTimings(early, null, 170);
  assert.deepEqual([t.request, t.firstByte], [40, 0]);
  const late = { ...request, sentAt: 160 }; // the rest of the body went out after the answer
  assert.deepEqual([computeTimings(late, null, 170).request], [40]);
});

test('unmeasured: every phase null, not reused, total as given', () => {
  assert.deepEqual(unmeasured(3), {
    queued: null,
    dns: null,
    connect: null,
    tls: null,
    request: null,
    firstByte: null,
    download: null,
    total: 3,
    reused: false,
  });
});

/** The sum of the phases that happened. */
function sum(t: ReturnType<typeof computeTimings>): number {
  const phases = [t.queued, t.dns, t.connect, t.tls, t.request, t.firstByte, t.download];
  return phases.reduce<number>((a, b) => a + (b ?? 0), 0);
}

test('marks seen out of order (a busy process): phases never overlap, their sum fits in total', () => {
  // The socket's connect listener ran after undici began writing, and the connection started
  // before the request was handed to it.
  const conn = { connectStart: 95, dnsAt: -1, tcpAt: 130, tlsAt: -1, readyAt: 108 };
  const t = computeTimings(request, conn, 170);
  assert.ok(sum(t) <= t.total!, `phases ${sum(t)} fit in total ${t.total}`);
  assert.equal(t.total, 70);
});

test('an HTTP/2 stream handed over once the connection is up: connect and tls, not queued', () => {
  const conn = { connectStart: 100, dnsAt: -1, tcpAt: 104, tlsAt: 120, readyAt: 120 };
  const h2 = { startedAt: 100, dispatchedAt: 121, writingAt: 121, sentAt: 122, headersAt: 150 };
  const t = computeTimings(h2, conn, 170);
  assert.equal(t.queued, 0);
  assert.equal(t.connect, 4);
  assert.equal(t.tls, 16);
  assert.ok(sum(t) <= t.total!, `phases ${sum(t)} fit in total ${t.total}`);
});
