/**
 * A Digest authentication checker (RFC 7616 / RFC 2617) for tests: it issues challenges and
 * verifies Authorization headers independently of src/auth.ts, and a node:http server using it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer, type TestServer } from './server.js';

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  SHA: 'sha1',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
};

export interface DigestOptions {
  user: string;
  password: string;
  realm?: string;
  /** The algorithm parameter sent; `null` sends none (MD5 is then implied). @default null */
  algorithm?: string | null;
  /** @default 'auth' */
  qop?: string | null;
  opaque?: string | null;
  /** How many requests a nonce is good for before it is declared stale. @default Infinity */
  nonceUses?: number;
}

export type Verdict = 'ok' | 'stale' | 'bad' | 'missing';

/** Parses `Digest k=v, k="v"` (no escapes needed for what src/auth.ts sends). */
export function parseAuthorization(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=(?:"([^"]*)"|([^,\s]*))/g;
  const params = value.replace(/^Digest\s+/i, '');
  for (let m = re.exec(params); m !== null; m = re.exec(params)) {
    out[m[1]!] = m[2] ?? m[3] ?? '';
  }
  return out;
}

export class DigestChecker {
  readonly options: Required<DigestOptions>;
  /** nonce -> highest nc seen and uses */
  readonly nonces = new Map<string, { nc: number; uses: number }>();
  /** Every Authorization header checked, in order. */
  readonly seen: Record<string, string>[] = [];

  constructor(options: DigestOptions) {
    this.options = {
      realm: 'test@127.0.0.1',
      algorithm: null,
      qop: 'auth',
      opaque: null,
      nonceUses: Number.POSITIVE_INFINITY,
      ...options,
    };
  }

  /** A WWW-Authenticate value with a fresh nonce. */
  challenge(stale = false): string {
    const nonce = randomBytes(12).toString('hex');
    this.nonces.set(nonce, { nc: 0, uses: 0 });
    const { realm, algorithm, qop, opaque } = this.options;
    let value = `Digest realm="${realm}", nonce="${nonce}"`;
    if (qop) value += `, qop="${qop}"`;
    if (opaque) value += `, opaque="${opaque}"`;
    if (algorithm) value += `, algorithm=${algorithm}`;
    if (stale) value += ', stale=true';
    return value;
  }

  #hash(text: string): string {
    const alg = HASHES[(this.options.algorithm ?? 'MD5').toUpperCase()]!;
    return createHash(alg).update(text, 'utf8').digest('hex');
  }

  /** Checks an Authorization header for `method` and request-target `uri`. */
  check(method: string, uri: string, authorization: string | undefined): Verdict {
    if (!authorization?.startsWith('Digest ')) return 'missing';
    const f = parseAuthorization(authorization);
    this.seen.push(f);
    const { user, password, realm, qop, opaque } = this.options;
    const state = f['nonce'] === undefined ? undefined : this.nonces.get(f['nonce']);
    if (f['username'] !== user || f['realm'] !== realm || f['uri'] !== uri || state === undefined)
      return 'bad';
    if ((opaque ?? undefined) !== f['opaque']) return 'bad';
    let ha1 = this.#hash(`${user}:${realm}:${password}`);
    if (this.options.algorithm?.toUpperCase() === 'MD5-SESS')
      ha1 = this.#hash(`${ha1}:${f['nonce']}:${f['cnonce']}`);
    const ha2 = this.#hash(`${method}:${uri}`);
    let expected: string;
    if (qop) {
      const nc = Number.parseInt(f['nc'] ?? '', 16);
      if (!(nc > state.nc) || f['qop'] !== 'auth' || !f['cnonce']) return 'bad';
      state.nc = nc;
      expected = this.#hash(`${ha1}:${f['nonce']}:${f['nc']}:${f['cnonce']}:auth:${ha2}`);
    } else {
      expected = this.#hash(`${ha1}:${f['nonce']}:${ha2}`);
    }
    if (f['response'] !== expected) return 'bad';
    state.uses++;
    return state.uses > this.options.nonceUses ? 'stale' : 'ok';
  }
}

export interface DigestServer extends TestServer {
  checker: DigestChecker;
}

export interface DigestServerExtras {
  /** Headers sent with every 401 (e.g. Set-Cookie). */
  headers401?: Record<string, string | string[]>;
  /** Answers an authenticated request; default 200 `ok <path>`. */
  onOk?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** A server that answers 401 with a Digest challenge until a request authenticates. */
export async function startDigestServer(
  options: DigestOptions,
  extras: DigestServerExtras = {},
): Promise<DigestServer> {
  const checker = new DigestChecker(options);
  const server = await startServer((req, res) => {
    const verdict = checker.check(req.method ?? 'GET', req.url ?? '/', req.headers.authorization);
    if (verdict === 'ok') {
      if (extras.onOk) return extras.onOk(req, res);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`ok ${req.url}`);
      return;
    }
    res.writeHead(401, {
      ...extras.headers401,
      'WWW-Authenticate': checker.challenge(verdict === 'stale'),
    });
    res.end('unauthorized');
  });
  return Object.assign(server, { checker });
}
