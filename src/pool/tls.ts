/**
 * TLS settings and TLS connectors (urllib3's `util/ssl_.py` and requests' `cert_verify`):
 * `verify` and `cert` as requests takes them become one {@link TlsSettings} value per distinct
 * input, with CA bundles and certificate files read once and cached by path and mtime, so that
 * building the settings per request costs a `stat` and a map lookup.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { buildConnector } from 'undici';
import type { ConnectorFactory, TlsSettings } from './types.js';

export type { TlsSettings } from './types.js';

/**
 * The client certificate (requests' `cert`): a PEM file holding certificate and key, a
 * `[certPath, keyPath]` pair, or `{ cert, key, passphrase }` where `cert` and `key` are paths or
 * PEM contents (a string starting with `-----BEGIN`, or bytes).
 */
export type CertInput =
  | string
  | readonly [certPath: string, keyPath: string]
  | {
      readonly cert: string | Uint8Array;
      readonly key?: string | Uint8Array | undefined;
      readonly passphrase?: string | undefined;
    };

/** requests' `verify`: check against the default trust store, don't check, or a CA file or directory. */
export type VerifyInput = boolean | string;

/**
 * A CA bundle, certificate or key file that is missing or unusable. requests raises `OSError`
 * with the same message, before any connection is opened.
 */
export class TLSFileError extends Error {
  override name = 'TLSFileError';
  /** `ENOENT` for a missing path, `EINVAL` for a file without the expected PEM blocks. */
  readonly code: 'ENOENT' | 'EINVAL';
  readonly path: string;
  constructor(message: string, path: string, code: 'ENOENT' | 'EINVAL' = 'ENOENT') {
    super(message);
    this.path = path;
    this.code = code;
  }
}

interface FileStamp {
  readonly stamp: string;
  readonly isDirectory: boolean;
}

/** `mtime:size` of `path`, or null when it does not exist. */
function stampOf(path: string): FileStamp | null {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return null;
  return { stamp: `${st.mtimeMs}:${st.size}`, isDirectory: st.isDirectory() };
}

const PEM_CERT = /-----BEGIN (TRUSTED )?CERTIFICATE-----[\s\S]*?-----END \1?CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/;

/** Every certificate of every file in `dir` (OpenSSL's hashed `capath` and plain `.pem` alike). */
function readCaDirectory(dir: string): string[] {
  const certs: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) continue;
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch {
      continue; // an unreadable file is skipped, as OpenSSL's capath lookup skips it
    }
    for (const m of text.matchAll(PEM_CERT)) certs.push(m[0]);
  }
  return certs;
}

/** The default trust store: Node's bundled roots, plus the system store where Node offers it. */
function defaultTrust(): Pick<TlsSettings, 'ca' | 'caId'> {
  const get = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (typeof get !== 'function') return { caId: 'default' }; // Node < 22.15: Node's own store
  try {
    // 'default' is Node's roots plus NODE_EXTRA_CA_CERTS; 'system' the OS store.
    return { ca: [...new Set([...get('default'), ...get('system')])], caId: 'default+system' };
  } catch {
    return { caId: 'default' }; // a system store that cannot be read: Node's own
  }
}

let verifyDefault: TlsSettings | undefined;
const NO_VERIFY: TlsSettings = Object.freeze({ rejectUnauthorized: false, caId: 'none' });
const caCache = new Map<string, { stamp: string; settings: TlsSettings }>();

/** The settings for `verify`, without a client certificate. */
function caSettings(verify: VerifyInput): TlsSettings {
  // requests checks nothing for a falsy verify, the empty path included.
  if (verify === false || verify === '') return NO_VERIFY;
  if (verify === true) {
    verifyDefault ??= Object.freeze({ rejectUnauthorized: true, ...defaultTrust() });
    return verifyDefault;
  }
  const file = stampOf(verify);
  if (file === null) {
    throw new TLSFileError(
      `Could not find a suitable TLS CA certificate bundle, invalid path: ${verify}`,
      verify,
    );
  }
  const cached = caCache.get(verify);
  if (cached?.stamp === file.stamp) return cached.settings;
  const ca = file.isDirectory ? readCaDirectory(verify) : readFileSync(verify, 'latin1');
  const kind = file.isDirectory ? 'dir' : 'file';
  const settings = Object.freeze({
    rejectUnauthorized: true,
    ca,
    caId: `${kind}:${verify}@${file.stamp}`,
  });
  caCache.set(verify, { stamp: file.stamp, settings });
  return settings;
}

interface ClientCert {
  readonly cert: string | Buffer;
  readonly key: string | Buffer | undefined;
  readonly passphrase: string | undefined;
  readonly certId: string;
}

