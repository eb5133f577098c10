// Review of this session's hot-path work (issues 18, 16, 10): shared header entries, the Session
// headers handed to prepareHeaders uncopied, response headers matched on bytes with their last
// value reused, the one-pass JSON writer, and body chunks handed out as views. Real servers on
// 127.0.0.1 (node:http, raw node:net peers sending exact bytes); the JSON table is checked against
// python3's json.dumps itself.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CaseInsensitiveDict, Request, Session } from '../../src/index.js';
import { encodeJson } from '../../src/models/body.js';
import type { PreparedRequest } from '../../src/models/prepared-request.js';
import { type RawPeer, startRawPeer, startServer, type TestServer } from '../helpers/server.js';

interface Echo {
  headers: Record<string, string>;
}

describe('Session headers are never changed through a request', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('prepared.headers, its copy() and a response hook mutate their own dict only', async () => {
    const s = new Session();
    s.trustEnv = false;
    s.headers.set('X-Team', 'a');
    const p = s.prepareRequest(new Request({ method: 'GET', url: server.url }));
    p.headers.set('X-Team', 'changed');
    p.headers.set('X-Leak', '1');
    p.headers.delete('User-Agent');
    const c = p.copy();
    c.headers.set('X-Copy', '1');
    c.headers.set('X-Team', 'copy');
    assert.equal(p.headers.has('X-Copy'), false);
    assert.equal(p.headers.get('X-Team'), 'changed');
    s.hooks.response.push((r) => {
      r.request?.headers.set('X-Team', 'hook');
      r.request?.headers.delete('Accept');
      return r;
    });
    await s.get(server.url);
    assert.deepEqual(
      [s.headers.get('x-team'), s.headers.has('x-leak'), s.headers.has('x-copy')],
      ['a', false, false],
    );
    assert.equal(s.headers.has('User-Agent'), true);
    assert.equal(s.headers.has('Accept'), true);
    s.hooks.response.length = 0;
    const r = await s.get(server.url);
    assert.equal(r.json<Echo>().headers['x-team'], 'a');
    await s.close();
  });

  test('Session headers assigned as a plain record or a Headers object are sent (as requests)', async () => {
    // requests: `s.headers = {'X-Plain': 'a'}` works; merge_headers builds the dict per call.
    const s = new Session();
    s.trustEnv = false;
    (s as unknown as { headers: unknown }).headers = { 'X-Plain': 'a' };
    let r = await s.get(server.url);
    assert.equal(r.json<Echo>().headers['x-plain'], 'a');
    (s as unknown as { headers: unknown }).headers = new Headers({ 'X-Fetch': 'b' });
    r = await s.get(server.url);
    assert.equal(r.json<Echo>().headers['x-fetch'], 'b');
    await s.close();
  });

  test('a Session header changed to an invalid value after a valid send is refused', async () => {
    server.requests.length = 0;
    const s = new Session();
    s.trustEnv = false;
    s.headers = new CaseInsensitiveDict<string | null>({ 'X-A': 'ok' });
    await s.get(server.url);
    // Leading whitespace: the wire would take it, requests' check_header_validity does not.
    s.headers.set('X-A', ' ok');
    await assert.rejects(s.get(server.url), {
      name: 'InvalidHeader',
      message: /leading whitespace/,
    });
    s.headers.set('X-A', 'bad\r\nX-Injected: 1');
    await assert.rejects(s.get(server.url), { name: 'InvalidHeader' });
    assert.equal(server.requests.length, 1);
    await s.close();
  });
});

