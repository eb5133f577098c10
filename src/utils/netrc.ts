/**
 * Credentials from a netrc file (requests' `get_netrc_auth`, with a parser that reads the file as
 * Python's `netrc` module does: `machine`, `default`, `login`/`user`, `account`, `password`,
 * `macdef`, `#` comments, quoted and backslash-escaped tokens).
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A syntax error in a netrc file (Python's `NetrcParseError`). */
export class NetrcParseError extends Error {
  override name = 'NetrcParseError';
  constructor(
    readonly msg: string,
    readonly filename: string | null = null,
    readonly lineno: number | null = null,
  ) {
    super(`${msg} (${filename}, line ${lineno})`);
  }
}

/** One machine entry: login, account and password ('' when absent). */
export interface NetrcEntry {
  login: string;
  account: string;
  password: string;
}

/** A parsed netrc file. */
export interface Netrc {
  /** Entries by machine name; `default` holds the `default` entry. */
  hosts: Map<string, NetrcEntry>;
  /** Macro lines by macro name. */
  macros: Map<string, string[]>;
}

const WHITESPACE = '\n\t\r ';

/** A tokenizer over the file text, counting lines as Python's `_netrclex`. */
class Lexer {
  pos = 0;
  lineno = 1;
  readonly pushback: string[] = [];
  constructor(readonly text: string) {}

  #read(): string {
    const ch = this.text[this.pos++] ?? '';
    if (ch === '\n') this.lineno++;
    return ch;
  }

  /** The rest of the current line, newline included ('' at the end of the text). */
  readLine(): string {
    const nl = this.text.indexOf('\n', this.pos);
    const end = nl === -1 ? this.text.length : nl + 1;
    const line = this.text.slice(this.pos, end);
    this.pos = end;
    if (nl !== -1) this.lineno++;
    return line;
  }

  /** The next token ('' at the end of the text). */
  token(): string {
    if (this.pushback.length > 0) return this.pushback.shift()!;
    let ch = this.#read();
    while (ch !== '' && WHITESPACE.includes(ch)) ch = this.#read();
    if (ch === '') return '';
    const quoted = ch === '"';
    let token = quoted ? '' : ch === '\\' ? this.#read() : ch;
    for (ch = this.#read(); ch !== ''; ch = this.#read()) {
      if (quoted ? ch === '"' : WHITESPACE.includes(ch)) return token;
      token += ch === '\\' ? this.#read() : ch;
    }
    return token;
  }
}

function parseEntry(lexer: Lexer, file: string): NetrcEntry {
  const entry: NetrcEntry = { login: '', account: '', password: '' };
  for (;;) {
    const before = lexer.lineno;
    const tt = lexer.token();
    if (tt.startsWith('#')) {
      if (lexer.lineno === before) lexer.readLine();
      continue;
    }
    if (tt === '' || tt === 'machine' || tt === 'default' || tt === 'macdef') {
      lexer.pushback.push(tt);
      return entry;
    }
    if (tt === 'login' || tt === 'user') entry.login = lexer.token();
    else if (tt === 'account') entry.account = lexer.token();
    else if (tt === 'password') entry.password = lexer.token();
    else throw new NetrcParseError(`bad follower token '${tt}'`, file, lexer.lineno);
  }
}

function parseMacro(lexer: Lexer, file: string): string[] {
  const lines: string[] = [];
  for (;;) {
    const line = lexer.readLine();
    if (line === '') {
      throw new NetrcParseError(
        'Macro definition missing null line terminator.',
        file,
        lexer.lineno,
      );
    }
    if (line === '\n') return lines;
    lines.push(line);
  }
}

/**
 * Parses the text of a netrc file; `file` names it in errors.
 *
 * @example
 * parseNetrc('machine example.org login me password s3cret').hosts.get('example.org');
 */