const fileCache = new Map<string, { stamp: string; text: string }>();

/** The text of a certificate or key file, cached by path and mtime. */
function readPemFile(path: string, what: 'certificate' | 'key'): { text: string; stamp: string } {
  const file = stampOf(path);
  if (file === null || file.isDirectory) {
    throw new TLSFileError(`Could not find the TLS ${what} file, invalid path: ${path}`, path);
  }
  const cached = fileCache.get(path);
  if (cached?.stamp === file.stamp) return cached;
  const entry = { stamp: file.stamp, text: readFileSync(path, 'latin1') };
  fileCache.set(path, entry);
  return entry;
}

/** A combined PEM file: its certificates (the chain) and its private key. */
function fromCombinedFile(path: string): ClientCert {
  const { text, stamp } = readPemFile(path, 'certificate');
  const certs = text.match(PEM_CERT);
  const key = PEM_KEY.exec(text)?.[0];
  if (!certs || key === undefined) {
    throw new TLSFileError(
      `The TLS certificate file ${path} must hold both the certificate and its private key; or pass cert as [certPath, keyPath].`,
      path,
      'EINVAL',
    );
  }
  return { cert: certs.join('\n'), key, passphrase: undefined, certId: `file:${path}@${stamp}` };
}

const isPem = (value: string) => value.trimStart().startsWith('-----BEGIN');

/** A short digest of certificate or key contents given in memory, for the pool key. */
function digest(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/** One part of `{ cert, key }`: PEM contents as they are, a path read (and stamped) once. */
function material(value: string | Uint8Array, what: 'certificate' | 'key') {
  if (typeof value !== 'string') {
    // A wrong type is named here, before Buffer.from fails in words that say nothing of cert.
    if (!(value instanceof Uint8Array)) {
      throw new TypeError(
        `cert: the ${what} must be a path, PEM text or bytes, not ${typeof value}`,
      );
    }
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { value: bytes, id: `mem:${digest(bytes)}` };
  }
  if (isPem(value)) return { value, id: `mem:${digest(value)}` };
  const { text, stamp } = readPemFile(value, what);
  return { value: text, id: `${value}@${stamp}` };
}

function clientCert(cert: CertInput): ClientCert {
  if (typeof cert === 'string') return fromCombinedFile(cert);
  if (typeof cert !== 'object' || cert === null) {
    throw new TypeError(
      `cert must be a path, a [cert, key] pair or { cert, key }, not ${typeof cert}`,
    );
  }
  if (Array.isArray(cert)) {
    const [certPath, keyPath] = cert as readonly [string, string];
    const c = material(certPath, 'certificate');
    const k = material(keyPath, 'key');
    return { cert: c.value, key: k.value, passphrase: undefined, certId: `${c.id}|${k.id}` };
  }
  const given = cert as Exclude<CertInput, string | readonly unknown[]>;
  if (given.key === undefined && typeof given.cert === 'string' && !isPem(given.cert)) {
    const file = fromCombinedFile(given.cert);
    const certId = file.certId + passphraseId(given.passphrase);
    return { ...file, passphrase: given.passphrase, certId };
  }
  const c = material(given.cert, 'certificate');
  const k = given.key === undefined ? undefined : material(given.key, 'key');
  return {
    cert: c.value,
    key: k?.value,
    passphrase: given.passphrase,
    certId: `${c.id}|${k?.id ?? ''}${passphraseId(given.passphrase)}`,
  };
}

const PROCESS_SECRET = randomBytes(32);

/**
 * Tells passphrases apart in the pool key without showing them: a keyed hash whose key never
 * leaves this process, so the id cannot be checked against guesses elsewhere.
 */
function passphraseId(passphrase: string | undefined): string {
  if (passphrase === undefined) return '';
  return `|pass:${createHmac('sha256', PROCESS_SECRET).update(passphrase).digest('base64url').slice(0, 12)}`;
}

const combined = new Map<string, TlsSettings>();

/**
 * The TLS settings for requests' `verify` and `cert`: `true` trusts the default store (Node's
 * roots, plus the system's where `tls.getCACertificates('system')` exists), `false` checks
 * nothing, a path names a CA bundle file or a directory whose every PEM certificate is trusted.
 * Equal inputs give the same frozen object, so pools keyed by it are shared and a `verify: true`
 * request never reuses a `verify: false` connection.
 * @throws TLSFileError `Could not find a suitable TLS CA certificate bundle, invalid path: ...`,
 *   `Could not find the TLS certificate file, invalid path: ...` (or `key file`), as requests.
 * @example tlsSettingsFrom('/etc/ssl/corp-ca.pem', ['client.pem', 'client.key'])
 */
export function tlsSettingsFrom(verify: VerifyInput, cert?: CertInput | null): TlsSettings {
  const base = caSettings(verify);
  if (cert === undefined || cert === null) return base;
  const client = clientCert(cert);
  const id = `${base.caId}|${client.certId}`;
  let settings = combined.get(id);
  if (settings === undefined) {
    // Secrets stay out of the id; the passphrase is part of the value, not of the key.
    settings = Object.freeze({
      ...base,
      cert: client.cert,
      ...(client.key === undefined ? {} : { key: client.key }),
      ...(client.passphrase === undefined ? {} : { passphrase: client.passphrase }),
      certId: client.certId,
    });
    if (combined.size >= 256) combined.clear(); // bounded: ids embed mtimes, old ones go stale
    combined.set(id, settings);
  }
  return settings;
}

/**
 * The CA bundle the environment names for `verify: true`: REQUESTS_CA_BUNDLE, else
 * CURL_CA_BUNDLE (requests' `merge_environment_settings`; an empty value counts as unset).
 * @example caBundleFromEnv({ REQUESTS_CA_BUNDLE: '/etc/ssl/ca.pem' }) // '/etc/ssl/ca.pem'
 */
export function caBundleFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return env.REQUESTS_CA_BUNDLE || env.CURL_CA_BUNDLE || undefined;
}

