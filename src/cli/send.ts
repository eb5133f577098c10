/**
 * Runs a parsed command with the library: builds the request, sends it (or only prints it with
 * --offline), prints, downloads, keeps the session file. Loaded only once the arguments parsed.
 */
import { readFileSync } from 'node:fs';
import {
  AuthBase,
  fileFromPath,
  HTTPAdapter,
  HTTPDigestAuth,
  type PreparedRequest,
  Request,
  type RequestOptions,
  type Response,
  Session,
  TimeoutConfig,
} from '../index.js';
import { alreadyComplete, type DownloadPlan, planDownload, saveBody } from './download.js';
import { type SortedItems, sortItems, UsageError } from './items.js';
import {
  formatBody,
  formatRequestHead,
  formatResponseHead,
  formatTimings,
  requestBodyBytes,
  type Style,
} from './output.js';
import type { Command } from './parse.js';
import { loadSession, saveSession, sessionPath } from './session-file.js';

/** The process as the command sees it (tests give their own). */
export interface Io {
  out: (s: string | Uint8Array) => void;
  err: (s: string) => void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** stdout is `| cmd` or `> file`: a download without -o goes there, as HTTPie's. */
  stdoutIsRedirect: boolean;
  /** The raw body piped in, read only when the command may use it. */
  readStdin: () => Uint8Array | null;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/** The request options the items and flags ask for. */
export function buildOptions(
  cmd: Command,
  items: SortedItems,
  stdin: () => Uint8Array | null,
): RequestOptions {
  const options: RequestOptions = { allowRedirects: cmd.follow };
  if (items.query.length > 0) options.params = items.query;
  if (items.headers.length > 0) options.headers = items.headers;
  if (items.files.length > 0) {
    options.files = items.files.map(([k, p]) => [k, fileFromPath(p)]);
    options.data = items.fields.map(([k, v]): [string, string] => [k, String(v)]);
  } else if (items.fields.length > 0) {
    if (cmd.form) options.data = items.fields.map(([k, v]): [string, string] => [k, String(v)]);
    else {
      options.json = Object.fromEntries(items.fields);
      options.headers = [['Accept', 'application/json, */*;q=0.5'], ...items.headers];
    }
  } else if (items.rawFile !== null) options.data = readFileSync(items.rawFile);
  else if (!cmd.ignoreStdin) {
    const body = stdin();
    if (body !== null) options.data = body;
  }
  if (cmd.auth !== null) options.auth = auth(cmd);
  if (Object.keys(cmd.proxies).length > 0) options.proxies = cmd.proxies;
  if (cmd.verify !== true) options.verify = cmd.verify;
  if (cmd.cert !== null) options.cert = cmd.certKey === null ? cmd.cert : [cmd.cert, cmd.certKey];
  if (cmd.timeout !== null) {
    const ms = cmd.timeout * 1000;
    options.timeout = new TimeoutConfig({ connect: ms, read: ms });
  }
  return options;
}

/** HTTPie's `-A bearer -a TOKEN`. */
class BearerAuth extends AuthBase {
  readonly #token: string;
  constructor(token: string) {
    super();
    this.#token = token;
  }
  call(r: PreparedRequest): PreparedRequest {
    r.headers.set('Authorization', `Bearer ${this.#token}`);
    return r;
  }
}

function auth(cmd: Command): RequestOptions['auth'] {
  const raw = cmd.auth!;
  if (cmd.authType === 'bearer') {
    return new BearerAuth(raw);
  }
  const colon = raw.indexOf(':');
  const user = raw.slice(0, colon);
  const pass = raw.slice(colon + 1);
  return cmd.authType === 'digest' ? new HTTPDigestAuth(user, pass) : [user, pass];
}

function newSession(cmd: Command): Session {
  const session = new Session();
  session.maxRedirects = cmd.maxRedirects;
  if (cmd.http2) {
    session.mount('https://', new HTTPAdapter({ http2: true }));
    session.mount('http://', new HTTPAdapter({ http2: true }));
  }
  return session;
}

/** The exit status --check-status asks for (0 without it, as HTTPie). */
function statusExit(cmd: Command, r: Response): number {
  if (!cmd.checkStatus) return 0;
  const s = r.statusCode;
  if (s >= 500) return 5;
  if (s >= 400) return 4;
  if (s >= 300 && s < 400) return 3;
  return 0;
}

/** Sends the command; returns the exit status. Network errors propagate to the caller. */
export async function run(cmd: Command, io: Io): Promise<number> {
  const items = sortItems(cmd.items, readText);
  const options = buildOptions(cmd, items, io.readStdin);
  const print = cmd.print ?? (io.stdoutIsTTY ? 'hb' : 'b');
  const style = styleFor(cmd, io.stdoutIsTTY);
  const session = newSession(cmd);
  const file = cmd.session === null ? null : sessionPath(cmd.session, cmd.url);
  try {
    if (file !== null) loadSession(file, session);
    if (cmd.offline) return offline(cmd, options, session, print, style, io);
    let plan: DownloadPlan | null = null;
    if (cmd.download) {
      const p = planDownload(cmd.output, cmd.resume);
      plan = p.plan;
      options.headers = [
        ...Object.entries(p.headers),
        ...((options.headers as [string, string | null][]) ?? []),
      ];
      options.stream = true;
    }
    const started = performance.now();
    const r = await session.request(cmd.method, cmd.url, options);
    if (print.includes('H') || print.includes('B'))
      printRequest(r.history[0]?.request ?? r.request, print, style, io);
    const code =
      plan === null ? printResponse(r, print, style, io) : await download(cmd, r, plan, style, io);
    if (cmd.timings) io.err(`${formatTimings(r, performance.now() - started)}\n`);
    if (file !== null) saveSession(file, items.headers, session);
    if (code !== 0) return code;
    const exit = statusExit(cmd, r);
    if (exit !== 0 && !io.stdoutIsTTY)
      io.err(`requests-ts: warning: HTTP ${r.statusCode} ${r.reason ?? ''}\n`);
    return exit;
  } finally {
    await session.close();
  }
}

function styleFor(cmd: Command, tty: boolean): Style {
  const pretty = cmd.pretty ?? (tty ? 'all' : 'none');
  return {
    colors: pretty === 'all' || pretty === 'colors',
    format: pretty === 'all' || pretty === 'format',
  };
}

function offline(
  cmd: Command,
  options: RequestOptions,
  session: Session,
  print: string,
  style: Style,
  io: Io,
): number {
  const {
    allowRedirects: _a,
    proxies: _p,
    verify: _v,
    cert: _c,
    timeout: _t,
    stream: _s,
    ...fields
  } = options;
  const req = new Request({ method: cmd.method, url: cmd.url, ...(fields as object) });
  printRequest(
    session.prepareRequest(req),
    print.includes('H') || print.includes('B') ? print : 'HB',
    style,
    io,
  );
  return 0;
}

function printRequest(req: PreparedRequest | null, print: string, style: Style, io: Io): void {
  if (req === null) return;
  if (print.includes('H')) io.out(`${formatRequestHead(req, style)}\n`);
  const body = print.includes('B') ? requestBodyBytes(req) : null;
  if (body !== null && body.length > 0) {
    io.out(formatBody(body, String(req.headers.get('Content-Type') ?? ''), style, io.stdoutIsTTY));
    io.out('\n\n');
  }
}

function printResponse(r: Response, print: string, style: Style, io: Io): number {
  if (print.includes('h')) io.out(`${formatResponseHead(r, style)}\n`);
  if (print.includes('b')) {
    const body = formatBody(
      r.content,
      String(r.headers.get('Content-Type') ?? ''),
      style,
      io.stdoutIsTTY,
    );
    io.out(body);
    // A terminal gets its prompt on a new line; piped bytes stay exact.
    if (io.stdoutIsTTY && body.length > 0 && !String(body).endsWith('\n')) io.out('\n');
  }
  return 0;
}

async function download(
  cmd: Command,
  r: Response,
  plan: DownloadPlan,
  style: Style,
  io: Io,
): Promise<number> {
  io.err(formatResponseHead(r, { colors: io.stderrIsTTY && style.colors, format: false }));
  if (alreadyComplete(r, plan)) {
    io.err(`\n${plan.path} is already complete\n`);
    return 0;
  }
  if (r.statusCode >= 300 && r.statusCode !== 206 && r.statusCode !== 200) {
    await r.read?.();
    io.err(`\nnot saved: HTTP ${r.statusCode} ${r.reason ?? ''}\n`);
    return cmd.checkStatus ? statusExit(cmd, r) : 1;
  }
  io.err('\n');
  await saveBody(r, plan, {
    writeOut: (b) => io.out(b),
    writeErr: (s) => io.err(s),
    toStdout: cmd.output === null && io.stdoutIsRedirect,
    stderrIsTTY: io.stderrIsTTY,
  });
  return 0;
}
