/**
 * `--session NAME`: headers and cookies kept in a JSON file between runs, as HTTPie keeps them.
 * NAME alone lives under $XDG_CONFIG_HOME/requests-ts/sessions/<host>/NAME.json; a NAME with a
 * slash or ending in .json is a path. The file is written 0600: it holds cookies.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Session } from '../index.js';
import { UsageError } from './items.js';

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number | null;
  secure: boolean;
}

/** The file's shape (version 1). */
export interface SessionFile {
  headers: Record<string, string>;
  cookies: StoredCookie[];
}

// Request-specific headers are not kept, as HTTPie does not keep them.
const NOT_KEPT = /^(content-|if-)|^(cookie|host|authorization)$/i;

/** Where the session NAME lives for `url`. */
export function sessionPath(name: string, url: string): string {
  if (name.includes('/') || name.endsWith('.json')) return name;
  if (!/^[\w.-]+$/.test(name))
    throw new UsageError('--session NAME takes letters, digits, _ . - (or a path to a file)');
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const host = new URL(url).host.replace(/:/g, '_');
  return join(base, 'requests-ts', 'sessions', host, `${name}.json`);
}

/** Loads the file into `session` (headers and cookies); a missing file is an empty session. */
export function loadSession(path: string, session: Session): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  let data: Partial<SessionFile>;
  try {
    data = JSON.parse(text) as Partial<SessionFile>;
  } catch {
    throw new UsageError(`the session file ${path} is not JSON: fix or delete it`);
  }
  for (const [k, v] of Object.entries(data.headers ?? {})) session.headers.set(k, String(v));
  for (const c of data.cookies ?? []) {
    if (c.expires !== null && c.expires <= Date.now()) continue;
    session.cookies.set(c.name, c.value, {
      domain: c.domain || undefined,
      path: c.path,
      secure: c.secure,
      ...(c.expires === null ? {} : { expires: new Date(c.expires) }),
    });
  }
}

/** Writes what the session holds now: the headers the user gave and every live cookie. */
export function saveSession(
  path: string,
  given: [string, string | null][],
  session: Session,
): void {
  let old: Record<string, string> = {};
  try {
    old = (JSON.parse(readFileSync(path, 'utf8')) as SessionFile).headers ?? {};
  } catch {}
  const headers: Record<string, string> = { ...old };
  for (const [k, v] of given) {
    if (NOT_KEPT.test(k)) continue;
    for (const key of Object.keys(headers))
      if (key.toLowerCase() === k.toLowerCase()) delete headers[key];
    if (v !== null) headers[k] = v;
  }
  const cookies: StoredCookie[] = [];
  for (const c of session.cookies) {
    cookies.push({
      name: c.name,
      value: c.value,
      domain: c.domain,
      path: c.path,
      expires: c.expires,
      secure: c.secure,
    });
  }
  const data: SessionFile = { headers, cookies };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written aside and renamed, so that a crash never leaves half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 4)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
