/**
 * A plain call reads only the environment its first request uses (the proxy variables of its
 * URL's scheme, and the CA ones for https); a redirect or a hook gets the settings whole, as
 * requests' merge_environment_settings gives them.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  type PreparedRequest,
  refreshEnvironment,
  type SendOptions,
  Session,
  type SessionSendOptions,
} from '../../src/index.js';
import { certs, startHttpsServer, type TestHttpsServer } from '../helpers/certs.js';
import { type SavedEnvironment, saveEnvironment } from '../helpers/environment.js';
import { startServer, type TestServer } from '../helpers/server.js';

const VARIABLES = ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'https_proxy', 'HTTPS_PROXY'] as const;

describe('the environment of a call, read as its requests need it', () => {
  let tlsServer: TestHttpsServer;
  let plain: TestServer;
  let saved: SavedEnvironment;
  before(async () => {
    saved = saveEnvironment(VARIABLES);
    tlsServer = await startHttpsServer();
    plain = await startServer((req, res) => {
      if (req.url === '/to-https') {
        res.writeHead(302, { Location: `${tlsServer.url}/landed`, 'Content-Length': '0' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Length': '2' });
      res.end('ok');
    });
  });
  /** None of the variables set (the machine may set a CA bundle), the environment read afresh. */
  function unset(): void {
    for (const name of VARIABLES) delete process.env[name];
    refreshEnvironment();
  }
  afterEach(() => {
    saved.restore();
  });
  after(async () => {
    await plain.close();
    await tlsServer.close();
  });

  test('an http call redirected to https verifies with REQUESTS_CA_BUNDLE set before the call', async () => {
    unset();
    const s = new Session();
    try {
      // A call first, so that the variable below is set after the environment was read.
      assert.equal((await s.get(`${plain.url}/`)).statusCode, 200);
      process.env['REQUESTS_CA_BUNDLE'] = certs().caFile;
      // An https call compares the CA variables itself.
      assert.equal((await s.get(`${tlsServer.url}/direct`)).statusCode, 200);
      const r = await s.get(`${plain.url}/to-https`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.url, `${tlsServer.url}/landed`);
      assert.equal(r.history.length, 1);
    } finally {
      await s.close();
    }
  });

  test("a response hook of an http call gets the environment's CA bundle and proxies (requests' kwargs)", async () => {
    unset();
    const s = new Session();
    const seen: SendOptions[] = [];
    s.hooks.response.push((r, options) => {
      seen.push({ ...options });
      return r;
    });
    try {
      assert.equal((await s.get(`${plain.url}/`)).statusCode, 200);
      assert.equal(seen[0]?.verify, true);
      process.env['REQUESTS_CA_BUNDLE'] = '/tmp/ca-set-before-the-call.pem';
      process.env['https_proxy'] = 'http://127.0.0.1:9';
      assert.equal((await s.get(`${plain.url}/`)).statusCode, 200);
      const second = seen[1]!;
      assert.equal(second.verify, '/tmp/ca-set-before-the-call.pem');
      assert.equal((second.proxies as Record<string, string>)['https'], 'http://127.0.0.1:9');
      // What the public merge gives for the same call.
      const merged = s.mergeEnvironmentSettings(`${plain.url}/`, null, null, null, null);
      assert.equal(merged.verify, '/tmp/ca-set-before-the-call.pem');
      assert.equal(merged.proxies['https'], 'http://127.0.0.1:9');
    } finally {
      await s.close();
    }
  });

  test('an override of send that passes its own options gets the whole environment up front', async () => {
    unset();
    class Relay extends Session {
      override send(request: PreparedRequest, options: SessionSendOptions = {}) {
        const own: Record<string, unknown> = {};
        for (const key of ['stream', 'timeout', 'verify', 'cert', 'proxies', 'allowRedirects']) {
          const value = (options as Record<string, unknown>)[key];
          if (value !== undefined) own[key] = value;
        }
        return super.send(request, own as SessionSendOptions);
      }
    }
    const s = new Relay();
    try {
      assert.equal((await s.get(`${plain.url}/`)).statusCode, 200);
      process.env['REQUESTS_CA_BUNDLE'] = certs().caFile;
      const r = await s.get(`${plain.url}/to-https`);
      assert.equal(r.url, `${tlsServer.url}/landed`);
    } finally {
      await s.close();
    }
  });

  test('the object an overriding mergeEnvironmentSettings returns is not written into', async () => {
    const cached = { proxies: {}, stream: false, verify: true as boolean | string, cert: null };
    class Cached extends Session {
      override mergeEnvironmentSettings(): typeof cached {
        return cached;
      }
    }
    const s = new Cached();
    try {
      assert.equal((await s.get(`${plain.url}/`, { timeout: 5_000 })).statusCode, 200);
      assert.deepEqual(Object.keys(cached), ['proxies', 'stream', 'verify', 'cert']);
    } finally {
      await s.close();
    }
  });
});
