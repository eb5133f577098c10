/**
 * Real servers for tests, on 127.0.0.1, each closed by the test that started it.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';

export interface EchoRecord {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  connectionId: number;
}

export interface TestServer {
  server: http.Server;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What the server received, in order. */
  requests: EchoRecord[];
  /** Number of TCP connections accepted. */
  connections: () => number;
  close: () => Promise<void>;
}

export type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  record: EchoRecord,
) => void | Promise<void>;

/** An echo handler: answers 200 with the received request as JSON. */
export const echo: Handler = (_req, res, record) => {
  const body = JSON.stringify({
    method: record.method,
    url: record.url,
    headers: record.headers,
    body: record.body.toString('latin1'),
    connectionId: record.connectionId,
  });
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
};

/**
 * The request listener of the test servers: reads each body, records the request (with the id of
 * its connection from `ids`) in `requests`, then runs `handler`; a handler that throws answers 500.
 */
export function recordingListener(
  handler: Handler,
  ids: WeakMap<net.Socket, number>,
  requests: EchoRecord[],
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const record: EchoRecord = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks),
      connectionId: ids.get(req.socket) ?? -1,
    };
    requests.push(record);
    try {
      await handler(req, res, record);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    }
  };
}

/** Starts a node:http server on 127.0.0.1 (or `host`) with `handler`, reading each body first. */
export async function startServer(
  handler: Handler = echo,
  host = '127.0.0.1',
): Promise<TestServer> {
  let nextId = 0;
  const ids = new WeakMap<net.Socket, number>();
  const sockets = new Set<net.Socket>();
  const requests: EchoRecord[] = [];
  const server = http.createServer(recordingListener(handler, ids, requests));
  server.on('connection', (socket) => {
    ids.set(socket, nextId++);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port,
    url: `http://${shown}:${port}`,
    requests,
    connections: () => nextId,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}

export interface RawPeer {
  port: number;
  url: string;
  close: () => Promise<void>;
}

/** A raw node:net peer: `onSocket` writes exact bytes (or nothing) to each connection. */
export async function startRawPeer(onSocket: (socket: net.Socket) => void): Promise<RawPeer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}