describe('response headers matched on their bytes', () => {
  const heads = [
    'HTTP/1.1 200 OK\r\nConnection: close\r\nCONTENT-LENGTH: 2\r\nSERVER: a\r\nserver: b\r\n' +
      'Set-Cookie: a=1\r\nset-cookie: b=2\r\nSET-COOKIE: c=3\r\nDate:\r\nX-Cont: 1\r\n' +
      'Content-Typ: t\r\nContent-Type: text/plain; charset=\xe9\r\nEtag: "\xff\xe9"\r\n' +
      'Via: 1.1 x\r\nVIA: 1.1 y\r\nAge:0\r\nX-Empty:\r\nServers: z\r\n\r\nok',
    // The same names again, values one byte apart from the first response's.
    'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\nServer: a\r\n' +
      'Content-Type: text/plain; charset=\xe8\r\nETag: "\xff\xe8"\r\nVia: 1.1 y\r\nDate: x\r\n\r\nok',
  ];
  let peer: RawPeer;
  let n = 0;
  before(async () => {
    peer = await startRawPeer((socket) => {
      socket.once('data', () => socket.end(Buffer.from(heads[n++ % heads.length]!, 'latin1')));
    });
  });
  after(() => peer.close());

  test('case variants, repeats, Set-Cookie lists, latin-1, empty values, near names', async () => {
    const s = new Session();
    s.trustEnv = false;
    const first = await s.get(peer.url);
    assert.deepEqual(first.raw?.headers, {
      __proto__: null,
      connection: 'close',
      'content-length': '2',
      server: ['a', 'b'],
      'set-cookie': ['a=1', 'b=2', 'c=3'],
      date: '',
      'x-cont': '1',
      'content-typ': 't',
      'content-type': 'text/plain; charset=\xe9',
      etag: '"\xff\xe9"',
      via: ['1.1 x', '1.1 y'],
      age: '0',
      'x-empty': '',
      servers: 'z',
    });
    assert.equal(first.headers.get('Server'), 'a, b');
    assert.deepEqual(s.cookies.getDict(), { a: '1', b: '2', c: '3' });
    const second = await s.get(peer.url);
    assert.deepEqual(second.raw?.headers, {
      __proto__: null,
      connection: 'close',
      'content-length': '2',
      server: 'a',
      'content-type': 'text/plain; charset=\xe8',
      etag: '"\xff\xe8"',
      via: '1.1 y',
      date: 'x',
    });
    await s.close();
  });
});

describe('json bodies as Python writes them', () => {
  // [python literal, the same value in JS]; numbers are left out: JS has one number type
  // (1.0 is 1, -0.0 is 0) and writes small exponents as 1e-7 where Python writes 1e-07.
  const table: Array<[string, unknown]> = [
    ["'é'", 'é'],
    ["'\\u00e9\\u4e2d\\U0001F600'", 'é中😀'],
    ["'\\ud800'", '\ud800'],
    ["'\\udc00x\\ud83d'", '\udc00x\ud83d'],
    ["'\\x00\\x01\\x1f\\x7f\\x80\\x9f\\xa0\\xff'", '\x00\x01\x1f\x7f\x80\x9f\xa0\xff'],
    ["'\\b\\f\\n\\r\\t\"\\\\/'", '\b\f\n\r\t"\\/'],
    ["'\\u2028\\u2029\\ufeff\\uffff'", '\u2028\u2029\ufeff\uffff'],
    ["{'a': [1, {'b': 'c, d: e'}], 'é:': ', '}", { a: [1, { b: 'c, d: e' }], 'é:': ', ' }],
    ["{'\"': '\\\\', 'k\\\\': '\"x,'}", { '"': '\\', 'k\\': '"x,' }],
    ["{'x': '\\\\\"é', 'y': 'é\\\\'}", { x: '\\"é', y: 'é\\' }],
    ["['\\\\u00e9', 'a\\\\', '\\\\', 'é']", ['\\u00e9', 'a\\', '\\', 'é']],
    ['[[], {}, [{}], None, True, False]', [[], {}, [{}], null, true, false]],
    [
      "{'d': '1970-01-01T00:00:00.000Z', 's': [1, None, 3], 't': 'é'}",
      {
        d: new Date(0),
        // A sparse array, made without a hole literal (the linter refuses those).
        s: Object.assign(new Array(3), { 0: 1, 2: 3 }),
        t: { toJSON: () => 'é' },
        u: undefined,
        f: () => 1,
      },
    ],
    ["{'\\u00e9\\u00e9': {'\\U0001F600': ['x:y', 'z,w']}}", { éé: { '😀': ['x:y', 'z,w'] } }],
  ];

  test('every case of the table has the bytes of json.dumps(obj).encode()', () => {
    const script =
      'import json,sys\nfor e in sys.stdin.read().split("\\n\\0\\n"):\n print(json.dumps(eval(e)).encode().hex())';
    const expected = execFileSync('python3', ['-c', script], {
      input: table.map((c) => c[0]).join('\n\0\n'),
    })
      .toString()
      .trim()
      .split('\n');
    assert.equal(expected.length, table.length);
    const request = {} as PreparedRequest;
    for (const [i, [python, value]] of table.entries()) {
      const mine = Buffer.from(encodeJson(value, request)).toString('latin1');
      assert.equal(mine, Buffer.from(expected[i]!, 'hex').toString('latin1'), python);
    }
  });
});

