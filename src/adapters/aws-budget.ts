import type { Clock } from '../app/clock.js';
import { awsBudgetWaitsTotal } from '../metrics/registry.js';

export interface AwsBudgetOptions {
  clock: Clock;
  /** Sustained AWS requests per second across every deployment. */
  ratePerSecond?: number;
  /** Requests allowed at once after a quiet period. */
  burst?: number;
  /** Injectable so tests never wait in real time (e.g. a sleep that advances a FakeClock). */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_AWS_RATE = 8;
export const DEFAULT_AWS_BURST = 16;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One token bucket shared by ALL AWS calls, so 200 concurrent deployments cannot exceed the account's API rate.
 * Tokens are reserved synchronously (the balance may go negative): each caller waits exactly for its own slot,
 * callers are served in arrival order, and no two callers ever take the same token.
 */
export class AwsBudget {
  readonly rate: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Calls run so far, for benchmarks and logs. */
  calls = 0;
  /** Total ms callers spent waiting for a token. */
  waitedMs = 0;

  constructor(o: AwsBudgetOptions) {
    this.rate = o.ratePerSecond ?? DEFAULT_AWS_RATE;
    this.burst = o.burst ?? DEFAULT_AWS_BURST;
    if (!(this.rate > 0) || !(this.burst >= 1)) throw new Error('aws budget needs rate > 0 and burst >= 1');
    this.clock = o.clock;
    this.sleep = o.sleep ?? realSleep;
    this.tokens = this.burst;
    this.last = o.clock.now();
  }

  /** Reserves one token and returns how long the caller must wait for it (0 = now). */
  reserve(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }

  /** Tokens available now without reserving one (negative: callers are queued for their slot). For metrics. */
  available(): number {
    const elapsed = (this.clock.now() - this.last) / 1000;
    return Math.min(this.burst, this.tokens + elapsed * this.rate);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const wait = this.reserve();
    if (wait > 0) {
      awsBudgetWaitsTotal.inc();
      this.waitedMs += wait;
      await this.sleep(wait);
    }
    this.calls += 1;
    return fn();
  }
}
