/**
 * Certificates for TLS tests, made with the `openssl` CLI into a temporary directory once per test
 * process: a CA, server certificates signed by it (valid for localhost / 127.0.0.1 / ::1, expired,
 * for the wrong host), a self-signed one, a client certificate and its key in every form `cert`
 * takes. Plus a small https server helper.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handler } from './server.js';
import { echo } from './server.js';

export interface CertFiles {
  /** The temporary directory holding every file. */
  dir: string;
  /** The CA certificate (PEM) and a directory holding only it (plus a non-PEM file). */
  caFile: string;
  caDir: string;
  /** A second, unrelated CA: trusting it must not make the server trusted. */
  otherCaFile: string;
  /** Server certificate + key for localhost, 127.0.0.1 and ::1, signed by the CA. */
  server: { cert: string; key: string };
  /** Signed by the CA, for localhost, but expired. */
  expired: { cert: string; key: string };
  /** Signed by the CA, for wrong.example only. */
  wrongHost: { cert: string; key: string };
  /** Self-signed for localhost / 127.0.0.1. */
  selfSigned: { cert: string; key: string };
  /** Client certificate signed by the CA: paths of cert, key, both combined, encrypted key. */
  client: { certFile: string; keyFile: string; combinedFile: string; encryptedKeyFile: string };
  /** The passphrase of `client.encryptedKeyFile`. */
  passphrase: string;
  /** File contents, for servers. */
  read(path: string): string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '3650',
    '-subj',
    `/CN=requests-ts ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

/** A key and a certificate signed by `ca.pem` with the given SAN, usage and validity. */
function makeLeaf(dir: string, name: string, san: string, usage: string, days: string): void {
  writeFileSync(
    join(dir, `${name}.ext`),
    `subjectAltName=${san}\nextendedKeyUsage=${usage}\nbasicConstraints=CA:FALSE\n`,
  );
  openssl(dir, [
    'req',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    days,
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

function generate(): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), 'requests-ts-certs-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  const local = 'DNS:localhost,IP:127.0.0.1,IP:::1';
  makeLeaf(dir, 'server', local, 'serverAuth', '825');
  makeLeaf(dir, 'expired', local, 'serverAuth', '-1');
  makeLeaf(dir, 'wrong-host', 'DNS:wrong.example', 'serverAuth', '825');
  makeLeaf(dir, 'client', 'DNS:client.example', 'clientAuth', '825');
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'self-signed.key',
    '-out',
    'self-signed.pem',
    '-days',
    '825',
    '-subj',
    '/CN=localhost',
    '-addext',
    `subjectAltName=${local}`,
  ]);
  const passphrase = 'correct horse';
  openssl(dir, [
    'pkey',
    '-in',
    'client.key',
    '-aes256',
    '-passout',
    `pass:${passphrase}`,
    '-out',
    'client.enc.key',
  ]);
  const read = (path: string) => readFileSync(path, 'utf8');
  writeFileSync(
    join(dir, 'client.combined.pem'),
    read(join(dir, 'client.pem')) + read(join(dir, 'client.key')),
  );
  const caDir = join(dir, 'ca-dir');
  mkdirSync(caDir);
  writeFileSync(join(caDir, 'trusted-ca.crt'), read(join(dir, 'ca.pem')));
  writeFileSync(join(caDir, 'README'), 'not a certificate\n');
  const pair = (name: string) => ({
    cert: join(dir, `${name}.pem`),
    key: join(dir, `${name}.key`),
  });
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    caDir,
    otherCaFile: join(dir, 'other-ca.pem'),
    server: pair('server'),
    expired: pair('expired'),
    wrongHost: pair('wrong-host'),
    selfSigned: pair('self-signed'),
    client: {
      certFile: join(dir, 'client.pem'),
      keyFile: join(dir, 'client.key'),
      combinedFile: join(dir, 'client.combined.pem'),
      encryptedKeyFile: join(dir, 'client.enc.key'),
    },
    passphrase,
    read,
  };
}

let files: CertFiles | undefined;

/** The certificates of this test process, generated on first use. */
export function certs(): CertFiles {
  files ??= generate();
  return files;
}

export interface TestHttpsServer {
  server: https.Server;
  port: number;
  /** `https://127.0.0.1:PORT` (the certificate names 127.0.0.1, ::1 and localhost) */
  url: string;
  /** Number of TLS connections accepted. */
  connections: () => number;
  /** Subject CN of the client certificate of each request ('' without one). */
  clientNames: string[];
  close: () => Promise<void>;
}

export interface HttpsServerOptions {
  /** Which certificate the server presents. @default 'server' */
  which?: 'server' | 'expired' | 'wrongHost' | 'selfSigned';
  /** Require a client certificate signed by the CA. @default false */
  requireClientCert?: boolean;
  handler?: Handler;
}

/** An https server on 127.0.0.1 with a generated certificate; closed by the test that starts it. */
export async function startHttpsServer(options: HttpsServerOptions = {}): Promise<TestHttpsServer> {
  const c = certs();
  const pair = c[options.which ?? 'server'];
  const handler = options.handler ?? echo;
  const clientNames: string[] = [];
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = https.createServer(
    {
      cert: c.read(pair.cert),
      key: c.read(pair.key),
      ca: c.read(c.caFile),
      requestCert: options.requireClientCert ?? false,
      rejectUnauthorized: options.requireClientCert ?? false,
    },
    async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      clientNames.push(typeof peer?.subject?.CN === 'string' ? peer.subject.CN : '');
      const record = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        connectionId: -1,
      };
      await handler(req, res, record);
    },
  );
  server.on('secureConnection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    url: `https://127.0.0.1:${port}`,
    connections: () => accepted,
    clientNames,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
}

/**
 * A server certificate signed by the CA of {@link certs} for the given host names (DNS SANs),
 * e.g. `['api.example.org']`: a TLS server on 127.0.0.1 then passes verification for those
 * names, for a client that trusts `certs().caFile` and reaches it through a tunnel.
 */
export function certFor(hostnames: readonly string[]): { cert: string; key: string } {
  const c = certs();
  const name = `hosts-${(hostnames[0] ?? '').replace(/[^a-z0-9-]/gi, '_').slice(0, 40)}`;
  makeLeaf(c.dir, name, hostnames.map((h) => `DNS:${h}`).join(','), 'serverAuth', '825');
  return { cert: c.read(join(c.dir, `${name}.pem`)), key: c.read(join(c.dir, `${name}.key`)) };
}
