import { describe, expect, it } from 'vitest';
import { detectStall, mayPostStall, resourceStates } from '../../src/domain/stall.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

describe('stall rule (pure)', () => {
  const stallMs = 10 * MIN;

  it('a 12-minute RDS create is not a stall (its p90 is longer)', () => {
    const r = detectStall({
      now: T0 + 12 * MIN,
      lastEventAt: T0,
      stallMs,
      inProgress: [
        { logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', action: 'create', since: T0, p90Ms: 18 * MIN },
      ],
    });
    expect(r.stalled).toBe(false);
    expect(r.quietMs).toBe(12 * MIN);
    expect(r.resources[0]).toMatchObject({ logicalId: 'Db', elapsedMs: 12 * MIN, overdue: false });
  });

  it('a 12-minute ECS task definition is a stall, and says what and for how long', () => {
    const r = detectStall({
      now: T0 + 12 * MIN,
      lastEventAt: T0,
      stallMs,
      inProgress: [
        { logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', since: T0 + MIN, p90Ms: 18 * MIN },
        { logicalId: 'TaskDef', resourceType: 'AWS::ECS::TaskDefinition', since: T0, p90Ms: 8000 },
      ],
    });
    expect(r.stalled).toBe(true);
    // Overdue first, with elapsed times.
    expect(r.resources.map((x) => [x.logicalId, x.overdue, x.elapsedMs])).toEqual([
      ['TaskDef', true, 12 * MIN],
      ['Db', false, 11 * MIN],
    ]);
  });

  it('no stall while events keep arriving, even past p90', () => {
    const r = detectStall({
      now: T0 + 12 * MIN,
      lastEventAt: T0 + 11 * MIN,
      stallMs,
      inProgress: [{ logicalId: 'TaskDef', resourceType: 'AWS::ECS::TaskDefinition', since: T0, p90Ms: 8000 }],
    });
    expect(r.stalled).toBe(false);
    expect(r.resources[0]!.overdue).toBe(true);
  });

  it('nothing in progress is not a stall', () => {
    expect(detectStall({ now: T0 + 60 * MIN, lastEventAt: T0, stallMs, inProgress: [] }).stalled).toBe(false);
  });

  it('the stall reply is not repeated more often than every stall period', () => {
    expect(mayPostStall({ now: T0, lastPostedAt: null, stallMs })).toBe(true);
    expect(mayPostStall({ now: T0 + 9 * MIN, lastPostedAt: T0, stallMs })).toBe(false);
    expect(mayPostStall({ now: T0 + 10 * MIN, lastPostedAt: T0, stallMs })).toBe(true);
  });

  it('folds events into in-progress and done resources, ignoring the stack itself', () => {
    const ev = (logicalId: string, status: string, at: number, resourceType = 'AWS::ECS::Service') => ({
      stackName: 'api-prod',
      logicalId,
      resourceType,
      status,
      timestamp: T0 + at,
    });
    const s = resourceStates([
      ev('api-prod', 'UPDATE_IN_PROGRESS', 0, 'AWS::CloudFormation::Stack'),
      ev('Role', 'UPDATE_IN_PROGRESS', 1000, 'AWS::IAM::Role'),
      ev('Role', 'UPDATE_COMPLETE', 20_000, 'AWS::IAM::Role'),
      ev('Service', 'UPDATE_IN_PROGRESS', 21_000),
      // CloudFormation repeats IN_PROGRESS with a new reason ("Resource creation Initiated"): same run.
      ev('Service', 'UPDATE_IN_PROGRESS', 25_000),
      ev('Db', 'CREATE_IN_PROGRESS', 22_000, 'AWS::RDS::DBInstance'),
    ]);
    expect(s.done).toBe(1);
    expect(s.seen).toBe(3);
    expect(s.lastEventAt).toBe(T0 + 25_000);
    expect(s.inProgress).toEqual(
      expect.arrayContaining([
        { logicalId: 'Service', resourceType: 'AWS::ECS::Service', action: 'update', since: T0 + 21_000 },
        { logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', action: 'create', since: T0 + 22_000 },
      ]),
    );
    expect(s.inProgress).toHaveLength(2);
  });
});
