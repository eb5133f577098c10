/**
 * Response.timings over HTTP/2: the connection's connect phases go to its first stream; the
 * streams multiplexed beside it report reused, each with its own request-level phases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { startH2Server, type TestH2Server } from '../helpers/h2-server.js';

const DELAY = 60;

describe('timings over HTTP/2', () => {
  let srv: TestH2Server;
  before(async () => {
    srv = await startH2Server({
      handler: async ({ stream }) => {
        await sleep(DELAY);
        stream.respond({ ':status': 200 });
        stream.write('a');
        await sleep(DELAY);
        stream.end('b');
      },
    });
  });
  after(() => srv.close());

  test('one connect record for the connection, a request record per stream', async () => {
    const s = new Session();
    s.trustEnv = false;
    s.verify = certs().caFile;
    s.mount('https://', new HTTPAdapter({ http2: true }));
    try {
      const first = await s.get(`${srv.url}/`);
      assert.equal(first.raw?.version, 20);
      assert.equal(first.timings.reused, false);
      assert.equal(typeof first.timings.connect, 'number');
      assert.ok(first.timings.tls! > 0, 'TLS with ALPN');
      const many = await Promise.all([1, 2, 3].map(() => s.get(`${srv.url}/`)));
      assert.equal(srv.sessions(), 1, 'all over one connection');
      for (const r of many) {
        const t = r.timings;
        assert.equal(t.reused, true);
        assert.deepEqual([t.dns, t.connect, t.tls], [null, null, null]);
        assert.ok(t.firstByte! >= DELAY - 5, `firstByte ${t.firstByte}`);
        assert.ok(t.firstByte! + t.download! >= 2 * DELAY - 5, `download ${t.download}`);
        assert.ok(t.total! >= 2 * DELAY - 5);
      }
    } finally {
      await s.close();
    }
  });
});
