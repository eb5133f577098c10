/**
 * node:http (and node:https) servers on a Unix domain socket in a fresh temporary directory, each
 * closed (and its directory removed) by the test that started it.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certs } from './certs.js';
import { type EchoRecord, echo, type Handler, recordingListener } from './server.js';

export interface UnixServer {
  /** The socket's path, and the temporary directory holding it. */
  path: string;
  dir: string;
  /** `http+unix://<percent-encoded path>` (or `https+unix://`), no trailing slash. */
  url: string;
  /** What the server received, in order. */
  requests: EchoRecord[];
  /** Connections accepted. */
  connections: () => number;
  close: () => Promise<void>;
}

export interface UnixServerOptions {
  handler?: Handler;
  /** TLS over the socket, with the test CA's certificate for localhost. @default false */
  tls?: boolean;
  /** The socket's file name in its directory. @default 'app.sock' */
  name?: string;
}

/** A fresh temporary directory for sockets; the caller removes it. */
export function socketDir(): string {
  return mkdtempSync(join(tmpdir(), 'rts-unix-'));
}

/** Starts a server listening on a socket in a new temporary directory. */
export async function startUnixServer(options: UnixServerOptions = {}): Promise<UnixServer> {
  const handler = options.handler ?? echo;
  const dir = socketDir();
  const path = join(dir, options.name ?? 'app.sock');
  const requests: EchoRecord[] = [];
  const sockets = new Set<net.Socket>();
  const ids = new WeakMap<net.Socket, number>();
  let accepted = 0;
  const listener = recordingListener(handler, ids, requests);
  let server: http.Server;
  if (options.tls) {
    const c = certs();
    server = https.createServer(
      { cert: c.read(c.server.cert), key: c.read(c.server.key) },
      listener,
    );
  } else {
    server = http.createServer(listener);
  }
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    ids.set(socket, accepted++);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(path);
  await once(server, 'listening');
  return {
    path,
    dir,
    url: `${options.tls ? 'https' : 'http'}+unix://${encodeURIComponent(path)}`,
    requests,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
