// The bench's servers beyond bench/server.mjs: nginx (when installed) started unprivileged from a
// config in a temp dir (as test/interop/nginx-server.ts does), over http and https, serving the
// same routes as bench/server.mjs; and the self-signed certificate both use for HTTPS.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The JSON body every POST scenario sends, and the answer's size. */
export const POST_JSON = { id: 1, name: 'bench', tags: ['a', 'b', 'c'], active: true };
export const POST_ANSWER = '{"ok":true}\n';

/** A CA and a server certificate it signed for 127.0.0.1 (openssl): { dir, ca, cert, key } paths. */
export function makeCert() {
  const dir = mkdtempSync(join(tmpdir(), 'rts-bench-tls-'));
  const f = (name) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const run = (args) => execFileSync('openssl', args, { stdio: 'ignore' });
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE'];
  caExt.push('-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run([
    'req',
    '-x509',
    ...ec,
    '-days',
    '2',
    '-subj',
    '/CN=bench CA',
    ...caExt,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  run(['req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', f('key.pem'), '-out', f('server.csr')]);
  writeFileSync(
    f('ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  run([
    ...['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key')],
    ...['-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('cert.pem')],
  ]);
  return { dir, ca: f('ca.pem'), cert: f('cert.pem'), key: f('key.pem') };
}

export function nginxInstalled() {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function config(dir, www, http, https, tls) {
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type application/octet-stream;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:${http};
    listen 127.0.0.1:${https} ssl;
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    root ${www};
    location = /small { }
    location = /64k { }
    location = /1m { }
    location = /16m { }
    location = /post { default_type application/json; return 200 '${POST_ANSWER.trim()}\\n'; }
    location = /cookie {
      if ($cookie_sid = "") { add_header Set-Cookie "sid=bench-session; Path=/"; }
      return 200 'Hello, World!';
    }
  }
}
`;
}

async function waitForPort(port, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited early (${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nginx did not listen in 5 s');
}

/**
 * Starts nginx (one worker, in the foreground, pinned with taskset when `cpus` is given).
 * @returns {Promise<{ origin, tlsOrigin, ca, pid, stop() }>}
 */
export async function startNginx({ cpus = null, tls = makeCert() } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rts-bench-nginx-'));
  const www = join(dir, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'small'), 'Hello, World!');
  writeFileSync(join(www, '64k'), Buffer.alloc(64 * 1024, 'a'));
  writeFileSync(join(www, '1m'), '');
  truncateSync(join(www, '1m'), 1024 * 1024);
  writeFileSync(join(www, '16m'), '');
  truncateSync(join(www, '16m'), 16 * 1024 * 1024);
  const [http, https] = [await freePort(), await freePort()];
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, www, http, https, tls));
  const args = ['-p', dir, '-c', file, '-e', join(dir, 'error.log')];
  const child = cpus
    ? spawn('taskset', ['-c', cpus, 'nginx', ...args], { stdio: 'ignore' })
    : spawn('nginx', args, { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitForPort(http, child);
  await waitForPort(https, child);
  return {
    origin: `http://127.0.0.1:${http}`,
    tlsOrigin: `https://127.0.0.1:${https}`,
    ca: tls.ca,
    pid: child.pid,
    async stop() {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {}
      }, 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
