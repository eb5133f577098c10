/**
 * nghttpd: many concurrent requests multiplexed on one h2 connection (API.md: "one h2 connection
 * carries many requests at once").
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { type Daemon, freePort, startDaemon, tempDir } from './daemons.js';

let daemon: Daemon;
let base = '';

function h2Session(): Session {
  const s = new Session();
  s.mount('https://', new HTTPAdapter({ http2: true }));
  s.verify = certs().caFile;
  return s;
}

/**
 * Distinct sessions (connections) that carried requests, as nghttpd logs them with -v:
 * `[id=N] ... recv HEADERS frame` (the port probe of startDaemon is a session without any).
 */
function connections(log: string): number {
  return new Set(log.match(/\[id=\d+\][^\n]*recv HEADERS frame/g)?.map((l) => l.split(']')[0]))
    .size;
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

describe('nghttpd, h2 multiplexing', () => {
  test('50 concurrent requests share one connection', async () => {
    const before = connections(daemon.output());
    const s = h2Session();
    try {
      const all = await Promise.all(
        Array.from({ length: 50 }, (_, i) => s.post(`${base}/echo`, { data: `n${i}` })),
      );
      for (const [i, r] of all.entries()) assert.equal(r.text, `n${i}`);
      const opened = connections(daemon.output()) - before;
      assert.equal(opened, 1, `one h2 connection, not ${opened}`);
    } finally {
      s.close();
    }
  });
});
