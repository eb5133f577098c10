/**
 * The environment requests-ts reads on every request (proxies, CA bundle, netrc), read whole once
 * and again only when one of the variables it uses changes: enumerating `process.env` costs far
 * more than the request it would configure. A `<scheme>_proxy` variable for a scheme other than
 * http, https and all is seen when any watched variable changes, or when `refreshEnvironment()`
 * is called. They are checked once per turn of the event loop: a change is seen by requests that
 * start in a later turn (after any awaited I/O), or at once after `refreshEnvironment()`. netrc files are looked for at most once a second (utils/netrc.ts).
 */
import { forgetNetrcFiles, netrcLocations } from './netrc.js';
import { proxiesFromEnvironment } from './proxies.js';

const WATCHED = [
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'all_proxy',
  'ALL_PROXY',
  'no_proxy',
  'NO_PROXY',
  'REQUEST_METHOD',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'NETRC',
  'HOME',
] as const;

export interface EnvironmentSnapshot {
  /** A copy of process.env as it was read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every `<scheme>_proxy` variable, as Python's `getproxies_environment`. */
  readonly proxies: Readonly<Record<string, string>>;
  /** Whether any proxy other than NO_PROXY is set: if not, no URL needs a proxy lookup. */
  readonly hasProxies: boolean;
  /** The netrc files to look for, in order. */
  readonly netrcLocations: readonly string[];
  /** REQUESTS_CA_BUNDLE, else CURL_CA_BUNDLE (an empty value counts as unset). */
  readonly caBundle: string | undefined;
}

const seen: Array<string | undefined> = [];
let snapshot: EnvironmentSnapshot | null = null;
let checkedThisTurn = false;

function endTurn(): void {
  checkedThisTurn = false;
}

/** The current snapshot, re-read when a watched variable changed. */
export function environment(): EnvironmentSnapshot {
  // One check per turn of the event loop: requests start in turns of their own (each awaited
  // response arrives as I/O), and reading 13 variables per request costs more than it is worth.
  if (checkedThisTurn) return snapshot!;
  checkedThisTurn = true;
  setImmediate(endTurn);
  const env = process.env;
  let changed = snapshot === null;
  for (let i = 0; i < WATCHED.length; i++) {
    const value = env[WATCHED[i]!];
    if (value !== seen[i]) {
      seen[i] = value;
      changed = true;
    }
  }
  if (changed) snapshot = read();
  return snapshot!;
}

/**
 * Forgets the snapshot and what is known of netrc files, so the next request reads the whole
 * environment and the netrc file again.
 */
export function refreshEnvironment(): void {
  snapshot = null;
  checkedThisTurn = false;
  forgetNetrcFiles();
}

function read(): EnvironmentSnapshot {
  const env = { ...process.env };
  const proxies = proxiesFromEnvironment(env);
  return Object.freeze({
    env: Object.freeze(env),
    proxies: Object.freeze(proxies),
    hasProxies: Object.keys(proxies).some((k) => k !== 'no'),
    netrcLocations: Object.freeze(netrcLocations(env)),
    caBundle: env['REQUESTS_CA_BUNDLE'] || env['CURL_CA_BUNDLE'] || undefined,
  });
}
