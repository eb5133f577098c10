// tlsSettingsFrom: requests' verify / cert forms, cached reads, stable ids, requests' messages.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import tls from 'node:tls';
import { poolKey } from '../../src/pool/pool-key.js';
import {
  caBundleFromEnv,
  recheckTlsFiles,
  secureContextOf,
  TLSFileError,
  tlsSettingsFrom,
} from '../../src/pool/tls.js';
import { certs } from '../helpers/certs.js';

const scratch = mkdtempSync(join(tmpdir(), 'requests-ts-tls-unit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('verify', () => {
  test('true and false give one frozen object each, told apart by the pool key', () => {
    const on = tlsSettingsFrom(true);
    const off = tlsSettingsFrom(false);
    assert.equal(tlsSettingsFrom(true), on);
    assert.equal(tlsSettingsFrom(false), off);
    assert.equal(on.rejectUnauthorized, true);
    assert.equal(off.rejectUnauthorized, false);
    assert.ok(Object.isFrozen(on) && Object.isFrozen(off));
    assert.notEqual(poolKey('https', 'h', 443, on), poolKey('https', 'h', 443, off));
  });

  test("true: Node's own store where Node cannot read the system store", () => {
    const readsSystem =
      typeof (tls as { getCACertificates?: unknown }).getCACertificates === 'function';
    const settings = tlsSettingsFrom(true);
    assert.equal(settings.caId, readsSystem ? 'default+system' : 'default');
    assert.equal(settings.ca === undefined, !readsSystem);
  });

  test('an empty path checks nothing, as requests', () => {
    assert.equal(tlsSettingsFrom('').rejectUnauthorized, false);
  });

  test('a CA bundle file is read once and cached until it changes', () => {
    const c = certs();
    const file = join(scratch, 'bundle.pem');
    copyFileSync(c.caFile, file);
    const readAt = performance.now();
    const first = tlsSettingsFrom(file);
    assert.equal(first.rejectUnauthorized, true);
    assert.match(String(first.ca), /BEGIN CERTIFICATE/);
    assert.equal(tlsSettingsFrom(file), first);
    writeFileSync(file, c.read(c.caFile) + c.read(c.otherCaFile));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    // Not stat'ed on every request: the change is seen at the next check (within a second).
    // Only sound while that second has not passed, which a stalled, loaded machine can exceed.
    const stillCached = tlsSettingsFrom(file);
    if (performance.now() - readAt < 1_000) assert.equal(stillCached, first);
    recheckTlsFiles();
    const second = tlsSettingsFrom(file);
    assert.notEqual(second, first);
    assert.notEqual(second.caId, first.caId);
    assert.equal(String(second.ca).match(/BEGIN CERTIFICATE/g)?.length, 2);
  });

  test('a directory: every certificate of every file, other files ignored', () => {
    const c = certs();
    const dir = mkdtempSync(join(scratch, 'cadir-'));
    copyFileSync(c.caFile, join(dir, '5ed36f99.0')); // OpenSSL's hashed name
    copyFileSync(c.otherCaFile, join(dir, 'other.pem'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const settings = tlsSettingsFrom(dir);
    assert.ok(Array.isArray(settings.ca));
    assert.equal((settings.ca as string[]).length, 2);
    assert.match(settings.caId ?? '', /^dir:/);
    assert.equal(tlsSettingsFrom(dir), settings);
  });

  test('a missing path raises before any connection, with requests message', () => {
    const missing = join(scratch, 'nope.pem');
    assert.throws(
      () => tlsSettingsFrom(missing),
      (err: unknown) =>
        err instanceof TLSFileError &&
        err.code === 'ENOENT' &&
        err.path === missing &&
        err.message ===
          `Could not find a suitable TLS CA certificate bundle, invalid path: ${missing}`,
    );
  });
});

describe('cert', () => {
  test('a combined file, a pair of paths and an object with a passphrase', () => {
    const c = certs();
    const combined = tlsSettingsFrom(c.caFile, c.client.combinedFile);
    assert.match(String(combined.cert), /BEGIN CERTIFICATE/);
    assert.match(String(combined.key), /PRIVATE KEY/);
    assert.doesNotMatch(String(combined.cert), /PRIVATE KEY/);
    const pair = tlsSettingsFrom(c.caFile, [c.client.certFile, c.client.keyFile]);
    assert.match(String(pair.key), /PRIVATE KEY/);
    const encrypted = tlsSettingsFrom(c.caFile, {
      cert: c.client.certFile,
      key: c.client.encryptedKeyFile,
      passphrase: c.passphrase,
    });
    assert.equal(encrypted.passphrase, c.passphrase);
    assert.ok(secureContextOf(encrypted));
    const ids = new Set([combined.certId, pair.certId, encrypted.certId]);
    assert.equal(ids.size, 3);
    assert.equal(tlsSettingsFrom(c.caFile, [c.client.certFile, c.client.keyFile]), pair);
  });

  test('PEM contents in memory: equal contents share settings, other contents do not', () => {
    const c = certs();
    const cert = c.read(c.client.certFile);
    const key = Buffer.from(c.read(c.client.keyFile));
    const a = tlsSettingsFrom(true, { cert, key });
    const b = tlsSettingsFrom(true, { cert, key: Buffer.from(key) });
    assert.equal(a, b);
    const other = tlsSettingsFrom(true, { cert: c.read(c.server.cert), key: c.read(c.server.key) });
    assert.notEqual(other.certId, a.certId);
    assert.doesNotMatch(a.certId ?? '', /PRIVATE|BEGIN/);
  });

  test('the certId of a key with a passphrase does not hold the passphrase', () => {
    const c = certs();
    const s = tlsSettingsFrom(true, {
      cert: c.client.certFile,
      key: c.client.encryptedKeyFile,
      passphrase: c.passphrase,
    });
    assert.ok(!(s.certId ?? '').includes(c.passphrase));
    assert.ok(!poolKey('https', 'h', 443, s).includes(c.passphrase));
  });

  test('missing certificate and key files: requests messages', () => {
    const c = certs();
    const missing = join(scratch, 'missing.pem');
    assert.throws(
      () => tlsSettingsFrom(true, missing),
      new TLSFileError(
        `Could not find the TLS certificate file, invalid path: ${missing}`,
        missing,
      ),
    );
    assert.throws(
      () => tlsSettingsFrom(true, [c.client.certFile, missing]),
      new TLSFileError(`Could not find the TLS key file, invalid path: ${missing}`, missing),
    );
  });

  test('a certificate file without a key says to pass the key', () => {
    const c = certs();
    assert.throws(
      () => tlsSettingsFrom(true, c.client.certFile),
      (err: unknown) =>
        err instanceof TLSFileError &&
        err.code === 'EINVAL' &&
        /\[certPath, keyPath\]/.test(err.message),
    );
  });

  test('a wrong passphrase fails when the context is built, with an OpenSSL code', () => {
    const c = certs();
    const s = tlsSettingsFrom(true, {
      cert: c.client.certFile,
      key: c.client.encryptedKeyFile,
      passphrase: 'wrong',
    });
    assert.throws(
      () => secureContextOf(s),
      (err: { code?: string }) => String(err.code).startsWith('ERR_OSSL_'),
    );
  });
});

test('caBundleFromEnv: REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE, empty counts as unset', () => {
  assert.equal(caBundleFromEnv({ REQUESTS_CA_BUNDLE: '/a', CURL_CA_BUNDLE: '/b' }), '/a');
  assert.equal(caBundleFromEnv({ REQUESTS_CA_BUNDLE: '', CURL_CA_BUNDLE: '/b' }), '/b');
  assert.equal(caBundleFromEnv({}), undefined);
});
