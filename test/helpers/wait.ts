// Polling for a state another socket or timer brings about, for tests.
// A loaded 2-core CI machine (c8 coverage, test concurrency 2) can take hundreds of ms to run a
// close or a connect that takes 1 ms when idle; a fixed sleep or a 250 ms poll races that.
// The bound is generous because it is only reached when the test fails anyway.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `done` every `every` ms until it returns true or `within` ms have passed. Returns
 * whether it became true; the caller then asserts the state itself, so the message says what.
 */
export async function waitFor(
  done: () => boolean,
  { within = 5_000, every = 5 }: { within?: number; every?: number } = {},
): Promise<boolean> {
  const until = Date.now() + within;
  while (!done()) {
    if (Date.now() >= until) return false;
    await sleep(every);
  }
  return true;
}
