/**
 * Timeouts in milliseconds (requests' `timeout=` and urllib3's `Timeout`, the seed's
 * TimeoutSauce). `null` means no limit; a phase left `undefined` is not limited either, but a
 * Session or adapter default may fill it in through {@link TimeoutConfig.merge}.
 */

import { checkOptionKeys, optionKeys } from './_internal/options.js';

/** Every form `timeout` accepts. */
export type TimeoutInput =
  | number
  | readonly [connect: number | null, read: number | null]
  | TimeoutOptions
  | TimeoutConfig
  | null
  | undefined;

/**
 * The object form of `timeout`: each phase in ms, `null` or absent for no limit.
 *
 * @example
 * await requests.get(url, { timeout: { connect: 3_000, read: 10_000, total: 30_000 } });
 */
export interface TimeoutOptions {
  /** Time to open the connection (TCP, TLS, proxy tunnel), ms. @default no limit @example { connect: 3_000 } */
  connect?: number | null | undefined;
  /** Every wait for bytes from the server, headers and body, ms. @default no limit @example { read: 10_000 } */
  read?: number | null | undefined;
  /** Ours: the whole call, from send to the last byte of a non-stream body, ms. @default no limit @example { total: 30_000 } */
  total?: number | null | undefined;
  /** Ours: waiting for a free connection of a blocking pool, ms. @default no limit @example { pool: 1_000 } */
  pool?: number | null | undefined;
}

const FORMS =
  'a number of milliseconds, a [connect, read] pair, an object { connect, read, total, pool }, a TimeoutConfig, or null';

/** Node's timers fire at once past this many ms (a 32-bit signed delay). */
export const MAX_TIMER_MS = 2_147_483_647;

const KEYS = optionKeys<TimeoutOptions>({ connect: true, read: true, total: true, pool: true });

/**
 * One phase, checked before any traffic: a positive number of ms; `Infinity` or anything past
 * {@link MAX_TIMER_MS} (24.8 days) is no limit (`null`), as no timer can hold it.
 */
function validate(phase: string, value: unknown): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value === 'number' && value > 0) return value > MAX_TIMER_MS ? null : value;
  let problem: string;
  if (typeof value === 'boolean') problem = 'cannot be a boolean';
  else if (typeof value !== 'number' || Number.isNaN(value)) {
    problem = `was ${typeof value === 'string' ? JSON.stringify(value) : String(value)}, but it must be a number of milliseconds or null`;
  } else {
    problem = `was ${value}, but the timeout cannot be set to a value less than or equal to 0`;
  }
  throw new TypeError(`Timeout value ${phase} ${problem}. timeout takes ${FORMS}.`);
}

let warnedSeconds = false;

/**
 * `timeout: 5` from a Python habit means 5 s, here 5 ms: said once per process. Explicit forms
 * (`{ connect: 5 }`, a TimeoutConfig) are taken as meant and stay silent.
 */
function warnIfSeconds(value: number | null | undefined): void {
  if (warnedSeconds || value == null || value >= 100) return;
  warnedSeconds = true;
  process.emitWarning(
    `timeout ${value} is ${value} milliseconds, not seconds: every requests-ts duration is in ms (write ${value * 1000} for ${value} s). Pass { connect: ${value}, read: ${value} } to mean ${value} ms without this warning.`,
    { type: 'RequestsTsWarning', code: 'REQUESTS_TS_TIMEOUT_UNIT' },
  );
}

/** An immutable, validated set of timeouts. */
export class TimeoutConfig {
  /** Opening the connection, ms; `null` = no limit, `undefined` = not set (a default may fill it). */
  readonly connect: number | null | undefined;
  /** Each wait for bytes from the server, ms. */
  readonly read: number | null | undefined;
  /** Ours: the whole call, ms. */
  readonly total: number | null | undefined;
  /** Ours: waiting for a free connection of a blocking pool, ms. */
  readonly pool: number | null | undefined;

  /** @example new TimeoutConfig({ connect: 3_000, read: 10_000 }) */
  constructor(options: TimeoutOptions = {}) {
    checkOptionKeys(options, KEYS, 'timeout option');
    this.connect = validate('connect', options.connect);
    this.read = validate('read', options.read);
    this.total = validate('total', options.total);
    this.pool = validate('pool', options.pool);
    Object.freeze(this);
  }

  /** No limit on any phase. */
  static readonly NONE: TimeoutConfig = new TimeoutConfig();

  /**
   * Normalises every accepted form once: a number sets connect and read, as requests does; a pair
   * is `[connect, read]`; `null` or `undefined` is no limit.
   * @throws TypeError naming the accepted forms for anything else.
   */
  static from(value: TimeoutInput): TimeoutConfig {
    if (value instanceof TimeoutConfig) return value;
    if (value === null || value === undefined) return TimeoutConfig.NONE;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
      const t = validate('connect', value);
      warnIfSeconds(t);
      return new TimeoutConfig({ connect: t, read: t });
    }
    if (Array.isArray(value)) {
      if (value.length !== 2) {
        throw new TypeError(
          `Invalid timeout [${value.join(', ')}]. Pass a [connect, read] timeout pair, or a single number to set both timeouts to the same value.`,
        );
      }
      const t = new TimeoutConfig({ connect: value[0], read: value[1] });
      warnIfSeconds(t.connect);
      warnIfSeconds(t.read);
      return t;
    }
    if (typeof value === 'object') return new TimeoutConfig(value as TimeoutOptions);
    throw new TypeError(`Invalid timeout ${String(value)}: timeout takes ${FORMS}.`);
  }

  /** Phases of `this` that are `undefined` are taken from `defaults`. */
  merge(defaults: TimeoutConfig): TimeoutConfig {
    if (defaults === TimeoutConfig.NONE || this === defaults) return this;
    if (this === TimeoutConfig.NONE) return defaults;
    return new TimeoutConfig({
      connect: this.connect === undefined ? defaults.connect : this.connect,
      read: this.read === undefined ? defaults.read : this.read,
      total: this.total === undefined ? defaults.total : this.total,
      pool: this.pool === undefined ? defaults.pool : this.pool,
    });
  }

  /** `TimeoutConfig(connect=3000, read=10000, ...)`, for logs. */
  toString(): string {
    return `TimeoutConfig(connect=${this.connect}, read=${this.read}, total=${this.total}, pool=${this.pool})`;
  }
}