const contexts = new WeakMap<TlsSettings, tls.SecureContext>();

/**
 * The SecureContext of `settings`, built once: a CA bundle is parsed once, not per connection.
 * @throws Node's error (`ERR_OSSL_*`) for a key that does not load (wrong passphrase, mismatch).
 */
export function secureContextOf(settings: TlsSettings): tls.SecureContext {
  let context = contexts.get(settings);
  if (context === undefined) {
    const options: tls.SecureContextOptions = {};
    if (settings.ca !== undefined) options.ca = settings.ca;
    if (settings.cert !== undefined) options.cert = settings.cert;
    if (settings.key !== undefined) options.key = settings.key;
    if (settings.passphrase !== undefined) options.passphrase = settings.passphrase;
    context = tls.createSecureContext(options);
    contexts.set(settings, context);
  }
  return context;
}

const connectors = new WeakMap<TlsSettings, Map<string, buildConnector.connector>>();

/**
 * The connector of direct connections with `settings` (plain TCP for http:, TLS for https:, or TLS
 * over `httpSocket` when a tunnel gives one), one per settings, connect timeout and `http2`, so
 * undici's TLS session cache is shared and a CA bundle is parsed once. A key that does not load
 * fails the connect with Node's error (`ERR_OSSL_*`).
 * @param http2 offer h2 through ALPN. @default false
 */
export function tlsConnector(
  settings: TlsSettings,
  connectTimeout: number | null,
  http2 = false,
): buildConnector.connector {
  const timeout = connectTimeout ?? 0; // undici: 0 = no limit (null would mean its 10 s default)
  let cache = connectors.get(settings);
  if (cache === undefined) {
    cache = new Map();
    connectors.set(settings, cache);
  }
  const id = `${timeout}:${http2 ? 'h2' : 'h1'}`;
  let connector = cache.get(id);
  if (connector === undefined) {
    if (cache.size >= 16) cache.clear(); // callers with ever-changing timeouts stay bounded
    const build = buildWith(settings, timeout, http2);
    connector = (options, callback) => {
      let connect: buildConnector.connector;
      try {
        connect = build();
      } catch (err) {
        process.nextTick(callback, err as Error, null);
        return;
      }
      // undici's connector returns the socket at once: passed on, for its phases' timings.
      return connect(options, callback);
    };
    cache.set(id, connector);
  }
  return connector;
}

/** Builds undici's connector on first use, so a bad key fails a connect rather than the factory. */
function buildWith(
  settings: TlsSettings,
  timeout: number,
  allowH2: boolean,
): () => buildConnector.connector {
  let built: buildConnector.connector | undefined;
  return () => {
    built ??= buildConnector({
      secureContext: secureContextOf(settings),
      rejectUnauthorized: settings.rejectUnauthorized,
      allowH2,
      timeout,
    });
    return built;
  };
}

/**
 * The {@link ConnectorFactory} of a pool whose connections go straight to the origin.
 * @example new ConnectionPool({ scheme: 'https', host, port, connectorFactory: tlsConnectorFactory(tlsSettingsFrom(true)) })
 */
export function tlsConnectorFactory(settings: TlsSettings, http2 = false): ConnectorFactory {
  return ({ connectTimeout }) => tlsConnector(settings, connectTimeout, http2);
}
