/**
 * The command line's arguments, HTTPie's way: `requests-ts [METHOD] URL [ITEM...]` and flags.
 * Loads nothing but node:util, so that `--help` starts fast.
 */
import { parseArgs } from 'node:util';
import { parseItem, type RequestItem, UsageError } from './items.js';

export const USAGE = `usage: requests-ts [METHOD] URL [REQUEST_ITEM ...] [options]`;

export const HELP = `${USAGE}

HTTPie's syntax on requests-ts. METHOD defaults to GET, or POST when there is data.
URL: 'example.org', ':3000/path' (localhost) and 'https://...' are all accepted.

Request items:
  Header:value        a request header (Header: with no value removes it)
  name==value         a query parameter
  name=value          a data field: a JSON string, or a form field with --form
  name:=json          a raw JSON field: count:=3 tags:='["a"]'
  name=@file          a data field read from a file; name:=@file reads raw JSON
  field@path          a file upload (implies --form, sent as multipart)
  =@path              the request body, read from a file (or pipe it on stdin)

Options:
  -j, --json                 data items as a JSON object (the default)
  -f, --form                 data items as a form; with field@path, multipart
  -v, --verbose              print the request as well as the response
  -h, --headers              print the response headers only
  -b, --body                 print the response body only
  -p, --print WHAT           H request headers, B request body, h and b the response's
      --pretty all|colors|format|none   (default: all on a terminal, none when piped)
      --offline              print the request, send nothing
  -F, --follow               follow redirects (off by default, as HTTPie)
      --max-redirects N      at most N redirects with --follow (default 30)
      --check-status         exit 3, 4 or 5 on a 3xx, 4xx or 5xx response
  -a, --auth USER:PASS       credentials (-A bearer: the token)
  -A, --auth-type TYPE       basic (default), digest or bearer
      --proxy SCHEME:URL     a proxy for one scheme, e.g. https:http://127.0.0.1:3128
      --verify yes|no|PATH   check the server certificate, or against a CA bundle
      --cert FILE            client certificate (with its key, or see --cert-key)
      --cert-key FILE        client certificate key
      --timeout SECONDS      connect and read timeout, in seconds
      --timings              print where the time went (dns, connect, tls, firstByte...), on stderr
      --http2                offer HTTP/2 (over TLS, through ALPN)
      --session NAME|PATH    keep headers and cookies in a session file between runs
  -d, --download             save the body to a file, with a progress bar on stderr
  -o, --output FILE          where to save it (default: the server's or the URL's name)
  -c, --continue             resume a partial download (needs --output)
  -I, --ignore-stdin         do not read a body from stdin
      --help                 this text
      --version              the version

Exit status: 0 ok, 1 network error, 2 usage error, 3/4/5 with --check-status.`;

/** Everything the command line asked for. */
export interface Command {
  method: string;
  url: string;
  items: RequestItem[];
  form: boolean;
  /** HTTPie's --print letters: H B (request), h b (response). Null: decided by the TTY. */
  print: string | null;
  pretty: 'all' | 'colors' | 'format' | 'none' | null;
  offline: boolean;
  follow: boolean;
  maxRedirects: number;
  checkStatus: boolean;
  auth: string | null;
  authType: 'basic' | 'digest' | 'bearer';
  proxies: Record<string, string>;
  verify: boolean | string;
  cert: string | null;
  certKey: string | null;
  /** Seconds. */
  timeout: number | null;
  timings: boolean;
  http2: boolean;
  session: string | null;
  download: boolean;
  output: string | null;
  resume: boolean;
  ignoreStdin: boolean;
}

