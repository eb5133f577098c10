/**
 * A node:http2 secure server on 127.0.0.1 with the generated certificate, counting what HTTP/2
 * tests assert on: sessions, streams open at once (the peak), and body arrivals per path.
 */
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { certs } from './certs.js';

export interface H2Stream {
  stream: http2.ServerHttp2Stream;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  session: http2.ServerHttp2Session;
}

export interface TestH2Server {
  server: http2.Http2SecureServer;
  port: number;
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** TLS sessions (connections) accepted. */
  sessions: () => number;
  /** Streams open now, and the most ever open at once (over all sessions). */
  open: () => number;
  peak: () => number;
  /** How often a body arrived, by its text. */
  arrivals: Map<string, number>;
  close: () => Promise<void>;
}

export interface H2ServerOptions {
  settings?: http2.Settings;
  /** Accept HTTP/1.1 too (ALPN). @default false */
  allowHTTP1?: boolean;
  /** Read the body first (default), then answer; `raw` handlers answer as they like. */
  handler?: (s: H2Stream) => void | Promise<void>;
  raw?: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;
}

/** Answers 200 with the request body, or `ok` without one. */
function echo({ stream, body }: H2Stream): void {
  stream.respond({ ':status': 200, 'content-type': 'text/plain' });
  stream.end(body.length > 0 ? body : 'ok');
}

export async function startH2Server(options: H2ServerOptions = {}): Promise<TestH2Server> {
  const c = certs();
  const server = http2.createSecureServer({
    cert: c.read(c.server.cert),
    key: c.read(c.server.key),
    allowHTTP1: options.allowHTTP1 ?? false,
    settings: options.settings,
  });
  let sessions = 0;
  let open = 0;
  let peak = 0;
  const arrivals = new Map<string, number>();
  const live = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions++;
    live.add(session);
    session.on('close', () => live.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    open++;
    peak = Math.max(peak, open);
    stream.on('close', () => open--);
    stream.on('error', () => {});
    if (options.raw) return options.raw(stream, headers);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      if (body.length > 0) {
        const key = body.toString();
        arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
      }
      void (options.handler ?? echo)({
        stream,
        headers,
        body,
        session: stream.session as http2.ServerHttp2Session,
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `https://127.0.0.1:${port}`,
    sessions: () => sessions,
    open: () => open,
    peak: () => peak,
    arrivals,
    close: async () => {
      for (const session of live) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** TLS settings trusting the generated CA. */
export function trustingTls(): { rejectUnauthorized: true; ca: string; caId: string } {
  const c = certs();
  return { rejectUnauthorized: true, ca: c.read(c.caFile), caId: c.caFile };
}
