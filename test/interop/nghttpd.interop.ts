/**
 * nghttpd (nghttp2-server): an h2-only TLS server, no HTTP/1.1 fallback. GET, POST (echoed by
 * --echo-upload) and many concurrent requests multiplexed on one connection.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { curl, type Daemon, freePort, startDaemon, tempDir } from './daemons.js';

let daemon: Daemon;
let base = '';

function h2Session(): Session {
  const s = new Session();
  s.mount('https://', new HTTPAdapter({ http2: true }));
  s.verify = certs().caFile;
  return s;
}

/** Distinct sessions (connections) nghttpd has logged with -v: `[id=N]`. */
function connections(log: string): number {
  return new Set(log.match(/\[id=\d+\]/g) ?? []).size;
}

before(async () => {
  const dir = tempDir('nghttpd');
  writeFileSync(join(dir, 'index.html'), 'hello from nghttpd\n');
  const port = await freePort();
  const c = certs();
  daemon = await startDaemon(
    'nghttpd',
    [
      '-v',
      '--echo-upload',
      '-d',
      dir,
      '--address=127.0.0.1',
      String(port),
      c.server.key,
      c.server.cert,
    ],
    port,
  );
  base = `https://localhost:${port}`;
});
after(() => daemon?.stop());

describe('nghttpd, h2 only', () => {
  test('GET over h2 (ALPN), the same body curl gets', async () => {
    const s = h2Session();
    try {
      const r = await s.get(`${base}/index.html`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.raw?.version, 20);
      assert.equal(r.text, 'hello from nghttpd\n');
      assert.equal(curl(['--http2', '--cacert', certs().caFile, `${base}/index.html`]), r.text);
    } finally {
      s.close();
    }
  });

  test('POST: the body is echoed back', async () => {
    const s = h2Session();
    try {
      const body = 'x'.repeat(100_000);
      const r = await s.post(`${base}/echo`, { data: body });
      assert.equal(r.statusCode, 200);
      assert.equal(r.text, body);
    } finally {
      s.close();
    }
  });

  test('requests one after another reuse one connection', async () => {
    const before = connections(daemon.output());
    const s = h2Session();
    try {
      for (let i = 0; i < 5; i++) {
        assert.equal((await s.post(`${base}/echo`, { data: `n${i}` })).text, `n${i}`);
      }
      const opened = connections(daemon.output()) - before;
      assert.equal(opened, 1, `one h2 connection, not ${opened}`);
    } finally {
      s.close();
    }
  });
});
