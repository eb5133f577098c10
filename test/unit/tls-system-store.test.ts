// verify: true on a Node that can read the system trust store (>= 22.15): Node's roots plus the
// system's, once, without duplicates; on older Node, Node's own store. The function is
// feature-detected, so it is stubbed here before the first tlsSettingsFrom(true) of this process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import tls from 'node:tls';
import { tlsSettingsFrom } from '../../src/pool/tls.js';

test('verify true trusts the default and the system store when Node offers both', (t) => {
  const asked: string[] = [];
  const stub = (type: string) => {
    asked.push(type);
    return type === 'system' ? ['B', 'C'] : ['A', 'B'];
  };
  const target = tls as unknown as { getCACertificates?: (type: string) => string[] };
  const original = target.getCACertificates;
  target.getCACertificates = stub;
  t.after(() => {
    if (original === undefined) delete target.getCACertificates;
    else target.getCACertificates = original;
  });
  const settings = tlsSettingsFrom(true);
  assert.deepEqual(settings.ca, ['A', 'B', 'C']);
  assert.equal(settings.caId, 'default+system');
  assert.equal(settings.rejectUnauthorized, true);
  assert.equal(tlsSettingsFrom(true), settings);
  assert.deepEqual(asked, ['default', 'system'], 'read once per process');
});
