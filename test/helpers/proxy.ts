/**
 * A real HTTP proxy on 127.0.0.1 for tests: forwards absolute-form requests and opens CONNECT
 * tunnels, recording what it saw (request line, headers with Proxy-Authorization). With `auth`
 * it answers 407 to anything without the right Basic credentials.
 */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { certs } from './certs.js';

export interface ProxyRecord {
  /** `GET`, `POST`, ... or `CONNECT`. */
  method: string;
  /** The request target: absolute URL, or `host:port` for CONNECT. */
  target: string;
  headers: http.IncomingHttpHeaders;
  /** The answer the proxy gave: 200 for a tunnel opened, 407, 502, or the origin's status. */
  status?: number;
}

export interface TestProxy {
  port: number;
  /** `http://127.0.0.1:PORT` (`https://` with `tls`), no credentials. */
  url: string;
  /** `http://user:pass@127.0.0.1:PORT` when started with auth, else `url`. */
  authUrl: string;
  records: ProxyRecord[];
  /** Connections accepted (TLS connections with `tls`). */
  connections: () => number;
  close: () => Promise<void>;
}

export interface ProxyOptions {
  /** Require Basic credentials (407 otherwise). */
  auth?: readonly [user: string, password: string];
  /** Speak TLS to clients (an https:// proxy) with the generated server certificate. */
  tls?: boolean;
  /**
   * Where each target goes: the local `{ host, port }` to connect to instead of the one asked
   * for, or `null` to refuse it (502). Without it every target is reached as asked.
   */
  route?: Route;
}

/** Maps a requested `host`/`port` to the local peer to reach instead, or null to refuse. */
export type Route = (host: string, port: number) => { host: string; port: number } | null;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function authorized(headers: http.IncomingHttpHeaders, expected: string | null): boolean {
  return expected === null || headers['proxy-authorization'] === expected;
}

const REFUSAL =
  'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  record: ProxyRecord,
  route: Route | undefined,
): void {
  let target = req.url ?? '';
  if (route) {
    const url = new URL(target);
    const to = route(url.hostname, Number(url.port || 80));
    if (to === null) {
      record.status = 502;
      res.writeHead(502, { 'Content-Length': 0 });
      return void res.end();
    }
    url.host = `${to.host}:${to.port}`;
    target = url.href;
  }
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const upstream = http.request(target, { method: req.method, headers }, (up) => {
    record.status = up.statusCode ?? 502;
    res.writeHead(record.status, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    record.status = 502;
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`proxy could not reach the origin: ${err.message}`);
  });
  req.pipe(upstream);
}

function tunnel(
  req: http.IncomingMessage,
  client: net.Socket,
  head: Buffer,
  record: ProxyRecord,
  route: Route | undefined,
) {
  const [host = '', port = '443'] = splitTarget(req.url ?? '');
  const to = route ? route(host, Number(port)) : { host, port: Number(port) };
  if (to === null) {
    record.status = 502;
    return void client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  }
  const upstream = net.connect(to.port, to.host);
  upstream.on('connect', () => {
    record.status = 200;
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => {
    record.status ??= 502;
    if (record.status === 502) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    else client.destroy();
  });
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}

/** `host:port` or `[v6]:port`. */
function splitTarget(target: string): [string, string] {
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
  return [host, target.slice(colon + 1)];
}

/** Starts the proxy; the test that starts it closes it. */
export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const expected = options.auth
    ? `Basic ${Buffer.from(`${options.auth[0]}:${options.auth[1]}`).toString('base64')}`
    : null;
  const records: ProxyRecord[] = [];
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const record: ProxyRecord = {
      method: req.method ?? '',
      target: req.url ?? '',
      headers: req.headers,
    };
    records.push(record);
    if (!authorized(req.headers, expected)) {
      record.status = 407;
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"', 'Content-Length': 0 });
      res.end();
      return;
    }
    forward(req, res, record, options.route);
  };
  const c = options.tls ? certs() : null;
  const server = c
    ? https.createServer({ cert: c.read(c.server.cert), key: c.read(c.server.key) }, onRequest)
    : http.createServer(onRequest);
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const record: ProxyRecord = { method: 'CONNECT', target: req.url ?? '', headers: req.headers };
    records.push(record);
    socket.on('error', () => {});
    if (!authorized(req.headers, expected)) {
      record.status = 407;
      socket.end(REFUSAL);
      return;
    }
    tunnel(req, socket, head, record, options.route);
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on(c ? 'secureConnection' : 'connection', () => {
    accepted++;
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const scheme = c ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  const creds = options.auth
    ? `${encodeURIComponent(options.auth[0])}:${encodeURIComponent(options.auth[1])}@`
    : '';
  return {
    port,
    url,
    authUrl: `${scheme}://${creds}127.0.0.1:${port}`,
    records,
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}
