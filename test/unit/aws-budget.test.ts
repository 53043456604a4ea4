import { describe, expect, it } from 'vitest';
import { AwsBudget } from '../../src/adapters/aws-budget.js';
import { summarizeChanges } from '../../src/adapters/cloudformation.js';
import { nextPollDelay, transientBackoff } from '../../src/runner/polling.js';
import { FakeClock } from '../helpers/clock.js';

describe('AwsBudget', () => {
  it('allows a burst, then holds every caller to the rate, in arrival order', async () => {
    const clock = new FakeClock();
    const waits: number[] = [];
    const budget = new AwsBudget({ clock, ratePerSecond: 4, burst: 2, sleep: async (ms) => void waits.push(ms) });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => budget.run(async () => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(waits).toEqual([250, 500, 750]);
    expect(budget.calls).toBe(5);
  });

  it('refills with time and never beyond the burst', () => {
    const clock = new FakeClock();
    const budget = new AwsBudget({ clock, ratePerSecond: 8, burst: 16 });
    for (let i = 0; i < 16; i++) expect(budget.reserve()).toBe(0);
    expect(budget.reserve()).toBe(125);
    clock.advance(60_000);
    for (let i = 0; i < 16; i++) expect(budget.reserve()).toBe(0);
    expect(budget.reserve()).toBeGreaterThan(0);
  });

  it('keeps 200 deployments polling at once within the configured rate', async () => {
    const clock = new FakeClock();
    const budget = new AwsBudget({ clock, sleep: async (ms) => void clock.advance(ms) });
    const start = clock.now();
    const stamps: number[] = [];
    await Promise.all(Array.from({ length: 200 }, () => budget.run(async () => stamps.push(clock.now()))));
    const seconds = (Math.max(...stamps) - start) / 1000;
    expect((200 - budget.burst) / seconds).toBeLessThanOrEqual(budget.rate + 0.01);
  });
});

describe('polling schedule', () => {
  it('is fast while resources change, slows when quiet, never beyond 3 × pollSeconds', () => {
    expect(nextPollDelay({ pollMs: 5000, progressed: true, quietMs: 0 })).toBe(2500);
    expect(nextPollDelay({ pollMs: 5000, progressed: false, quietMs: 0 })).toBe(5000);
    expect(nextPollDelay({ pollMs: 5000, progressed: false, quietMs: 60_000 })).toBe(10_000);
    expect(nextPollDelay({ pollMs: 5000, progressed: false, quietMs: 3_600_000 })).toBe(15_000);
    expect(nextPollDelay({ pollMs: 1000, progressed: true, quietMs: 0 })).toBe(1000);
    expect([1, 2, 3, 9].map((n) => transientBackoff(5000, n))).toEqual([5000, 10_000, 15_000, 15_000]);
  });
});

describe('change set summary', () => {
  it('counts actions and flags replacements', () => {
    const s = summarizeChanges([
      {
        ResourceChange: {
          Action: 'Modify',
          LogicalResourceId: 'Db',
          ResourceType: 'AWS::RDS::DBInstance',
          Replacement: 'True',
        },
      },
      {
        ResourceChange: {
          Action: 'Modify',
          LogicalResourceId: 'Fn',
          ResourceType: 'AWS::Lambda::Function',
          Replacement: 'Conditional',
        },
      },
      {
        ResourceChange: {
          Action: 'Modify',
          LogicalResourceId: 'Svc',
          ResourceType: 'AWS::ECS::Service',
          Replacement: 'False',
        },
      },
      { ResourceChange: { Action: 'Remove', LogicalResourceId: 'Old', ResourceType: 'AWS::SNS::Topic' } },
    ]);
    expect(s).toMatchObject({ total: 4, add: 0, modify: 3, remove: 1 });
    expect(s.replacements).toEqual([
      { logicalId: 'Db', type: 'AWS::RDS::DBInstance', conditional: false },
      { logicalId: 'Fn', type: 'AWS::Lambda::Function', conditional: true },
    ]);
  });
});
