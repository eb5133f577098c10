/**
 * The command line with `http+unix://` URLs, through the built bin (dist/, built by `npm test`),
 * against a node:http server on a Unix socket in a temporary directory.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startUnixServer, type UnixServer } from '../helpers/unix-server.js';

const BIN = resolve('dist/esm/cli/bin.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

describe('requests-ts with http+unix:// URLs', () => {
  let server: UnixServer;
  before(async () => {
    server = await startUnixServer();
  });
  after(async () => {
    await server.close();
  });

  test('GET with a query item reaches the socket', async () => {
    const r = await cli([`${server.url}/items`, 'q==1']);
    assert.equal(r.code, 0, r.stderr);
    const echo = JSON.parse(r.stdout) as { url: string; headers: Record<string, string> };
    assert.equal(echo.url, '/items?q=1');
    assert.equal(echo.headers['host'], 'localhost');
  });

  test('--offline prints Host: localhost, as sent', async () => {
    const r = await cli(['--offline', `${server.url}/o`, 'k=v']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^POST \/o HTTP\/1\.1\n/);
    assert.match(r.stdout, /\nHost: localhost\n/);
  });

  test('a missing socket exits 1 with one line naming the path', async () => {
    const missing = join(server.dir, 'missing.sock');
    const r = await cli([`http+unix://${encodeURIComponent(missing)}/`]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(missing), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