export function parseNetrc(text: string, file = '<netrc>'): Netrc {
  const lexer = new Lexer(text);
  const netrc: Netrc = { hosts: new Map(), macros: new Map() };
  for (;;) {
    const before = lexer.lineno;
    const tt = lexer.token();
    if (tt === '') return netrc;
    if (tt.startsWith('#')) {
      if (lexer.lineno === before) lexer.readLine();
      continue;
    }
    if (tt === 'macdef') {
      netrc.macros.set(lexer.token(), parseMacro(lexer, file));
      continue;
    }
    if (tt !== 'machine' && tt !== 'default') {
      throw new NetrcParseError(`bad toplevel token '${tt}'`, file, lexer.lineno);
    }
    const name = tt === 'default' ? 'default' : lexer.token();
    if (!name) throw new NetrcParseError(`missing '${tt}' name`, file, lexer.lineno);
    netrc.hosts.set(name, parseEntry(lexer, file));
  }
}

/** The entry for `host`, else the `default` entry (Python's `netrc.authenticators`). */
export function authenticators(netrc: Netrc, host: string): NetrcEntry | null {
  return netrc.hosts.get(host) ?? netrc.hosts.get('default') ?? null;
}

function expandUser(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * Where to look, as requests: `$NETRC` when set, else `~/.netrc` then `~/_netrc`.
 * @example netrcLocations({ NETRC: '/etc/app.netrc' }) // ['/etc/app.netrc']
 */
export function netrcLocations(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  const raw = env['NETRC'] !== undefined ? [env['NETRC']] : ['~/.netrc', '~/_netrc'];
  return raw.map(expandUser);
}

/** The host of `url` as Python's `urlparse(url).hostname`: lower-case, no port, no brackets. */
function hostnameOf(url: string): string | null {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (!m) return null;
  const netloc = m[1]!.slice(m[1]!.lastIndexOf('@') + 1);
  const host = netloc.startsWith('[')
    ? netloc.slice(1, netloc.indexOf(']') === -1 ? undefined : netloc.indexOf(']'))
    : netloc.split(':', 1)[0]!;
  return host ? host.toLowerCase() : null;
}

// Every request without auth looks for the file (as requests does). What stat answered is kept
// for a second, so a netrc file that is created or edited is seen within a second, or at once
// after forgetNetrcFiles() (which refreshEnvironment() calls).
const STAT_TTL_MS = 1_000;
const stats = new Map<string, { at: number; stat: Stats | undefined }>();

function statRecent(path: string, now: number): Stats | undefined {
  const known = stats.get(path);
  if (known !== undefined && now - known.at < STAT_TTL_MS) return known.stat;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stats.size >= 64) stats.clear();
  stats.set(path, { at: now, stat });
  return stat;
}

/** Forgets what is known of netrc files, so the next lookup reads them again. */
export function forgetNetrcFiles(): void {
  stats.clear();
}

// The parsed file, kept while its path, size and mtime stay the same: Session calls this for
// every request without auth when trustEnv is on.
let cache: { path: string; mtimeMs: number; size: number; netrc: Netrc } | null = null;

function loadNetrc(path: string, mtimeMs: number, size: number): Netrc {
  if (cache && cache.path === path && cache.mtimeMs === mtimeMs && cache.size === size) {
    return cache.netrc;
  }
  const netrc = parseNetrc(readFileSync(path, 'utf8'), path);
  cache = { path, mtimeMs, size, netrc };
  return netrc;
}

/**
 * `[login, password]` for `url`'s host from the netrc file (requests' `get_netrc_auth`), or
 * `null` when there is no file, no entry, or (unless `raiseErrors`) the file cannot be read or
 * parsed. The login falls back to the account when empty.
 *
 * @example
 * // ~/.netrc: machine api.example.org login me password s3cret
 * getNetrcAuth('https://api.example.org:8443/x'); // ['me', 's3cret']
 */
export function getNetrcAuth(
  url: string,
  raiseErrors = false,
  locations: readonly string[] = netrcLocations(),
): [string, string] | null {
  // One clock read for every location (each Date.now() is a native call, on every request).
  const now = locations.length > 0 ? Date.now() : 0;
  for (const path of locations) {
    const stat = path ? statRecent(path, now) : undefined;
    if (stat === undefined) continue;
    const host = hostnameOf(url);
    if (host === null) return null;
    try {
      const entry = authenticators(loadNetrc(path, stat.mtimeMs, stat.size), host);
      if (entry === null || (!entry.login && !entry.account && !entry.password)) return null;
      return [entry.login || entry.account, entry.password];
    } catch (err) {
      if (raiseErrors) throw err;
      return null;
    }
  }
  return null;
}
