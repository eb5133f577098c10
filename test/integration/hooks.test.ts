import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PreparedRequest, Response, Session } from '../../src/index.js';
import { echo, startServer, type TestServer } from '../helpers/server.js';

describe('response hooks', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('request hooks replace the Session hooks for that request, as requests merges them', async () => {
    const order: string[] = [];
    const s = new Session();
    s.hooks.response.push(() => {
      order.push('session');
    });
    await s.get(server.url, { hooks: { response: () => void order.push('request') } });
    assert.deepEqual(order, ['request']);
    await s.get(server.url);
    assert.deepEqual(order, ['request', 'session']);
    await s.close();
  });

  test('a hook may return a replacement Response, seen by later hooks and the caller', async () => {
    const replacement = new Response();
    replacement.statusCode = 299;
    let seenByNext: number | null = null;
    const r = await new Session().get(server.url, {
      hooks: {
        response: [
          async () => replacement,
          (resp) => {
            seenByNext = resp.statusCode;
          },
        ],
      },
    });
    assert.equal(r, replacement);
    assert.equal(seenByNext, 299);
  });

  test('an empty request hook list does not wipe the Session hooks', async () => {
    let called = 0;
    const s = new Session();
    s.hooks.response.push(() => {
      called++;
    });
    await s.get(server.url, { hooks: { response: [] } });
    assert.equal(called, 1);
    await s.close();
  });

  test('hooks receive the send options', async () => {
    let stream: boolean | undefined;
    await new Session().get(server.url, {
      stream: true,
      hooks: { response: (_r, options) => void (stream = options.stream) },
    });
    assert.equal(stream, true);
  });
});

describe('environment', () => {
  let server: TestServer;
  let dir: string;
  const saved = process.env['NETRC'];
  before(async () => {
    server = await startServer((req, res, record) => {
      if (req.url === '/moved') {
        // A UTF-8 Location, as most servers send it (Node reads the bytes as latin1).
        res.writeHead(302, { Location: Buffer.from('/caf\u00e9', 'utf8').toString('latin1') });
        return void res.end();
      }
      return echo(req, res, record);
    });
    dir = mkdtempSync(join(tmpdir(), 'netrc-'));
    writeFileSync(join(dir, 'netrc'), 'machine 127.0.0.1 login ann password s3cret\n');
    process.env['NETRC'] = join(dir, 'netrc');
    // NETRC is compared once per turn of the event loop (utils/environment.ts), and this may be
    // the turn of the previous test's last call: let the next call see it.
    await new Promise((resolve) => setImmediate(resolve));
  });
  after(async () => {
    if (saved === undefined) delete process.env['NETRC'];
    else process.env['NETRC'] = saved;
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  });

  test('.netrc gives Basic auth when none is given and trustEnv is on', async () => {
    const s = new Session();
    await s.get(server.url);
    assert.equal(
      server.requests.at(-1)!.headers['authorization'],
      `Basic ${Buffer.from('ann:s3cret').toString('base64')}`,
    );
    await s.get(server.url, { auth: ['bob', 'x'] });
    assert.equal(
      server.requests.at(-1)!.headers['authorization'],
      `Basic ${Buffer.from('bob:x').toString('base64')}`,
    );
    s.trustEnv = false;
    await s.get(server.url);
    assert.equal(server.requests.at(-1)!.headers['authorization'], undefined);
    await s.close();
  });

  test('a non-ASCII Location is read as UTF-8 and percent-encoded', async () => {
    const s = new Session();
    s.trustEnv = false;
    const r = await s.get(`${server.url}/moved`);
    assert.equal(server.requests.at(-1)!.url, '/caf%C3%A9');
    assert.equal(r.url, `${server.url}/caf%C3%A9`);
    await s.close();
  });

  test('rebuildAuth keeps Authorization on an http -> https upgrade of the same host', () => {
    const s = new Session();
    s.trustEnv = false;
    const original = new PreparedRequest();
    original.prepare({ method: 'GET', url: 'http://example.org/a', auth: ['u', 'p'] });
    const response = new Response();
    response.request = original;
    const next = original.copy();
    next.url = 'https://example.org/b';
    s.rebuildAuth(next, response);
    assert.ok(next.headers.get('Authorization'));
    const elsewhere = original.copy();
    elsewhere.url = 'https://example.com/b';
    s.rebuildAuth(elsewhere, response);
    assert.equal(elsewhere.headers.get('Authorization'), undefined);
  });

  test('rebuildProxies re-selects the proxy and never sends Proxy-Authorization into a tunnel', () => {
    const s = new Session();
    s.trustEnv = false;
    const p = new PreparedRequest();
    p.prepare({
      method: 'GET',
      url: 'http://example.org/',
      headers: { 'Proxy-Authorization': 'stale' },
    });
    let proxies = s.rebuildProxies(p, { http: 'http://u:pw@proxy.local:3128' });
    assert.equal(proxies['http'], 'http://u:pw@proxy.local:3128');
    assert.equal(
      p.headers.get('Proxy-Authorization'),
      `Basic ${Buffer.from('u:pw').toString('base64')}`,
    );
    p.url = 'https://example.org/';
    proxies = s.rebuildProxies(p, { https: 'http://u:pw@proxy.local:3128' });
    assert.equal(p.headers.get('Proxy-Authorization'), undefined);
  });
});
