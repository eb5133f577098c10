// The bench's HTTP/1.1 server: a bare node:net server writing canned keep-alive responses, so
// the server costs as little as possible and never decides a comparison. It parses just enough:
// the request line, the headers up to CRLFCRLF and a Content-Length body (skipped).
//
// Routes: /small (13 bytes), /64k (64 KiB), /1m (1 MiB), /16m (16 MiB, the streamed download),
// /post (a 12-byte JSON answer, for POST),
// /cookie (13 bytes, and a Set-Cookie when the request sends no `sid` cookie). Anything else: 404.
// With BENCH_TLS_CERT and BENCH_TLS_KEY set, the same over HTTPS on a second port.
//
// Run as a child process by bench/lib/server-control.mjs: `node bench/server.mjs [port]`.
// Prints one line `{"port":N}` once listening; stops on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const SMALL = Buffer.from('Hello, World!');

// The headers nginx sends with a static file, so that header handling costs what it costs
// against a real server (7 headers: a bench server sending 2 flatters every client).
const LAST_MODIFIED = new Date(Date.UTC(2026, 0, 1)).toUTCString();

/** A whole canned response: head and body in one buffer, written with one call. */
function canned(status, body, extraHeaders = '') {
  const head =
    `HTTP/1.1 ${status}\r\nServer: nginx/1.22.1\r\nDate: ${new Date().toUTCString()}\r\n` +
    `Content-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n` +
    `Last-Modified: ${LAST_MODIFIED}\r\n` +
    (extraHeaders.includes('Connection:') ? '' : 'Connection: keep-alive\r\n') +
    `ETag: "${body.length.toString(16)}-6953a800"\r\n${extraHeaders}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const ROUTES = new Map([
  ['/small', canned('200 OK', SMALL)],
  ['/post', canned('200 OK', Buffer.from('{"ok":true}\n'))],
  ['/64k', canned('200 OK', Buffer.alloc(64 * 1024, 'a'))],
  ['/1m', canned('200 OK', Buffer.alloc(1024 * 1024, 'b'))],
  ['/16m', canned('200 OK', Buffer.alloc(16 * 1024 * 1024, 'c'))],
]);
const COOKIE_SET = canned('200 OK', SMALL, 'Set-Cookie: sid=bench-session; Path=/\r\n');
const COOKIE_SEEN = canned('200 OK', SMALL);
const NOT_FOUND = canned('404 Not Found', Buffer.from('not found'));
const NOT_IMPLEMENTED = canned('501 Not Implemented', Buffer.alloc(0), 'Connection: close\r\n');
const SENDS_SID = /\r\ncookie:[^\r]*\bsid=/i;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r]*chunked/i;
const EMPTY = Buffer.alloc(0);
const MAX_HEAD = 64 * 1024;

/** The response for one request head (request line + headers, without the final CRLFCRLF). */
function respond(head) {
  const sp1 = head.indexOf(' ');
  const sp2 = head.indexOf(' ', sp1 + 1);
  let path = head.slice(sp1 + 1, sp2);
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  if (path === '/cookie') return SENDS_SID.test(head) ? COOKIE_SEEN : COOKIE_SET;
  return ROUTES.get(path) ?? NOT_FOUND;
}

/** One connection: requests may arrive split or pipelined; answers go out in order. */
function serve(socket) {
  socket.setNoDelay(true);
  let buf = EMPTY;
  let skip = 0; // body bytes of the current request still to discard
  let pending = null; // the answer to send once that body is consumed
  socket.on('data', (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    let off = 0;
    for (;;) {
      if (skip > 0) {
        const take = Math.min(skip, buf.length - off);
        skip -= take;
        off += take;
        if (skip > 0) break;
      }
      if (pending !== null) {
        socket.write(pending);
        pending = null;
      }
      const end = buf.indexOf('\r\n\r\n', off, 'latin1');
      if (end < 0) {
        if (buf.length - off > MAX_HEAD) socket.destroy();
        break;
      }
      const head = buf.toString('latin1', off, end);
      off = end + 4;
      if (CHUNKED.test(head)) {
        socket.end(NOT_IMPLEMENTED); // the bench never sends chunked bodies
        return;
      }
      const length = CONTENT_LENGTH.exec(head);
      skip = length === null ? 0 : Number(length[1]);
      pending = respond(head);
    }
    buf = off >= buf.length ? EMPTY : buf.subarray(off);
  });
  socket.on('error', () => socket.destroy());
}

const server = net.createServer({ noDelay: true }, serve);
server.maxConnections = 4096;
// HTTPS on a second port when BENCH_TLS_CERT and BENCH_TLS_KEY name a certificate and its key.
const { BENCH_TLS_CERT: certFile, BENCH_TLS_KEY: keyFile } = process.env;
const secure = certFile
  ? tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, serve)
  : null;
await new Promise((resolve) => server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', resolve));
if (secure !== null) await new Promise((resolve) => secure.listen(0, '127.0.0.1', resolve));
const ready = { port: server.address().port, tlsPort: secure?.address().port, pid: process.pid };
process.stdout.write(`${JSON.stringify(ready)}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
// The parent's end: when it dies without stopping us, stdin closes and we go too.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