describe('body chunks handed out', () => {
  let server: TestServer;
  const body = Buffer.alloc(300_000);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 9)) & 0xff;
  before(async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': body.length });
      // Several writes, so that pieces span the chunks off the wire.
      let at = 0;
      const step = (): void => {
        if (at >= body.length) return void res.end();
        res.write(body.subarray(at, at + 70_001));
        at += 70_001;
        setTimeout(step, 5);
      };
      step();
    });
  });
  after(() => server.close());

  test('kept pieces are never overwritten, every piece but the last has chunkSize bytes', async () => {
    const s = new Session();
    for (const chunkSize of [null, 1000, 65_536, 100_000]) {
      const r = await s.get(server.url, { stream: true });
      const kept: Uint8Array[] = [];
      for await (const piece of r.iterContent({ chunkSize })) kept.push(piece);
      if (chunkSize !== null) {
        for (const piece of kept.slice(0, -1)) assert.equal(piece.length, chunkSize);
        assert.ok(kept.at(-1)!.length <= chunkSize);
      }
      assert.ok(Buffer.concat(kept).equals(body), `chunkSize ${chunkSize}`);
    }
    await s.close();
  });

  test('a partial iteration then read(): the whole body once, in order', async () => {
    const s = new Session();
    const r = await s.get(server.url, { stream: true });
    const it = r.iterContent({ chunkSize: 1000 })[Symbol.asyncIterator]();
    const a = (await it.next()).value as Uint8Array;
    const b = (await it.next()).value as Uint8Array;
    // requests: content after a partial iter_content is the rest of the body.
    const rest = await r.read();
    await s.close();
    assert.deepEqual([a.length, b.length, rest.length], [1000, 1000, body.length - 2000]);
    assert.ok(Buffer.concat([a, b, rest]).equals(body));
  });
});

describe('tabs and line breaks in a URL, as requests sends them', () => {
  // requests: path_url and the redirect's urlparse both go through urlsplit, which removes every
  // tab, CR and LF of the URL; the request line never carries one.
  let peer: RawPeer;
  const lines: string[] = [];
  before(async () => {
    peer = await startRawPeer((socket) => {
      // A head may come in more than one read: answer each whole one (the GETs have no body).
      let buffered = '';
      socket.on('data', (data) => {
        buffered += data.toString('latin1');
        for (
          let end = buffered.indexOf('\r\n\r\n');
          end !== -1;
          end = buffered.indexOf('\r\n\r\n')
        ) {
          const line = buffered.slice(0, end).split('\r\n')[0]!;
          buffered = buffered.slice(end + 4);
          lines.push(line);
          socket.write(
            line.includes(' /start ')
              ? 'HTTP/1.1 302 Found\r\nLocation: /a\tb?x\ty\r\nContent-Length: 0\r\n\r\n'
              : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
          );
        }
      });
    });
  });
  after(() => peer.close());

  test('a prepared.url set with a tab, CR or LF goes out without them', async () => {
    lines.length = 0;
    const s = new Session();
    s.trustEnv = false;
    const p = s.prepareRequest(new Request({ method: 'GET', url: `${peer.url}/x` }));
    p.url = `${peer.url}/di\trect?q=\r\n1`;
    assert.equal(p.pathUrl, '/direct?q=1');
    const r = await s.send(p);
    await s.close();
    assert.equal(r.statusCode, 200);
    assert.deepEqual(lines, ['GET /direct?q=1 HTTP/1.1']);
  });

  test('a Location with tabs is followed without them', async () => {
    lines.length = 0;
    const s = new Session();
    s.trustEnv = false;
    const r = await s.get(`${peer.url}/start`);
    await s.close();
    assert.equal(r.url, `${peer.url}/ab?xy`);
    assert.deepEqual(lines, ['GET /start HTTP/1.1', 'GET /ab?xy HTTP/1.1']);
  });
});

