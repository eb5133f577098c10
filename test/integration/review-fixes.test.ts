/** Regressions found in review, each named after what it guards. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import {
  ChunkedEncodingError,
  HTTPBasicAuth,
  InvalidHeader,
  InvalidURL,
  MockAdapter,
  Session,
  TotalTimeout,
} from '../../src/index.js';
import { echo, startRawPeer, startServer, type TestServer } from '../helpers/server.js';

interface Echo {
  url: string;
  headers: Record<string, string>;
}

describe('settings merged as requests merges them', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('auth on the Session and on the request: the request wins, in every form', async () => {
    const s = new Session();
    s.trustEnv = false;
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    for (const sessionAuth of [['su', 'sp'] as [string, string], new HTTPBasicAuth('su', 'sp')]) {
      s.auth = sessionAuth;
      for (const requestAuth of [['ru', 'rp'] as [string, string], new HTTPBasicAuth('ru', 'rp')]) {
        const r = await s.get(server.url, { auth: requestAuth });
        assert.equal(r.json<Echo>().headers['authorization'], basic('ru', 'rp'));
      }
      assert.equal(
        (await s.get(server.url)).json<Echo>().headers['authorization'],
        basic('su', 'sp'),
      );
    }
    await s.close();
  });

  test('params as entries replace the Session params whole and keep repeated keys', async () => {
    const s = new Session();
    s.params = { b: '2' };
    let r = await s.get(server.url, {
      params: [
        ['a', '9'],
        ['a', '8'],
      ],
    });
    assert.equal(r.json<Echo>().url, '/?a=9&a=8');
    r = await s.get(server.url, { params: { a: '1' } });
    assert.equal(r.json<Echo>().url, '/?b=2&a=1');
    await s.close();
  });
});

describe('redirect chains', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(async (req, res, record) => {
      const m = /^\/hop\/(\d+)$/.exec(req.url ?? '');
      if (m) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        res.writeHead(302, { Location: Number(m[1]) > 0 ? `/hop/${Number(m[1]) - 1}` : '/done' });
        return void res.end();
      }
      if (req.url === '/bad-port') {
        res.writeHead(302, { Location: 'http://127.0.0.1:99999/' });
        return void res.end();
      }
      return echo(req, res, record);
    });
  });
  after(() => server.close());

  test('timeout.total bounds the whole chain, not each hop', async () => {
    const s = new Session();
    await assert.rejects(s.get(`${server.url}/hop/3`, { timeout: { total: 400 } }), TotalTimeout);
    assert.equal(
      (await s.get(`${server.url}/hop/1`, { timeout: { total: 5_000 } })).statusCode,
      200,
    );
    await s.close();
  });

  test('a Location that cannot be parsed is InvalidURL, carrying the response', async () => {
    const s = new Session();
    await assert.rejects(s.get(`${server.url}/bad-port`), (err: unknown) => {
      assert.ok(err instanceof InvalidURL, String(err));
      assert.equal(err.response?.statusCode, 302);
      return true;
    });
    await s.close();
  });
});

describe('messages and classes at the edges', () => {
  test('a cut body says "Connection broken:" once', async () => {
    const peer = await startRawPeer((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc')),
    );
    const s = new Session();
    await assert.rejects(s.get(peer.url), (err: unknown) => {
      assert.ok(err instanceof ChunkedEncodingError);
      assert.match((err as Error).message, /^Connection broken: IncompleteRead/);
      assert.doesNotMatch((err as Error).message, /Connection broken: Connection broken/);
      return true;
    });
    await s.close();
    await peer.close();
  });

  test('a header name undici refuses is InvalidHeader, not InvalidURL', async () => {
    const server = await startServer();
    const s = new Session();
    await assert.rejects(s.get(server.url, { headers: { 'X Y': '1' } }), InvalidHeader);
    await s.close();
    await server.close();
  });

  test('CLI: a bad --timeout is a usage error (exit 2), not a stack trace', async () => {
    const err: string[] = [];
    const sink = { out: () => {}, err: (s: string) => void err.push(s) };
    assert.equal(await main(['http://127.0.0.1:9/', '--timeout', 'abc'], sink), 2);
    assert.equal(await main(['http://127.0.0.1:9/', '--timeout', '0'], sink), 2);
    assert.match(err[0]!, /usage: requests-ts/);
  });

  test('MockAdapter: a registered URL matches the prepared form; route errors carry the request', async () => {
    const mock = new MockAdapter();
    mock.register('GET', 'https://api.example.org', { json: { ok: true } });
    const boom = new InvalidURL('boom');
    mock.register('GET', 'https://api.example.org/err', { error: boom });
    const s = new Session();
    s.mount('https://api.example.org', mock);
    assert.deepEqual((await s.get('https://api.example.org')).json(), { ok: true });
    await assert.rejects(
      s.get('https://api.example.org/err'),
      (e: unknown) => e === boom && boom.request?.url === 'https://api.example.org/err',
    );
  });
});
