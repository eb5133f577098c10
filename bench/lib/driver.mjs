// The parent's handle on one worker process (bench/lib/worker.mjs): request/response over IPC.
import { fileURLToPath } from 'node:url';
import { spawnNode } from './processes.mjs';

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

export class WorkerHandle {
  #child;
  #nextId = 1;
  #waiting = new Map();
  #exit = null;

  /**
   * @param {{ cpus: string | null, nodeArgs?: string[] }} options extra node flags, e.g. --cpu-prof
   */
  constructor({ cpus, nodeArgs = [] }) {
    this.#child = spawnNode([...nodeArgs, WORKER], {
      cpus,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.pid = this.#child.pid;
    this.#child.on('message', (msg) => {
      const waiter = this.#waiting.get(msg.id);
      this.#waiting.delete(msg.id);
      if (msg.ok) waiter?.resolve(msg.result);
      else waiter?.reject(new Error(msg.error));
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = `worker exited (${code ?? signal})`;
        for (const w of this.#waiting.values()) w.reject(new Error(this.#exit));
        this.#waiting.clear();
        resolve();
      });
    });
  }

  /** Sends a command and resolves with the worker's result; rejects after `timeoutMs`. */
  call(cmd, args = {}, timeoutMs = 120_000) {
    if (this.#exit) return Promise.reject(new Error(this.#exit));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`worker did not answer '${cmd}' in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#child.send({ id, cmd, ...args });
    });
  }

  /** Asks the worker to close its client and exit; kills it (by PID) if it does not. */
  async close() {
    try {
      await this.call('close', {}, 10_000);
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {}
    }, 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
