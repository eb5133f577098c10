// The HTTP/2 scenario (issue 13): HTTPS h2, 64 in flight over one connection, 13 B body.
// requests-ts h2 (HTTPAdapter({ http2: true, poolMaxsize: 1 })) against undici with
// allowH2: true and pipelining: 100 on the same server, and against requests-ts over HTTP/1.1
// with 16 connections. The server (bench/lib/h2-server.mjs) has a certificate made here with
// openssl; workers trust it through BENCH_H2_CA (and NODE_EXTRA_CA_CERTS for undici.request,
// the bench's baseline, which runs HTTP/1.1 over one TLS connection here).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnNode } from './processes.mjs';
import { median } from './report.mjs';

const SERVER = fileURLToPath(new URL('./h2-server.mjs', import.meta.url));
const DIST = process.env.REQUESTS_TS_DIST
  ? new URL(`file://${process.env.REQUESTS_TS_DIST}`)
  : new URL('../../dist/esm/index.js', import.meta.url);

export const H2_SCENARIOS = [
  {
    name: 'h2',
    title:
      'HTTPS HTTP/2: 64 in flight over one connection, 13 B body; undici h2 = Client({ allowH2: true, pipelining: 100 }); requests-ts h1 x16 = HTTP/1.1 over 16 connections',
    path: '/small',
    bytes: 13,
    concurrency: 64,
    connections: 1,
    clients: ['undici.request', 'undici h2', 'requests-ts h2', 'requests-ts h1 x16'],
    server: 'h2',
    warm: 2_000,
  },
];

/** The clients of the scenario, by name (registered in bench/lib/clients.mjs). */
export function h2Clients() {
  const ca = () => process.env.BENCH_H2_CA;
  const requestsTs = async (origin, options) => {
    const { Session, HTTPAdapter } = await import(DIST.href);
    const session = new Session();
    session.mount(
      `${origin}/`,
      new HTTPAdapter({ poolConnections: 1, poolBlock: true, ...options }),
    );
    const verify = ca();
    return {
      get: async (path) => (await session.get(origin + path, { verify })).content.length,
      close: () => session.close(),
    };
  };
  return {
    'undici h2': async ({ origin }) => {
      const { Client, request } = await import('undici');
      const { readFileSync } = await import('node:fs');
      const client = new Client(origin, {
        allowH2: true,
        pipelining: 100,
        connect: { ca: readFileSync(ca()) },
      });
      return {
        async get(path) {
          const { body } = await request(origin + path, { dispatcher: client });
          return (await body.arrayBuffer()).byteLength;
        },
        close: () => client.close(),
      };
    },
    'requests-ts h2': ({ origin }) => requestsTs(origin, { http2: true, poolMaxsize: 1 }),
    'requests-ts h1 x16': ({ origin }) => requestsTs(origin, { poolMaxsize: 16 }),
  };
}

/** Makes a self-signed certificate for 127.0.0.1; its path is also the CA the workers trust. */
function makeCert() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-h2-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

/** Starts the h2 server process; sets the CA for the workers spawned after this. */
export async function startH2Server({ cpus = null } = {}) {
  const { cert, key } = makeCert();
  process.env.BENCH_H2_CA = cert;
  process.env.NODE_EXTRA_CA_CERTS = cert;
  const child = spawnNode([SERVER, cert, key], { cpus, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('h2 server did not start in 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`h2 server exited early (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    origin: `https://127.0.0.1:${ready.port}`,
    pid: ready.pid,
    async stop() {
      try {
        process.kill(ready.pid, 'SIGTERM');
      } catch {}
      await exited;
    },
  };
}

function fmt(n) {
  return Number.isFinite(n) ? n.toFixed(3) : 'n/a';
}

/** The ratios, per round then the median: requests-ts h2 to undici h2 and to h1 x16. */
export function h2Table(runs) {
  const ours = runs['requests-ts h2'];
  const lines = [
    '| requests-ts h2 vs | req/s ratio | CPU µs/req ratio | target |',
    '|---|--:|--:|---|',
  ];
  for (const [peer, target] of [
    ['undici h2', 'req/s >= 0.85, CPU <= 1.2'],
    ['requests-ts h1 x16', ''],
  ]) {
    if (!ours || !runs[peer]) continue;
    const ratio = (key) => median(ours.map((r, i) => r[key] / runs[peer][i][key]));
    lines.push(`| ${peer} | ${fmt(ratio('rps'))} | ${fmt(ratio('cpuUsPerReq'))} | ${target} |`);
  }
  return lines.join('\n');
}
