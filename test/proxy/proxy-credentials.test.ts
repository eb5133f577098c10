/**
 * Proxy credentials go to the proxy only (issue 11 item 2): a SOCKS proxy's never become a
 * Proxy-Authorization header, on the first request nor after an http -> http redirect; an HTTP
 * proxy's go in its absolute-form requests and never to the origin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session } from '../../src/index.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startSocksServer, type TestSocksServer } from '../helpers/socks.js';

describe('proxy credentials reach the proxy only', () => {
  let origin: TestServer;
  let socks: TestSocksServer;
  let proxy: TestProxy;
  let s: Session;
  before(async () => {
    origin = await startServer((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { Location: '/next', 'Content-Length': '0' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Length': '2' });
      res.end('ok');
    });
    socks = await startSocksServer({ auth: ['proxyuser', 'proxysecret'] });
    proxy = await startProxy({ auth: ['proxyuser', 'proxysecret'] });
    s = new Session();
    s.trustEnv = false;
  });
  after(async () => {
    await s.close();
    await Promise.all([origin.close(), socks.close(), proxy.close()]);
  });

  test('through SOCKS, across an http -> http redirect: no Proxy-Authorization at the origin', async () => {
    const before = origin.requests.length;
    const r = await s.get(`${origin.url}/start`, { proxies: { http: socks.url('socks5h') } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.history.length, 1);
    const seen = origin.requests.slice(before);
    assert.deepEqual(
      seen.map((x) => x.url),
      ['/start', '/next'],
    );
    for (const rec of seen) assert.equal(rec.headers['proxy-authorization'], undefined);
    assert.equal(r.request!.headers.get('Proxy-Authorization'), undefined);
  });

  test('through an HTTP proxy, across a redirect: the proxy gets them, the origin does not', async () => {
    const before = origin.requests.length;
    const seenByProxy = proxy.records.length;
    const r = await s.get(`${origin.url}/start`, { proxies: { http: proxy.authUrl } });
    assert.equal(r.statusCode, 200);
    const atProxy = proxy.records.slice(seenByProxy);
    assert.equal(atProxy.length, 2);
    const basic = `Basic ${Buffer.from('proxyuser:proxysecret').toString('base64')}`;
    for (const rec of atProxy) assert.equal(rec.headers['proxy-authorization'], basic);
    for (const rec of origin.requests.slice(before)) {
      assert.equal(rec.headers['proxy-authorization'], undefined);
    }
  });
});
