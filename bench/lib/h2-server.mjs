// The bench's HTTPS server for the HTTP/2 scenario (bench/lib/h2.mjs): node:http2 with HTTP/1.1
// allowed (ALPN), the same 13-byte body and nginx-like headers as bench/server.mjs.
//
// Run as a child process: `node bench/lib/h2-server.mjs CERT KEY`. Prints one line
// `{"port":N,"pid":P}` once listening; stops on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';

const [certFile, keyFile] = process.argv.slice(2);
const SMALL = Buffer.from('Hello, World!');
const LAST_MODIFIED = new Date(Date.UTC(2026, 0, 1)).toUTCString();
const HEADERS = {
  server: 'nginx/1.22.1',
  'content-type': 'application/octet-stream',
  'content-length': String(SMALL.length),
  'last-modified': LAST_MODIFIED,
  etag: `"${SMALL.length.toString(16)}-6953a800"`,
};

const server = http2.createSecureServer({
  cert: readFileSync(certFile),
  key: readFileSync(keyFile),
  allowHTTP1: true,
  settings: { maxConcurrentStreams: 256 },
});
server.on('request', (req, res) => {
  if (req.url.split('?')[0] !== '/small') {
    res.writeHead(404, { 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(200, { ...HEADERS, date: new Date().toUTCString() });
  res.end(SMALL);
});
server.on('sessionError', () => {});
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, pid: process.pid }));
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
