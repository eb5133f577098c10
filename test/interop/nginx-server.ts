/**
 * An nginx for the interop tier, from a config written into a temp dir: https servers for TLS 1.2
 * only, TLS 1.3 only, client-certificate auth and a wrong-host certificate, plus a plain http one
 * (the origin behind the proxies). Static files, gzip, ranges, WebDAV PUT uploads (1 MB limit),
 * redirects; every response says its TLS protocol in X-TLS.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certs } from '../helpers/certs.js';
import { type Daemon, freePort, startDaemon, tempDir } from './daemons.js';

export interface Nginx {
  dir: string;
  /** Document root; uploads land in `${www}/upload/`. */
  www: string;
  ports: { tls12: number; tls13: number; mtls: number; wrongHost: number; http: number };
  /** The access log so far (request lines, as nginx logs them). */
  accessLog: () => string;
  stop: () => Promise<void>;
}

/** 100 MiB: the streamed-download file (sparse on disk). */
export const BIG_SIZE = 100 * 1024 * 1024;
export const HELLO = `${'hello from nginx, '.repeat(200)}\n`;

const COMMON = (www: string) => `
    root ${www};
    add_header X-TLS "$ssl_protocol" always;
    gzip on; gzip_types text/plain; gzip_min_length 20;
    client_max_body_size 1m;
    location /upload/ { dav_methods PUT; create_full_put_path on; }
    location = /redirect { return 302 /hello.txt; }
    location = /redirect-chain { return 301 /redirect; }
    location = /whoami { return 200 "$ssl_client_s_dn\\n"; }
`;

function tlsServer(port: number, cert: { cert: string; key: string }, extra: string, www: string) {
  return `
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${cert.cert};
    ssl_certificate_key ${cert.key};
    ${extra}
    ${COMMON(www)}
  }`;
}

function config(dir: string, www: string, ports: Nginx['ports']): string {
  const c = certs();
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  log_format full '$request|$http_authorization|$http_proxy_authorization';
  access_log ${dir}/access.log full;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/plain txt; application/octet-stream bin; }
  default_type application/octet-stream;
  ${tlsServer(ports.tls12, c.server, 'ssl_protocols TLSv1.2;', www)}
  ${tlsServer(ports.tls13, c.server, 'ssl_protocols TLSv1.3;', www)}
  ${tlsServer(ports.mtls, c.server, `ssl_verify_client on; ssl_client_certificate ${c.caFile};`, www)}
  ${tlsServer(ports.wrongHost, c.wrongHost, '', www)}
  server {
    listen 127.0.0.1:${ports.http};
    ${COMMON(www)}
  }
}
`;
}

/** Starts nginx (runs in the foreground, one process), resolves once every port accepts. */
export async function startNginx(): Promise<Nginx> {
  const dir = tempDir('nginx');
  const www = join(dir, 'www');
  mkdirSync(join(www, 'upload'), { recursive: true });
  writeFileSync(join(www, 'hello.txt'), HELLO);
  writeFileSync(join(www, 'big.bin'), '');
  // A sparse file: 100 MiB to serve, nothing on disk.
  const { truncateSync } = await import('node:fs');
  truncateSync(join(www, 'big.bin'), BIG_SIZE);
  const ports = {
    tls12: await freePort(),
    tls13: await freePort(),
    mtls: await freePort(),
    wrongHost: await freePort(),
    http: await freePort(),
  };
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, www, ports));
  const daemon: Daemon = await startDaemon(
    'nginx',
    ['-p', dir, '-c', file, '-e', join(dir, 'error.log')],
    ports.http,
  );
  return {
    dir,
    www,
    ports,
    accessLog: () => readFileSync(join(dir, 'access.log'), 'utf8'),
    stop: daemon.stop,
  };
}
