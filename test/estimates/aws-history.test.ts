import { describe, expect, it } from 'vitest';
import { learnFromBuilds, learnFromStackEvents } from '../../src/domain/aws-history.js';
import { estimateFromLearned, LEARNED_WEIGHT } from '../../src/domain/estimates.js';
import { Estimator } from '../../src/estimates/estimator.js';
import { LearnedHistoryRepo } from '../../src/store/learned-history-repo.js';
import { buildRepos } from '../../src/store/repos.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';

const S = 'orders-prod';
const SEC = 1000;
let n = 0;
const ev = (logicalId: string, resourceType: string, status: string, t: number) => ({
  eventId: `e${n++}`,
  logicalId,
  resourceType,
  status,
  timestamp: t * SEC,
});

/** One stack operation as DescribeStackEvents lists it (newest first, like AWS). */
function operation(start: number, ok: boolean) {
  return [
    ev(S, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', start),
    ev('Service', 'AWS::ECS::Service', 'UPDATE_IN_PROGRESS', start + 2),
    ev('Service', 'AWS::ECS::Service', ok ? 'UPDATE_COMPLETE' : 'UPDATE_FAILED', start + 200),
    ...(ok
      ? [
          ev(S, 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', start + 205),
          ev(S, 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE', start + 210),
        ]
      : [
          ev(S, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', start + 201),
          ev(S, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE', start + 400),
        ]),
  ].reverse();
}

describe('learning from what AWS remembers', () => {
  it('takes whole successful operations and their resources from the stack events, never rolled-back ones', () => {
    const learned = learnFromStackEvents(S, [...operation(1000, true), ...operation(5000, false)]);
    expect(learned.filter((l) => l.phase === 'stack_update').map((l) => l.durationMs)).toEqual([210 * SEC]);
    expect(learned.filter((l) => l.resourceType)).toEqual([
      expect.objectContaining({ resourceType: 'AWS::ECS::Service', action: 'update', durationMs: 198 * SEC }),
    ]);
  });

  it('takes successful builds from CodeBuild', () => {
    const learned = learnFromBuilds([
      { id: 'p:1', status: 'SUCCEEDED', startTime: 0, endTime: 300 * SEC },
      { id: 'p:2', status: 'FAILED', startTime: 0, endTime: 100 * SEC },
      { id: 'p:3', status: 'IN_PROGRESS', startTime: 0, endTime: null },
    ]);
    expect(learned).toEqual([expect.objectContaining({ sourceId: 'p:1', phase: 'build', durationMs: 300 * SEC })]);
  });

  it("weighs learned durations lower than Coxswain's own", () => {
    const learned = [100, 110, 90, 105, 95, 100].map((s) => s * SEC);
    const alone = estimateFromLearned([], learned)!;
    expect(alone).toMatchObject({ basis: 'aws-history', samples: 6, expectedMs: 100 * SEC });
    const blended = estimateFromLearned([200 * SEC], learned)!;
    // One own run at 200 s against six learned at 100 s, each learned counting LEARNED_WEIGHT.
    expect(blended.expectedMs).toBeCloseTo(((200 + LEARNED_WEIGHT * 6 * 100) / (1 + LEARNED_WEIGHT * 6)) * SEC, 0);
    expect(estimateFromLearned([], learned.slice(0, 2))).toBeUndefined();
  });

  it("gives a target's first deploy an estimate from its stack history instead of the defaults", () => {
    const db = testDb();
    const clock = new FakeClock();
    const repo = new LearnedHistoryRepo(db);
    const base = Math.floor(clock.now() / SEC) - 100_000;
    const events = [0, 1, 2, 3, 4].flatMap((i) => operation(base + i * 10_000, true));
    expect(repo.record('web/prod', 'cloudformation-events', learnFromStackEvents(S, events), clock.now())).toBe(10);
    // Learning again the same history adds nothing.
    expect(repo.record('web/prod', 'cloudformation-events', learnFromStackEvents(S, events), clock.now())).toBe(0);
    const e = new Estimator({ repos: buildRepos(db), clock, cacheMs: 0 }).phase('web/prod', 'stack_update');
    expect(e).toMatchObject({ basis: 'aws-history', samples: 5, expectedMs: 210 * SEC });
    expect(e.highMs / e.lowMs).toBeLessThan(3);
    // The stall rule's per-type p90 now knows the ECS service (default would be 30 s × 3).
    const p90 = new Estimator({ repos: buildRepos(db), clock, cacheMs: 0 }).typeStats().get('update:AWS::ECS::Service');
    expect(p90?.n).toBe(5);
    db.close();
  });
});
