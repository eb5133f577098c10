/**
 * The hosts the README and the guides name (`https://api.example.org/...`, `shop.example`,
 * `files.example`, ...), played on 127.0.0.1, so that their code blocks run exactly as written:
 * a child process gets `HTTPS_PROXY`/`HTTP_PROXY` pointing at a local proxy that tunnels CONNECT
 * for those names (and only those) to a local TLS server holding a certificate for them, and
 * `REQUESTS_CA_BUNDLE` naming the generated CA. Nothing leaves the machine: any other host is
 * refused by the proxy. The TLS server speaks HTTP/1.1 and HTTP/2 (ALPN).
 */
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import { createSecureContext } from 'node:tls';
import { certFor, certs } from './certs.js';
import { DigestChecker } from './digest.js';
import { startProxy, type TestProxy } from './proxy.js';

/** The host names the documentation uses; the proxy refuses every other. */
export const DOC_HOSTS = [
  'api.example.org',
  'example.org',
  'shop.example',
  'files.example',
  'internal.example',
  'self-signed.example',
  'mtls.example',
  'httpbin.org',
] as const;

export interface WorldRecord {
  /** The Host (or :authority) the client sent: the name in the block, not 127.0.0.1. */
  host: string;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** `'1.1'` or `'2.0'`. */
  httpVersion: string;
}

export interface ReadmeWorld {
  /** The environment a block runs in (the parent's, proxies and CA bundle replaced). */
  env: NodeJS.ProcessEnv;
  proxy: TestProxy;
  /** Every request the local servers answered, in order. */
  records: WorldRecord[];
  close: () => Promise<void>;
}

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/** The answers of the documented endpoints; anything else is 404. */
function answer(
  req: Req,
  res: Res,
  rec: WorldRecord,
  digest: DigestChecker,
  hits: Map<string, number>,
) {
  const key = `${rec.host}${rec.path}`;
  const n = (hits.get(key) ?? 0) + 1;
  hits.set(key, n);
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  switch (rec.path.split('?')[0]) {
    case '/':
      return void res.end('home\n');
    case '/items':
      if (rec.method === 'POST') return json(201, { id: 2, received: rec.body.toString() });
      return json(200, { items: [] }, { 'Cache-Control': 'max-age=60' });
    case '/slow':
      return void setTimeout(() => res.end('late\n'), 50);
    case '/flaky':
      // 503 twice, then 200: the retry blocks run their retries and end well.
      if (n % 3 !== 0) {
        res.writeHead(503, { 'Content-Length': '0' });
        return void res.end();
      }
      return json(200, { ok: true });
    case '/login':
      res.writeHead(302, { 'Set-Cookie': 'session_id=abc; Path=/', Location: '/account' });
      return void res.end();
    case '/account':
      res.writeHead(req.headers.cookie === 'session_id=abc' ? 200 : 401);
      return void res.end(req.headers.cookie === 'session_id=abc' ? 'welcome\n' : 'who?\n');
    case '/old':
      res.writeHead(301, { Location: '/items' });
      return void res.end();
    case '/basic': {
      const ok =
        req.headers.authorization === `Basic ${Buffer.from('user:pass').toString('base64')}`;
      res.writeHead(ok ? 200 : 401, ok ? {} : { 'WWW-Authenticate': 'Basic realm="docs"' });
      return void res.end();
    }
    case '/digest': {
      const verdict = digest.check(rec.method, rec.path, req.headers.authorization);
      if (verdict === 'ok') return void res.end('ok\n');
      res.writeHead(401, { 'WWW-Authenticate': digest.challenge(verdict === 'stale') });
      return void res.end();
    }
    case '/stream':
      // An event stream that a reader's loop leaves at its `done` event.
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      return void res.end(
        'retry: 1000\nid: 1\nevent: greet\ndata: hello\n\n: a comment\nid: 2\ndata: line one\n' +
          'data: line two\n\nevent: done\ndata: bye\n\n',
      );
    case '/chat':
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
      return void res.end('data: Hel\n\ndata: lo\n\ndata: [DONE]\n\n');
    case '/upload':
      return json(200, { bytes: rec.body.length });
    case '/big.iso':
      res.writeHead(200, { 'Content-Length': '300000' });
      return void res.end(Buffer.alloc(300_000, 7));
    default:
      res.writeHead(404);
      res.end();
  }
}

/** Starts the servers and the proxy; the caller closes them. */
export async function startReadmeWorld(): Promise<ReadmeWorld> {
  const records: WorldRecord[] = [];
  const hits = new Map<string, number>();
  const digest = new DigestChecker({ user: 'user', password: 'pass', realm: 'api.example.org' });
  const handle = async (req: Req, res: Res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rec: WorldRecord = {
      host: String(req.headers.host ?? req.headers[':authority'] ?? ''),
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
      httpVersion: req.httpVersion,
    };
    records.push(rec);
    answer(req, res, rec, digest, hits);
  };
  // self-signed.example shows a certificate nobody signed (for localhost), as its name says.
  const c = certs();
  const selfSigned = createSecureContext({
    cert: c.read(c.selfSigned.cert),
    key: c.read(c.selfSigned.key),
  });
  const tls = http2.createSecureServer(
    {
      ...certFor(DOC_HOSTS),
      allowHTTP1: true,
      SNICallback: (name, cb) => cb(null, name === 'self-signed.example' ? selfSigned : undefined),
    },
    handle,
  );
  const plain = http.createServer(handle);
  const sockets = new Set<net.Socket>();
  for (const server of [tls, plain]) {
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }
  const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
  const names = new Set<string>(DOC_HOSTS);
  const proxy = await startProxy({
    route: (host, port) => {
      if (!names.has(host)) return null;
      return { host: '127.0.0.1', port: port === 80 ? portOf(plain) : portOf(tls) };
    },
  });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(https?|all|no)_proxy$|^(REQUESTS|CURL)_CA_BUNDLE$/i.test(k)) delete env[k];
  }
  Object.assign(env, {
    HTTPS_PROXY: proxy.url,
    HTTP_PROXY: proxy.url,
    REQUESTS_CA_BUNDLE: certs().caFile,
  });
  return {
    env,
    proxy,
    records,
    close: async () => {
      await proxy.close();
      for (const s of sockets) s.destroy();
      for (const server of [tls, plain]) {
        server.close();
        await once(server, 'close').catch(() => {});
      }
    },
  };
}
