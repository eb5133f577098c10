/**
 * What the pool reports, through `node:diagnostics_channel` (free when nobody listens): the
 * events urllib3 logs. Subscribe with `diagnostics_channel.subscribe(name, fn)`.
 */
import diagnostics from 'node:diagnostics_channel';

/**
 * A new connection was opened: `{ pool: string, connection: number }`.
 * @example diagnostics_channel.subscribe('requests-ts:pool:connection-created', (m) => console.log(m))
 */
export const connectionCreated = diagnostics.channel('requests-ts:pool:connection-created');

/**
 * A connection was closed after use because the pool already keeps `maxsize` idle ones (urllib3's
 * "Connection pool is full, discarding connection"): `{ pool: string, connection: number, maxsize: number }`.
 */
export const connectionDiscarded = diagnostics.channel('requests-ts:pool:connection-discarded');

/**
 * A call is retried (urllib3's "Retrying (...) after connection broken by ..."):
 * `{ pool: string, method: string, url: string, retries: string, error: unknown, status: number | null }`.
 */
export const retrying = diagnostics.channel('requests-ts:pool:retry');

/** Published on `requests-ts:request:attempt` before each try of a call on the wire. */
export interface RequestAttemptMessage {
  method: string;
  /** The URL of the try, credentials redacted. */
  url: string;
  /** 1 for the first try, 2 for the first retry, and so on. */
  attempt: number;
}

/** Published on `requests-ts:request:retry` when a try failed and another one will follow. */
export interface RequestRetryMessage {
  method: string;
  /** The URL of the call, credentials redacted. */
  url: string;
  /** The try that failed, from 1. */
  attempt: number;
  /** The error of the failed try, or null when its status asked for a retry. */
  error: unknown;
  /** The status of the failed try, null when it failed with an error. */
  status: number | null;
}

/**
 * Each try of a call: {@link RequestAttemptMessage}.
 * @example diagnostics_channel.subscribe('requests-ts:request:attempt', (m) => console.log(m))
 */
export const requestAttempt = diagnostics.channel('requests-ts:request:attempt');

/**
 * A try failed and the Retry allows another: {@link RequestRetryMessage}.
 * @example diagnostics_channel.subscribe('requests-ts:request:retry', (m) => console.log(m))
 */
export const requestRetry = diagnostics.channel('requests-ts:request:retry');
