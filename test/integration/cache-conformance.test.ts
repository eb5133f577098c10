/**
 * RFC 9111 conformance of CacheAdapter: the table in test/helpers/cache-cases.ts, each case
 * against a real node:http server that counts the requests it receives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CacheAdapter, Session } from '../../src/index.js';
import { CASES, type Case } from '../helpers/cache-cases.js';
import { type EchoRecord, startServer, type TestServer } from '../helpers/server.js';

describe('CacheAdapter: RFC 9111 conformance table', () => {
  let server: TestServer;
  // Each case has its own path prefix and request count.
  const counts = new Map<number, number>();
  before(async () => {
    server = await startServer((req, res, record) => {
      const index = Number(/^\/c(\d+)\//.exec(req.url ?? '')?.[1]);
      const n = (counts.get(index) ?? 0) + 1;
      counts.set(index, n);
      const answer = (CASES[index] as Case).serve(n, record as EchoRecord);
      const body = answer.status === 304 ? '' : (answer.body ?? `body-${n}`);
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  after(() => server.close());

  test('the table has at least 40 cases, each citing a section', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases`);
    for (const c of CASES) assert.match(c.section, /^§\d/);
  });

  CASES.forEach((c, index) => {
    test(`${c.section} ${c.name}`, async () => {
      const s = new Session();
      s.mount('http://', new CacheAdapter({ shared: c.shared ?? false }));
      try {
        for (const [i, step] of c.steps.entries()) {
          const url = `${server.url}/c${index}${step.path ?? '/r'}`;
          const r = await s.request(step.method ?? 'GET', url, {
            headers: step.headers ?? {},
            allowRedirects: false,
          });
          const where = `step ${i + 1}`;
          assert.equal(counts.get(index) ?? 0, step.hits, `${where}: requests at the origin`);
          assert.equal(r.fromCache, step.fromCache, `${where}: fromCache`);
          if (step.status !== undefined)
            assert.equal(r.statusCode, step.status, `${where}: status`);
          if (step.body !== undefined) assert.equal(r.text, step.body, `${where}: body`);
          if (step.sent) step.sent(server.requests.at(-1) as EchoRecord);
          if (step.got) step.got(Object.fromEntries(r.headers.lowerItems()));
        }
      } finally {
        await s.close();
      }
    });
  });
});
