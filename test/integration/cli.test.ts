/**
 * The command line through the built bin (dist/esm/cli/bin.js, run through a symlink named
 * requests-ts, as npm links it) against local servers. `npm test` builds dist/ first.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { certs, startHttpsServer } from '../helpers/certs.js';
import { startDigestServer } from '../helpers/digest.js';
import { startProxy } from '../helpers/proxy.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'rts-cli-'));
const BIN = join(dir, 'requests-ts');
symlinkSync(resolve('dist/esm/cli/bin.js'), BIN);

interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs the bin (async: the servers answering it live in this process). */
function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      BIN,
      args,
      {
        encoding: 'buffer',
        cwd: opts.cwd ?? dir,
        env: { ...process.env, ...opts.env },
        timeout: 20_000,
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        done({ code, stdout, stderr: stderr.toString() });
      },
    );
  });
}

/** Runs a shell line with the bin as $BIN (for pipes into stdin). */
function sh(line: string): Promise<Ran> {
  return new Promise((done) => {
    const env = { ...process.env, BIN };
    execFile(
      '/bin/sh',
      ['-c', line],
      { encoding: 'buffer', cwd: dir, env },
      (err, stdout, stderr) =>
        done({ code: err === null ? 0 : Number(err.code), stdout, stderr: stderr.toString() }),
    );
  });
}

const json = (r: Ran) => JSON.parse(r.stdout.toString());

