// Child processes of the bench: CPU pinning with taskset, the server's start and stop, and the
// CPU time a process used (from /proc), to check the server never was the bottleneck.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../server.mjs', import.meta.url));

/** The CPUs this process may run on, from /proc (Linux) or all of them. */
function allowedCpus() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
    if (list) {
      const cpus = [];
      for (const part of list.trim().split(',')) {
        const [a, b = a] = part.split('-').map(Number);
        for (let c = a; c <= b; c++) cpus.push(c);
      }
      return cpus;
    }
  } catch {}
  return Array.from({ length: os.availableParallelism() }, (_, i) => i);
}

function hasTaskset() {
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Which CPUs the server and the clients run on: the server gets the last allowed CPU to itself,
 * every client the others. Without taskset, or with one CPU, nothing is pinned.
 */
export function cpuPlan() {
  const cpus = allowedCpus();
  if (cpus.length < 2 || !hasTaskset()) return { pinned: false, server: null, clients: null };
  return {
    pinned: true,
    server: String(cpus.at(-1)),
    clients: cpus.slice(0, -1).join(','),
  };
}

/**
 * The proxy variables removed from children's environment: the bench talks to 127.0.0.1 only;
 * and the CA bundle ones, which would override the Session's `verify` (as in requests).
 */
export function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(k)) delete env[k];
  delete env.REQUESTS_CA_BUNDLE;
  delete env.CURL_CA_BUNDLE;
  return env;
}

/** Spawns `node <args>`, through `taskset -c <cpus>` when `cpus` is given (same PID: taskset execs). */
export function spawnNode(args, { cpus, stdio, env = cleanEnv() }) {
  if (cpus) return spawn('taskset', ['-c', cpus, process.execPath, ...args], { stdio, env });
  return spawn(process.execPath, args, { stdio, env });
}

/**
 * Starts bench/server.mjs in a child process (pinned when `cpus` is given; HTTPS too when `tls`
 * gives a `{ cert, key }` pair of paths).
 * @returns {Promise<{ origin: string, tlsOrigin: string | null, ca: string | null, pid: number, stop(): Promise<void> }>}
 */
export async function startServer({ cpus = null, tls = null } = {}) {
  const env = cleanEnv();
  if (tls !== null) Object.assign(env, { BENCH_TLS_CERT: tls.cert, BENCH_TLS_KEY: tls.key });
  const child = spawnNode([SERVER], { cpus, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start in 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`bench server exited early (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    origin: `http://127.0.0.1:${ready.port}`,
    tlsOrigin: ready.tlsPort ? `https://127.0.0.1:${ready.tlsPort}` : null,
    ca: tls?.ca ?? null,
    pid: ready.pid,
    async stop() {
      try {
        process.kill(ready.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(ready.pid, 'SIGKILL');
        } catch {}
      }, 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** CPU time (user + system) a process has used, in ms; null where /proc is missing. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}