describe('iterLines as requests iter_lines, off the wire and from loaded content', () => {
  const bodies = [
    'a\nb\r\nc\rd\n\ne',
    'line1\r\nline2\r\n',
    '\r\n\r\n\n',
    'abc',
    '',
    'x\ny\n',
    'é\u2028f\x1cg\r',
    'a;b;;c;',
    'aa;;bb;;',
  ];
  type Case = [body: number, chunkSize: number, delimiter: string | null, decode: boolean];
  const cases: Case[] = [];
  for (let b = 0; b < bodies.length; b++)
    for (const k of [1, 2, 3, 5, 512])
      for (const d of [null, ';', ';;', '\r\n'])
        for (const u of [false, true]) cases.push([b, k, d, u]);
  let server: TestServer;
  before(async () => {
    server = await startServer((req, res) => {
      const body = Buffer.from(bodies[Number(req.url!.slice(1))]!, 'utf8');
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': body.length,
      });
      res.end(body);
    });
  });
  after(() => server.close());

  test('every chunk size, delimiter and decoding gives the lines Python gives', async () => {
    // Python feeds the same bytes through iter_lines(chunk_size=k): pieces of exactly k bytes.
    const script = [
      'import json,sys,requests',
      'bodies, cases = json.loads(sys.stdin.read())',
      'for b, k, d, u in cases:',
      '  r = requests.Response(); r._content = bodies[b].encode(); r._content_consumed = True',
      "  r.encoding = 'utf-8'",
      '  delim = None if d is None else (d if u else d.encode())',
      '  lines = r.iter_lines(chunk_size=k, delimiter=delim, decode_unicode=u)',
      "  print(json.dumps([('s:' + x) if isinstance(x, str) else 'b:' + x.decode() for x in lines]))",
    ].join('\n');
    const expected = execFileSync('python3', ['-c', script], {
      input: JSON.stringify([bodies, cases]),
    })
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);
    const s = new Session();
    try {
      for (const stream of [false, true]) {
        for (const [i, [b, k, d, u]] of cases.entries()) {
          const r = await s.get(`${server.url}/${b}`, { stream });
          const delimiter = d === null ? null : u ? d : Buffer.from(d);
          const got: string[] = [];
          for await (const line of r.iterLines({ chunkSize: k, delimiter, decodeUnicode: u })) {
            got.push(typeof line === 'string' ? `s:${line}` : `b:${Buffer.from(line).toString()}`);
          }
          assert.deepEqual(got, expected[i], `stream ${stream}, case ${JSON.stringify(cases[i])}`);
        }
      }
    } finally {
      await s.close();
    }
  });
});

describe('download progress of a redirect that is not followed', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((_req, res) => {
      res.writeHead(302, { Location: '/elsewhere', 'Content-Length': 5 });
      res.end('moved');
    });
  });
  after(() => server.close());

  // Known, not fixed here: HTTPAdapter skips counting every 3xx with a Location (it assumes the
  // Session follows it), but with allowRedirects: false that response is the caller's, body and
  // all; API.md promises a last call with the final count. The adapter is not told whether
  // redirects are followed, so the fix belongs with the progress work (session.ts/http-adapter.ts).
  test('allowRedirects: false reports the 302 body the caller gets', async () => {
    const s = new Session();
    const calls: Array<{ transferred: number; total: number | null }> = [];
    const r = await s.get(server.url, {
      allowRedirects: false,
      onDownloadProgress: (p) => calls.push({ ...p }),
    });
    await s.close();
    assert.equal(r.content.length, 5);
    assert.deepEqual(calls.at(-1), { transferred: 5, total: 5 });
  });
});

describe('an iteration that is over stays over', () => {
  // A next() after the end that returned without waiting left #busy set to a settled promise,
  // and every later next() chained on it forever: an endless microtask loop that starves the
  // event loop (no timer fires again). Run in a child process, bounded by a timeout, so that a
  // regression fails this test instead of hanging the runner.
  test('next() called again and again after the end, after break, of streamed and loaded bodies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-over-'));
    const script = join(dir, 'child.mts');
    const src = (path: string) =>
      JSON.stringify(pathToFileURL(join(import.meta.dirname, path)).href);
    writeFileSync(
      script,
      [
        `import { Session } from ${src('../../src/index.ts')};`,
        `import { startServer } from ${src('../helpers/server.ts')};`,
        "const server = await startServer((_req, res) => { res.writeHead(200, { 'Content-Length': 10 }); res.end('0123456789'); });",
        'const s = new Session();',
        'const out = [];',
        'for (const stream of [true, false]) {',
        '  for (const chunkSize of [4, null]) {',
        '    const r = await s.get(server.url, { stream });',
        '    const it = r.iterContent({ chunkSize })[Symbol.asyncIterator]();',
        '    let pieces = 0;',
        '    while (!(await it.next()).done) pieces++;',
        '    for (let i = 0; i < 3; i++) out.push((await it.next()).done);',
        '    out.push(pieces);',
        '    const again = await s.get(server.url, { stream });',
        '    for await (const _ of again.iterContent({ chunkSize })) break;',
        '  }',
        '}',
        'const r = await s.get(server.url, { stream: true });',
        'const it = r.iterContent({ chunkSize: 4 })[Symbol.asyncIterator]();',
        'await it.next();',
        'await it.return();',
        'for (let i = 0; i < 3; i++) out.push((await it.next()).done);',
        'await s.close();',
        'await server.close();',
        'console.log(JSON.stringify(out));',
      ].join('\n'),
    );
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        timeout: 120_000, // only a hang reaches it: tsx start-up alone took 10 s under CI load
      });
      const t = true;
      assert.deepEqual(JSON.parse(stdout), [
        t,
        t,
        t,
        3,
        t,
        t,
        t,
        1,
        t,
        t,
        t,
        3,
        t,
        t,
        t,
        1,
        t,
        t,
        t,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