describe('requests-ts command line: requests', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('runs through a symlink named requests-ts: --help exits 0 with the usage', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.toString(), /^usage: requests-ts \[METHOD\] URL/);
  });

  test('Header:value, name==query, name=value and name:=json make a JSON POST', async () => {
    const r = await cli([
      server.url + '/p',
      'X-Api:k1',
      'q==a b',
      'name=Ann',
      'age:=30',
      'tags:=["x"]',
    ]);
    assert.equal(r.code, 0);
    const got = json(r);
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/p?q=a+b');
    assert.equal(got.headers['x-api'], 'k1');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(got.body), { name: 'Ann', age: 30, tags: ['x'] });
  });

  test('-f sends a form; field@path a multipart file part; =@path a raw body', async () => {
    const file = join(dir, 'up.txt');
    writeFileSync(file, 'file-bytes');
    const form = json(await cli(['-f', server.url, 'a=1', 'b=two']));
    assert.equal(form.body, 'a=1&b=two');
    assert.match(form.headers['content-type'], /x-www-form-urlencoded/);
    const multi = json(await cli([server.url, 'a=1', `doc@${file}`]));
    assert.match(multi.headers['content-type'], /^multipart\/form-data; boundary=/);
    assert.match(multi.body, /name="doc"; filename="up.txt"\r\n[\s\S]*file-bytes/);
    const raw = json(await cli(['PUT', server.url, `=@${file}`]));
    assert.equal(raw.method, 'PUT');
    assert.equal(raw.body, 'file-bytes');
  });

  test('a body piped on stdin is sent as it is', async () => {
    const r = await sh(`printf 'piped body' | "$BIN" POST ${server.url}/in`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json(r).body, 'piped body');
  });

  test('-v prints request and response, -h headers only, -b body only (piped: plain)', async () => {
    const v = (await cli(['-v', server.url + '/v', 'X-A:1'])).stdout.toString();
    assert.match(
      v,
      /^GET \/v HTTP\/1\.1\nHost: 127\.0\.0\.1:\d+\n[\s\S]*X-A: 1\n\nHTTP\/1\.1 200 OK\n/,
    );
    assert.match(v, /"url":"\/v"/);
    assert.doesNotMatch(v, /\x1b\[/);
    const h = (await cli(['-h', server.url])).stdout.toString();
    assert.match(h, /^HTTP\/1\.1 200 OK\n[\s\S]*content-type: application\/json\n[\s\S]*\n\n$/i);
    const b = await cli(['-b', server.url + '/b']);
    assert.equal(json(b).url, '/b');
  });

  test('--offline prints the request and sends nothing', async () => {
    const before = server.requests.length;
    const r = await cli(['--offline', server.url + '/o', 'k=v']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.toString(), /^POST \/o HTTP\/1\.1\n[\s\S]*\n\n\{"k":"v"\}/);
    assert.equal(server.requests.length, before);
  });

  test('--pretty=all colours and indents JSON even when piped', async () => {
    const out = (await cli(['--pretty=all', server.url])).stdout.toString();
    assert.match(out, /\x1b\[34m"method"\x1b\[0m: \x1b\[32m"GET"\x1b\[0m/);
    assert.match(out, /^\{\n {4}/);
  });

  test('--timings prints the phases and the total on stderr', async () => {
    const r = await cli(['--timings', server.url]);
    assert.match(r.stderr, /total: \d+\.\d ms/);
    assert.match(r.stderr, /connect: \d+\.\d ms/);
    assert.match(r.stderr, /firstByte: \d+\.\d ms/);
    assert.match(r.stderr, /download: \d+\.\d ms/);
    assert.match(r.stderr, /reused: no/);
    assert.doesNotMatch(r.stderr, /dns:|tls:/, 'an IP address over plain TCP: no dns, no tls');
  });

  test('--session NAME keeps headers and cookies in a file between runs', async () => {
    const cookies = await startServer((req, res, rec) => {
      res.setHeader('Set-Cookie', 'sid=s3cret; Path=/');
      res.end(
        JSON.stringify({
          cookie: req.headers.cookie ?? null,
          token: rec.headers['x-token'] ?? null,
        }),
      );
    });
    try {
      const env = { XDG_CONFIG_HOME: join(dir, 'cfg') };
      const first = await cli(['--session', 'me', cookies.url, 'X-Token:t1'], { env });
      assert.deepEqual(json(first), { cookie: null, token: 't1' });
      const second = await cli(['--session', 'me', cookies.url], { env });
      assert.deepEqual(json(second), { cookie: 'sid=s3cret', token: 't1' });
      const host = `127.0.0.1_${cookies.port}`;
      const file = JSON.parse(
        readFileSync(join(dir, 'cfg/requests-ts/sessions', host, 'me.json'), 'utf8'),
      );
      assert.equal(file.headers['X-Token'], 't1');
      assert.equal(file.cookies[0].name, 'sid');
    } finally {
      await cookies.close();
    }
  });
});

describe('requests-ts command line: statuses, auth, errors', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((req, res) => {
      const m = /^\/status\/(\d+)/.exec(req.url ?? '');
      if (m) return void res.writeHead(Number(m[1]), { Location: '/final' }).end('s');
      if (req.url === '/auth') return void res.end(String(req.headers.authorization));
      if (req.url === '/slow') return; // never answers: a read timeout
      res.end(`at ${req.url}`);
    });
  });
  after(() => server.close());

  test('redirects are not followed by default; -F follows them', async () => {
    assert.equal(
      (await cli(['-h', server.url + '/status/302'])).stdout.toString().split('\n')[0],
      'HTTP/1.1 302 Found',
    );
    assert.equal((await cli(['-F', server.url + '/status/302'])).stdout.toString(), 'at /final');
  });

  test('--check-status exits 3, 4, 5; without it 0', async () => {
    assert.equal((await cli([server.url + '/status/404'])).code, 0);
    assert.equal((await cli(['--check-status', server.url + '/status/302'])).code, 3);
    const r = await cli(['--check-status', server.url + '/status/404']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /warning: HTTP 404 Not Found/);
    assert.equal((await cli(['--check-status', server.url + '/status/503'])).code, 5);
    assert.equal((await cli(['--check-status', server.url + '/status/200'])).code, 0);
  });

  test('-a user:pass sends Basic; -A bearer a token; -A digest answers the challenge', async () => {
    const basic = (await cli(['-a', 'u:p', server.url + '/auth'])).stdout.toString();
    assert.equal(basic, `Basic ${Buffer.from('u:p').toString('base64')}`);
    const bearer = (
      await cli(['-A', 'bearer', '-a', 'tok', server.url + '/auth'])
    ).stdout.toString();
    assert.equal(bearer, 'Bearer tok');
    const digest = await startDigestServer({ user: 'user', password: 'pass' });
    try {
      assert.equal(
        (await cli(['-A', 'digest', '-a', 'user:pass', digest.url + '/d'])).stdout.toString(),
        'ok /d',
      );
      assert.equal((await cli(['--check-status', '-a', 'user:pass', digest.url + '/d'])).code, 4);
    } finally {
      await digest.close();
    }
  });

  test('--timeout is in seconds: a stall exits 1 with one line', async () => {
    const r = await cli(['--timeout', '0.3', server.url + '/slow']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^requests-ts: error: ReadTimeout: [^\n]*\n$/);
  });

  test('a network error exits 1 with one line; usage errors exit 2', async () => {
    const port = await closedPort();
    const net = await cli([`http://127.0.0.1:${port}/`]);
    assert.equal(net.code, 1);
    assert.match(net.stderr, /^requests-ts: error: ConnectionError: [^\n]*\n$/);
    for (const args of [
      [],
      ['--timeout', 'abc', server.url],
      ['--nope', server.url],
      [server.url, 'notanitem'],
      ['-A', 'x', server.url],
      [server.url, 'n:=[bad'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^usage: requests-ts .*\nrequests-ts: error: .+\n$/);
    }
  });

  test('--proxy scheme:url sends through the proxy', async () => {
    const proxy = await startProxy();
    try {
      const r = await cli(['--proxy', `http:${proxy.url}`, server.url + '/via']);
      assert.equal(r.stdout.toString(), 'at /via');
      assert.equal(proxy.records[0]?.target, server.url + '/via');
    } finally {
      await proxy.close();
    }
  });
});

describe('requests-ts command line: TLS and HTTP/2', () => {
  test('--verify PATH trusts a CA, --verify no skips the check, default refuses', async () => {
    const s = await startHttpsServer();
    try {
      assert.equal((await cli([s.url + '/x'])).code, 1);
      assert.equal(json(await cli(['--verify', certs().caFile, s.url + '/x'])).url, '/x');
      assert.equal(json(await cli(['--verify', 'no', s.url + '/y'])).url, '/y');
    } finally {
      await s.close();
    }
  });

  test('--cert and --cert-key present a client certificate', async () => {
    const s = await startHttpsServer({ requireClientCert: true });
    const c = certs();
    try {
      const r = await cli([
        '--verify',
        c.caFile,
        '--cert',
        c.client.certFile,
        '--cert-key',
        c.client.keyFile,
        s.url,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(s.clientNames.at(-1), 'client');
    } finally {
      await s.close();
    }
  });

  test('--http2 speaks HTTP/2 through ALPN', async () => {
    const c = certs();
    const server = http2.createSecureServer(
      { cert: c.read(c.server.cert), key: c.read(c.server.key) },
      (_req, res) => {
        res.end('over h2');
      },
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await cli(['--http2', '-v', '--verify', c.caFile, `https://127.0.0.1:${port}/`]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /\nHTTP\/2 200/);
      assert.match(r.stdout.toString(), /over h2$/);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
