/**
 * The environment requests-ts reads on every request (proxies, CA bundle, netrc), read whole once
 * and again only when one of the variables it uses changes: enumerating `process.env` costs far
 * more than the request it would configure. A `<scheme>_proxy` variable for a scheme other than
 * http, https and all is seen when any watched variable changes, or when `refreshEnvironment()`
 * is called. The proxy and CA bundle variables are compared on every call, as requests reads
 * `os.environ` per call (a variable set just before a call is used by it); the others (no_proxy,
 * REQUEST_METHOD, NETRC, HOME) once per turn of the event loop, since each `process.env` read
 * costs a native call (a turn also ends where a Session call whose redirect or hook read them
 * settles, see `callSettled`). A Session call compares only those its first request uses
 * (`environmentForCall`), and the rest when a redirect or a hook needs them (Session.send).
 * netrc files are looked for at most once a second (utils/netrc.ts).
 */
import { forgetNetrcFiles, netrcLocations } from './netrc.js';
import { proxiesFromEnvironment } from './proxies.js';

const WATCHED = [
  // Compared on every call (the first PER_CALL): what selects a proxy or a CA bundle.
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'all_proxy',
  'ALL_PROXY',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  // Compared once per turn of the event loop.
  'no_proxy',
  'NO_PROXY',
  'REQUEST_METHOD',
  'NETRC',
  'HOME',
] as const;
const PER_CALL = 8;
/** The per-call variables (indices into WATCHED) a call to an http URL selects its proxy by. */
const HTTP_PROXY_VARS = [0, 1, 4, 5] as const;
/** ... and to an https URL; with the CA variables when its `verify` may be taken from them. */
const HTTPS_PROXY_VARS = [2, 3, 4, 5] as const;
const HTTPS_PROXY_AND_CA_VARS = [2, 3, 4, 5, 6, 7] as const;

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

/** Whether WATCHED[i] differs from what was last seen of it (which it then becomes). */
function changedAt(env: NodeJS.ProcessEnv, i: number): boolean {
  const value = env[WATCHED[i]!];
  if (value === seen[i]) return false;
  seen[i] = value;
  return true;
}

/** The current snapshot, re-read when a watched variable changed. */
export function environment(): EnvironmentSnapshot {
  // The proxy and CA variables on every call; the rest once per turn of the event loop.
  const count = checkedThisTurn && snapshot !== null ? PER_CALL : WATCHED.length;
  if (!checkedThisTurn) {
    checkedThisTurn = true;
    setImmediate(endTurn);
  }
  const env = process.env;
  let changed = snapshot === null;
  for (let i = 0; i < count; i++) {
    if (changedAt(env, i)) changed = true;
  }
  if (changed) snapshot = read();
  return snapshot!;
}

/**
 * The snapshot, exact for the variables a call to an http(s) URL uses on its way out: the proxy
 * variables of its scheme and `all`, and the CA variables when `ca` (the once-per-turn ones as
 * in {@link environment}). The other per-call variables are not compared (each read is a native
 * call), so `proxies` and `caBundle` may be stale for them: a call that needs them all (a
 * redirect, a hook) reads them with {@link environment} then.
 */
export function environmentForCall(https: boolean, ca: boolean): EnvironmentSnapshot {
  if (snapshot === null) return environment();
  const env = process.env;
  let changed = false;
  if (!checkedThisTurn) {
    checkedThisTurn = true;
    setImmediate(endTurn);
    for (let i = PER_CALL; i < WATCHED.length; i++) {
      if (changedAt(env, i)) changed = true;
    }
  }
  const indices = https ? (ca ? HTTPS_PROXY_AND_CA_VARS : HTTPS_PROXY_VARS) : HTTP_PROXY_VARS;
  for (let k = 0; k < indices.length; k++) {
    if (changedAt(env, indices[k]!)) changed = true;
  }
  if (changed) snapshot = read();
  return snapshot;
}

/**
 * A Session call whose redirect or hook read the environment settled: the next read compares the
 * once-per-turn variables again. The code going on from the call's await runs in the turn of that
 * read, and a variable it sets before its next call is to be used by that call.
 */
export function callSettled(): void {
  checkedThisTurn = false;
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
  // What was compared is what was read: a variable not compared since (environmentForCall)
  // is compared against the value this snapshot holds.
  for (let i = 0; i < WATCHED.length; i++) seen[i] = env[WATCHED[i]!];
  const proxies = proxiesFromEnvironment(env);
  return Object.freeze({
    env: Object.freeze(env),
    proxies: Object.freeze(proxies),
    hasProxies: Object.keys(proxies).some((k) => k !== 'no'),
    netrcLocations: Object.freeze(netrcLocations(env)),
    caBundle: env['REQUESTS_CA_BUNDLE'] || env['CURL_CA_BUNDLE'] || undefined,
  });
}
