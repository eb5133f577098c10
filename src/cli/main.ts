/**
 * requests-ts on the command line, HTTPie's way: `requests-ts [METHOD] URL [ITEM...]`.
 * Only the argument parser is loaded up front; the library comes in with a dynamic import once
 * a request is to be made, so that `--help` and usage errors start as fast as node itself.
 */
import { fstatSync, readFileSync } from 'node:fs';
import { UsageError } from './items.js';
import { HELP, parseCommand, USAGE } from './parse.js';
import type { Io } from './send.js';

export type { Io as CliIo } from './send.js';

/** The process's own streams as an Io. */
export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutIsRedirect: isPipeOrFile(1),
    readStdin: () => {
      // Only a pipe or a file: a terminal, /dev/null or an inherited socket is never waited on.
      if (!isPipeOrFile(0)) return null;
      const bytes = readFileSync(0);
      return bytes.length === 0 ? null : bytes;
    },
  };
}

function isPipeOrFile(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isFile();
  } catch {
    return false;
  }
}

/**
 * Parses `argv`, sends the request, prints the response. Returns the exit status:
 * 0 ok, 1 network (or download) error, 2 usage error, 3/4/5 with --check-status.
 */
export async function main(argv: string[], io: Partial<Io> = {}): Promise<number> {
  const full: Io = { ...processIo(), ...io };
  let cmd: ReturnType<typeof parseCommand>;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    return usage(err, full);
  }
  if (cmd === 'help' || cmd === 'version') {
    full.out(`${cmd === 'help' ? HELP : await version()}\n`);
    return 0;
  }
  try {
    const { run } = await import('./send.js');
    return await run(cmd, full);
  } catch (err) {
    if (err instanceof UsageError) return usage(err, full);
    full.err(`requests-ts: error: ${oneLine(err)}\n`);
    return 1;
  }
}

function usage(err: unknown, io: Io): number {
  io.err(`${USAGE}\nrequests-ts: error: ${oneLine(err)}\n`);
  return 2;
}

/** One line, no stack: requests' class name and message (TypeErrors from bad input alike). */
function oneLine(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const msg = e.message.split('\n')[0];
  return e instanceof UsageError ? msg! : `${e.name}: ${msg}`;
}

async function version(): Promise<string> {
  const { version } = await import('../index.js');
  return version;
}
