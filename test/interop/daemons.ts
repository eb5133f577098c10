/**
 * Real servers for the interop tier: a temp dir for each one's config, free high ports on
 * 127.0.0.1, a spawned process waited for until its port accepts, stopped by its PID.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp dir, removed when the test process exits. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `requests-ts-interop-${name}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once 127.0.0.1:port accepts a connection; at most `tries` attempts 100 ms apart. */
async function waitForPort(port: number, child: ChildProcess, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never accepted`);
}

export interface Daemon {
  pid: number;
  /** What the process wrote to stdout and stderr so far. */
  output: () => string;
  /** SIGTERM to this PID, SIGKILL after 5 s; resolves when it exited. */
  stop: () => Promise<void>;
}

/** Starts `command args`, resolves when `port` accepts (rejects with its output otherwise). */
export async function startDaemon(
  command: string,
  args: string[],
  port: number,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Daemon> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = once(child, 'exit').catch(() => {});
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPort(port, child);
  } catch (err) {
    await stop();
    throw new Error(`${command} did not start: ${(err as Error).message}\n${out}`);
  }
  return { pid: child.pid as number, output: () => out, stop };
}

/** Runs curl with `args` (never following the environment's proxies) and returns stdout. */
export function curl(args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('curl', ['-sS', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  });
}

/** Runs a python3 snippet (with requests) and returns stdout. */
export function python(code: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('python3', ['-c', code], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  });
}

/** curl's body bytes for `args`. */
export function curlBytes(args: string[]): Buffer {
  return execFileSync('curl', ['-sS', ...args], {
    env: { PATH: process.env.PATH },
    timeout: 30_000,
  });
}