const OPTIONS = {
  json: { type: 'boolean', short: 'j' },
  form: { type: 'boolean', short: 'f' },
  verbose: { type: 'boolean', short: 'v' },
  headers: { type: 'boolean', short: 'h' },
  body: { type: 'boolean', short: 'b' },
  print: { type: 'string', short: 'p' },
  pretty: { type: 'string' },
  offline: { type: 'boolean' },
  follow: { type: 'boolean', short: 'F' },
  'max-redirects': { type: 'string' },
  'check-status': { type: 'boolean' },
  auth: { type: 'string', short: 'a' },
  'auth-type': { type: 'string', short: 'A' },
  proxy: { type: 'string', multiple: true },
  verify: { type: 'string' },
  cert: { type: 'string' },
  'cert-key': { type: 'string' },
  timeout: { type: 'string' },
  timings: { type: 'boolean' },
  http2: { type: 'boolean' },
  session: { type: 'string' },
  download: { type: 'boolean', short: 'd' },
  output: { type: 'string', short: 'o' },
  continue: { type: 'boolean', short: 'c' },
  'ignore-stdin': { type: 'boolean', short: 'I' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

/**
 * Parses argv. Returns 'help' or 'version' for those flags.
 * @throws UsageError naming what to fix.
 */
export function parseCommand(argv: string[]): Command | 'help' | 'version' {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    // node:util's messages are good but long; keep their first sentence.
    throw new UsageError(String((err as Error).message).split('. ')[0]!);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return 'help';
  if (v.version) return 'version';
  const { method, url, rest } = splitPositionals(positionals);
  const items = rest.map((text) => {
    const item = parseItem(text);
    if (item === null)
      throw new UsageError(
        `"${text}" is not a request item (Header:value, name=value, name:=json, name==query, field@path)`,
      );
    return item;
  });
  const command: Command = {
    method: method ?? guessMethod(items),
    url: expandUrl(url),
    items,
    form: v.form === true || items.some((i) => i.kind === 'file'),
    print: printSpec(v),
    pretty: oneOf(v.pretty, 'pretty', ['all', 'colors', 'format', 'none'] as const, null),
    offline: v.offline === true,
    follow: v.follow === true,
    maxRedirects: v['max-redirects'] === undefined ? 30 : count(v['max-redirects']),
    checkStatus: v['check-status'] === true,
    auth: v.auth ?? null,
    authType: oneOf(v['auth-type'], 'auth-type', ['basic', 'digest', 'bearer'] as const, 'basic'),
    proxies: proxies(v.proxy ?? []),
    verify: verify(v.verify),
    cert: v.cert ?? null,
    certKey: v['cert-key'] ?? null,
    timeout: v.timeout === undefined ? null : seconds(v.timeout),
    timings: v.timings === true,
    http2: v.http2 === true,
    session: v.session ?? null,
    download: v.download === true,
    output: v.output ?? null,
    resume: v.continue === true,
    ignoreStdin: v['ignore-stdin'] === true,
  };
  return check(command);
}

function check(c: Command): Command {
  if (c.resume && !(c.download && c.output !== null))
    throw new UsageError('--continue needs --download and --output FILE');
  if (c.form && c.items.some((i) => i.kind === 'json' || i.kind === 'json-file'))
    throw new UsageError(
      'name:=json fields cannot be sent as a form: drop --form or use name=value',
    );
  if (c.auth !== null && c.authType !== 'bearer' && !c.auth.includes(':'))
    throw new UsageError('-a takes USER:PASSWORD');
  if (c.certKey !== null && c.cert === null) throw new UsageError('--cert-key needs --cert');
  return c;
}

const METHOD = /^[A-Za-z]+$/;

function splitPositionals(p: string[]): { method: string | null; url: string; rest: string[] } {
  if (p.length === 0) throw new UsageError('give a URL (see --help)');
  // `GET example.org` has a method; in `example a=1` the second word is an item, not a URL.
  if (p.length >= 2 && METHOD.test(p[0]!) && looksLikeUrl(p[1]!))
    return { method: p[0]!.toUpperCase(), url: p[1]!, rest: p.slice(2) };
  return { method: null, url: p[0]!, rest: p.slice(1) };
}

function looksLikeUrl(text: string): boolean {
  return (
    text.includes('://') ||
    text.startsWith(':') ||
    /^[\w.-]+(:\d+)?([/?#].*)?$/.test(text) ||
    parseItem(text) === null
  );
}

function guessMethod(items: RequestItem[]): string {
  const sendsBody = items.some((i) => i.kind !== 'header' && i.kind !== 'query');
  return sendsBody ? 'POST' : 'GET';
}

/**
 * HTTPie's URL shorthands: `:3000/x` is localhost, a missing scheme is http://.
 * @example expandUrl(':3000/x') // 'http://localhost:3000/x'
 */
export function expandUrl(url: string): string {
  if (url === '') throw new UsageError('the URL is empty');
  if (/^:\d*(\/|$)/.test(url)) return `http://localhost${url === ':' ? '' : url}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return `http://${url}`;
}

function printSpec(v: Values): string | null {
  if (v.print !== undefined) {
    if (!/^[HBhb]+$/.test(v.print)) throw new UsageError('--print takes letters of HBhb');
    return v.print;
  }
  if (v.verbose) return 'HBhb';
  if (v.headers && v.body) return 'hb';
  if (v.headers) return 'h';
  if (v.body) return 'b';
  if (v.offline) return 'HB';
  return null;
}

function oneOf<T extends string, D>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
  dflt: D,
): T | D {
  if (value === undefined) return dflt;
  const lower = value.toLowerCase() as T;
  if (!choices.includes(lower)) throw new UsageError(`--${flag} takes ${choices.join(', ')}`);
  return lower;
}

function proxies(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list) {
    const m = /^([a-z][a-z0-9+.-]*):(.+)$/i.exec(p);
    if (m === null || !m[2]!.includes('://'))
      throw new UsageError(
        `--proxy takes SCHEME:URL, e.g. http:http://127.0.0.1:3128 (got "${p}")`,
      );
    out[m[1]!.toLowerCase()] = m[2]!;
  }
  return out;
}

function verify(value: string | undefined): boolean | string {
  if (value === undefined) return true;
  const lower = value.toLowerCase();
  if (lower === 'yes' || lower === 'true') return true;
  if (lower === 'no' || lower === 'false') return false;
  return value;
}

function seconds(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--timeout takes a number of seconds above 0 (got "${text}")`);
  return n;
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--max-redirects takes a whole number (got "${text}")`);
  return n;
}
