import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    sink: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) },
  };
}

describe('requests-ts CLI', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('GET prints the body; -i the status line and headers; --timings the time', async () => {
    const c = io();
    const code = await main([`${server.url}/x`, '-H', 'X-Hi: there', '-i', '--timings'], c.sink);
    assert.equal(code, 0);
    assert.equal(c.out[0], 'HTTP 200 OK');
    assert.ok(c.out.some((l) => /^content-type: application\/json$/i.test(l)));
    const body = JSON.parse(c.out.at(-1)!);
    assert.equal(body.headers['x-hi'], 'there');
    assert.match(c.err[0]!, /^elapsed: \d+\.\d ms$/);
  });

  test('--json sends a POST with a JSON body', async () => {
    const c = io();
    assert.equal(await main([`${server.url}/j`, '--json', '{"a":1}'], c.sink), 0);
    const body = JSON.parse(c.out.at(-1)!);
    assert.equal(body.method, 'POST');
    assert.deepEqual(JSON.parse(body.body), { a: 1 });
  });

  test("errors print requests' class and exit 1; bad usage exits 2", async () => {
    const port = await closedPort();
    const c = io();
    assert.equal(await main([`http://127.0.0.1:${port}/`], c.sink), 1);
    assert.match(c.err[0]!, /^ConnectionError: /);
    const d = io();
    assert.equal(await main(['-H', 'nocolon', server.url], d.sink), 2);
    assert.match(d.err[0]!, /Name: value/);
  });

  test('the built bin runs', async () => {
    // Not execFileSync: the server answering it lives in this process.
    const bin = ['dist/esm/cli/main.js', `${server.url}/bin`];
    const { stdout } = await promisify(execFile)(process.execPath, bin);
    assert.equal(JSON.parse(stdout).url, '/bin');
  });
});
