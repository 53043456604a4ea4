import { AwsBudget } from '../../src/adapters/aws-budget.js';
import type { FakeClock } from './clock.js';

/** A request budget that never holds a test back: generous, and a wait only advances the fake clock. */
export function testBudget(clock: FakeClock): AwsBudget {
  return new AwsBudget({
    clock,
    ratePerSecond: 1000,
    burst: 1000,
    sleep: async (ms) => {
      clock.advance(ms);
    },
  });
}
