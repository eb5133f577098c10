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
