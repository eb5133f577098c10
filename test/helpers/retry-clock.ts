/**
 * A fake RetryClock for tests: time moves only when something sleeps, and every sleep is
 * recorded, so backoff and Retry-After waits are observed without waiting.
 */
import { REAL_CLOCK, type RetryClock } from '../../src/retry.js';

export interface FakeClock extends RetryClock {
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[];
  /** The signals the sleeps were given. */
  readonly signals: Array<AbortSignal | undefined>;
  /** Moves the time forward without a sleep. */
  advance(ms: number): void;
}

/** A clock that starts at `start` (ms since the epoch) and sleeps by moving its time forward. */
export function fakeClock(start = Date.UTC(2024, 0, 1, 12, 0, 0)): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  const signals: Array<AbortSignal | undefined> = [];
  return {
    sleeps,
    signals,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      signals.push(signal);
      now += ms;
    },
  };
}

/** A clock on real time that records the waits asked of it and waits 1 ms instead. */
export function recordingClock(): RetryClock & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    now: REAL_CLOCK.now,
    sleep: (ms, signal) => {
      waits.push(ms);
      return REAL_CLOCK.sleep(1, signal);
    },
  };
}
