/** Retry delays for transient Slack failures: exponential, capped, with jitter so retries after an outage spread out. */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** Multiplier per further failure. */
  factor: number;
  /** Ceiling: once reached, every further retry waits this long. */
  maxMs: number;
  /** Fraction (0–1) the delay may be shortened by at random; never lengthened, so the schedule is an upper bound. */
  jitter: number;
}

/** The old notifier's schedule (5 s doubling to 80 s), but it keeps going every 80 s instead of giving up after 5. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, factor: 2, maxMs: 80_000, jitter: 0.2 };

/** Nominal delay (no jitter) after `failures` consecutive failures (1 = first failure). */
export function nominalDelay(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const n = Math.max(1, Math.floor(failures));
  // Cap the exponent too, so a huge failure count cannot overflow to Infinity.
  const exp = Math.min(n - 1, 64);
  return Math.min(policy.maxMs, policy.baseMs * policy.factor ** exp);
}

/** Delay to wait after `failures` consecutive failures; `random` returns [0, 1) and is injected by tests. */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const nominal = nominalDelay(failures, policy);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(nominal * (1 - jitter * random()));
}
