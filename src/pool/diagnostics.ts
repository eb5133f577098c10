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
