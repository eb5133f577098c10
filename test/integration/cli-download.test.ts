/**
 * `requests-ts -d`: through the built bin (a symlink named requests-ts) against a node:http
 * server that honours Range and If-Range, as a download server does.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'rts-dl-'));
const BIN = join(dir, 'requests-ts');
symlinkSync(resolve('dist/esm/cli/bin.js'), BIN);

/** Runs the bin from a shell, stdout to /dev/null unless `tail` says otherwise (e.g. `| cat`). */
function cli(
  args: string[],
  tail = '> /dev/null',
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const line = `"$BIN" ${args.map((a) => `'${a}'`).join(' ')} ${tail}`;
  return new Promise((done) => {
    execFile(
      '/bin/sh',
      ['-c', line],
      { env: { ...process.env, BIN }, encoding: 'buffer', cwd: dir, timeout: 20_000 },
      (err, stdout, stderr) => {
        done({ code: err === null ? 0 : Number(err.code), stdout, stderr: stderr.toString() });
      },
    );
  });
}

describe('requests-ts --download', () => {
  let server: TestServer;
  let body = randomBytes(300_000);
  let etag = '"v1"';
  const ranges: (string | undefined)[] = [];
  before(async () => {
    server = await startServer((req, res) => {
      ranges.push(req.headers.range);
      if (req.url === '/short') {
        res.writeHead(200, { 'Content-Length': 1000 });
        res.write(Buffer.alloc(10));
        return void setTimeout(() => res.destroy(), 50);
      }
      const headers: Record<string, string | number> = { ETag: etag, 'Accept-Ranges': 'bytes' };
      if (req.url === '/cd')
        headers['Content-Disposition'] = 'attachment; filename="report ../x.bin"';
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const ifRange = req.headers['if-range'];
      if (m && (ifRange === undefined || ifRange === etag)) {
        const start = Number(m[1]);
        if (start >= body.length) {
          res.writeHead(416, { 'Content-Range': `bytes */${body.length}` });
          return void res.end();
        }
        res.writeHead(206, {
          ...headers,
          'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        });
        return void res.end(body.subarray(start));
      }
      res.writeHead(200, { ...headers, 'Content-Length': body.length });
      res.end(body);
    });
  });
  after(() => server.close());

  test('-d -o FILE writes the exact bytes; plain progress lines on a non-terminal stderr', async () => {
    const out = join(dir, 'a.bin');
    const r = await cli(['-d', '-o', out, server.url + '/file']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(out).equals(body));
    assert.match(r.stderr, /Downloading 300\.0 kB to ".*a\.bin"/);
    assert.match(r.stderr, /Done\. 300\.0 kB in /);
    assert.doesNotMatch(r.stderr, /\r|\x1b\[/);
  });

  test('without -o: the Content-Disposition name (no path), or the URL name, never overwriting', async () => {
    assert.equal((await cli(['-d', server.url + '/cd'])).code, 0);
    assert.ok(readFileSync(join(dir, 'x.bin')).equals(body));
    await cli(['-d', server.url + '/files/data.tar']);
    await cli(['-d', server.url + '/files/data.tar']);
    assert.ok(readFileSync(join(dir, 'data.tar')).equals(body));
    assert.ok(readFileSync(join(dir, 'data.tar-1')).equals(body));
  });

  test('-c resumes with Range and If-Range, appending only the rest', async () => {
    const out = join(dir, 'part.bin');
    writeFileSync(out, body.subarray(0, 100_000));
    writeFileSync(`${out}.resume`, JSON.stringify({ validator: etag }));
    ranges.length = 0;
    const r = await cli(['-d', '-c', '-o', out, server.url + '/file']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ranges, ['bytes=100000-']);
    assert.match(r.stderr, /resuming at byte 100000/);
    assert.ok(readFileSync(out).equals(body));
    assert.equal(existsSync(`${out}.resume`), false);
    const again = await cli(['-d', '-c', '-o', out, server.url + '/file']);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /already complete/);
  });

  test('-c starts over when the validator no longer matches', async () => {
    const out = join(dir, 'stale.bin');
    writeFileSync(out, Buffer.alloc(50_000, 1));
    writeFileSync(`${out}.resume`, JSON.stringify({ validator: '"old"' }));
    body = randomBytes(120_000);
    etag = '"v2"';
    const r = await cli(['-d', '-c', '-o', out, server.url + '/file']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(out).equals(body));
  });

  test('a body cut short exits 1 and says how much arrived', async () => {
    const r = await cli(['-d', '-o', join(dir, 'short.bin'), server.url + '/short']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /requests-ts: error: [^\n]*\n$/);
    assert.equal(readFileSync(join(dir, 'short.bin')).length, 10);
  });

  test('piped stdout without -o receives the bytes', async () => {
    const r = await cli(['-d', server.url + '/file'], '| cat');
    assert.equal(r.code, 0);
    assert.ok(r.stdout.equals(body));
  });
});
