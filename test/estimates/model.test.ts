import { describe, expect, it } from 'vitest';
import { combine, DEFAULTS, type Estimate, estimatePhase, resourceP90, widen } from '../../src/domain/estimates.js';
import { queueEta, remainingTime } from '../../src/domain/eta.js';
import { summarize } from '../../src/domain/stats.js';

const MIN = 60_000;
const est = (
  expectedMs: number,
  lowMs: number,
  highMs: number,
  basis: Estimate['basis'] = 'target-history',
): Estimate => ({
  expectedMs,
  lowMs,
  highMs,
  basis,
  samples: basis === 'default' ? 0 : 10,
});

describe('estimation model (pure)', () => {
  it('target history: median, range at least p10–p90, wider with fewer samples', () => {
    const many = summarize(Array.from({ length: 20 }, (_, i) => (5 + i * 0.25) * MIN))!;
    const e = estimatePhase({ phase: 'build', target: many });
    expect(e).toMatchObject({ basis: 'target-history', samples: 20, expectedMs: many.median });
    expect(e.lowMs).toBeLessThanOrEqual(many.p10);
    expect(e.highMs).toBeGreaterThanOrEqual(many.p90);
    // Same observed spread, fewer samples: a wider range for the next run.
    const spread = { median: 300_000, p10: 250_000, p90: 350_000, min: 240_000, max: 360_000 };
    const w20 = widen({ ...spread, n: 20 });
    const w3 = widen({ ...spread, n: 3 });
    expect(w3.highMs - w3.lowMs).toBeGreaterThan(w20.highMs - w20.lowMs);
    expect(w20.lowMs).toBeLessThanOrEqual(250_000);
    expect(w20.highMs).toBeGreaterThanOrEqual(350_000);
  });

  it('identical samples still give a range (floor), never a zero-width one', () => {
    const w = widen(summarize([60_000, 60_000, 60_000])!);
    expect(w.lowMs).toBeLessThan(60_000);
    expect(w.highMs).toBeGreaterThan(60_000);
  });

  it('fewer than 3 target samples: stack update falls back to resource types, other phases to defaults', () => {
    const typeStats = new Map([
      ['AWS::RDS::DBInstance', summarize([10 * MIN, 12 * MIN, 14 * MIN])!],
      ['AWS::ECS::TaskDefinition', summarize([4000, 5000, 6000])!],
    ]);
    const target = summarize([2 * MIN, 3 * MIN]);
    const stack = estimatePhase({
      phase: 'stack_update',
      target,
      typeStats,
      resources: [{ type: 'AWS::RDS::DBInstance', action: 'create' }, { type: 'AWS::ECS::TaskDefinition' }],
    });
    expect(stack.basis).toBe('resource-types');
    expect(stack.expectedMs).toBe(DEFAULTS.stackOverhead + 12 * MIN + 5000);
    expect(stack.samples).toBe(3);
    expect(estimatePhase({ phase: 'build', target, typeStats })).toMatchObject({
      basis: 'default',
      expectedMs: 5 * MIN,
      samples: 0,
    });
  });

  it('defaults: build 5 min, change set 30 s, stack update 3 min + per resource (priors for known slow types)', () => {
    expect(estimatePhase({ phase: 'build' }).expectedMs).toBe(5 * MIN);
    expect(estimatePhase({ phase: 'changeset' }).expectedMs).toBe(30_000);
    expect(estimatePhase({ phase: 'stack_update' }).expectedMs).toBe(3 * MIN);
    const two = estimatePhase({ phase: 'stack_update', resources: [{ type: 'Custom::A' }, { type: 'Custom::B' }] });
    expect(two.expectedMs).toBe(3 * MIN + 2 * 30_000);
    const rds = estimatePhase({ phase: 'stack_update', resources: [{ type: 'AWS::RDS::DBInstance' }] });
    expect(rds.expectedMs).toBe(3 * MIN + 15 * MIN);
    expect(rds.lowMs).toBeLessThan(rds.expectedMs);
    expect(rds.highMs).toBeGreaterThan(rds.expectedMs);
  });

  it('combine sums and reports the weakest basis', () => {
    const c = combine([est(60_000, 50_000, 70_000), est(30_000, 12_000, 90_000, 'default')]);
    expect(c).toEqual({ expectedMs: 90_000, lowMs: 62_000, highMs: 160_000, basis: 'default', samples: 0 });
  });

  it('remaining = rest of the current phase + phases to come, never negative', () => {
    const estimates = {
      build: est(5 * MIN, 4 * MIN, 7 * MIN),
      changeset: est(MIN, 0.5 * MIN, 2 * MIN),
      stack_update: est(10 * MIN, 8 * MIN, 14 * MIN),
    };
    const phases = ['build', 'changeset', 'stack_update'] as const;
    const r = remainingTime({ phases, current: 'build', currentElapsedMs: 2 * MIN, estimates });
    expect(r).toMatchObject({ expectedMs: 14 * MIN, lowMs: 10.5 * MIN, highMs: 21 * MIN, longerThanUsual: false });
    // Past expected but within the range: no negative numbers.
    const late = remainingTime({ phases, current: 'build', currentElapsedMs: 6 * MIN, estimates });
    expect(late.expectedMs).toBe(11 * MIN);
    expect(late.lowMs).toBe(8.5 * MIN);
    expect(late.longerThanUsual).toBe(false);
    // Past the high estimate: "longer than usual", only the phases to come remain.
    const over = remainingTime({ phases, current: 'build', currentElapsedMs: 9 * MIN, estimates });
    expect(over).toMatchObject({ longerThanUsual: true, expectedMs: 11 * MIN, lowMs: 8.5 * MIN, highMs: 16 * MIN });
    const lastOver = remainingTime({ phases, current: 'stack_update', currentElapsedMs: 20 * MIN, estimates });
    expect(lastOver).toMatchObject({ longerThanUsual: true, expectedMs: 0, lowMs: 0, highMs: 0 });
  });

  it('queue ETA: start = remaining of the active one + those ahead; finish = start + its own', () => {
    const own = est(10 * MIN, 8 * MIN, 15 * MIN);
    const active = { ...est(4 * MIN, 2 * MIN, 7 * MIN), longerThanUsual: false };
    const eta = queueEta({ active, ahead: [own, own], own });
    expect(eta.startIn).toEqual({ expectedMs: 24 * MIN, lowMs: 18 * MIN, highMs: 37 * MIN });
    expect(eta.finishIn).toEqual({ expectedMs: 34 * MIN, lowMs: 26 * MIN, highMs: 52 * MIN });
    expect(eta.activeOverdue).toBe(false);
    expect(queueEta({ ahead: [], own }).startIn.expectedMs).toBe(0);
    expect(queueEta({ active: { ...active, longerThanUsual: true }, ahead: [], own }).activeOverdue).toBe(true);
  });

  it('resource p90: learned, else a prior for known slow types, else the per-resource default', () => {
    const stats = new Map([['AWS::ECS::TaskDefinition', summarize([4000, 5000, 6000])!]]);
    expect(resourceP90(stats, 'AWS::ECS::TaskDefinition')).toBeLessThan(10_000);
    expect(resourceP90(stats, 'AWS::RDS::DBInstance', 'create')).toBe(45 * MIN);
    expect(resourceP90(stats, 'AWS::SNS::Topic')).toBe(90_000);
  });

  it('prefers action-specific durations when there are enough of them', () => {
    const stats = new Map([
      ['AWS::RDS::DBInstance', summarize([2 * MIN, 3 * MIN, 3 * MIN, 12 * MIN])!],
      ['update:AWS::RDS::DBInstance', summarize([2 * MIN, 3 * MIN, 3 * MIN])!],
      ['create:AWS::RDS::DBInstance', summarize([11 * MIN, 12 * MIN, 13 * MIN])!],
    ]);
    expect(resourceP90(stats, 'AWS::RDS::DBInstance', 'create')).toBeGreaterThan(13 * MIN);
    expect(resourceP90(stats, 'AWS::RDS::DBInstance', 'update')).toBeLessThan(5 * MIN);
  });
});
