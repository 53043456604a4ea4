import { beforeEach, describe, expect, it } from 'vitest';
import { phasesFor } from '../../src/domain/estimates.js';
import { Estimator } from '../../src/estimates/estimator.js';
import type { Db } from '../../src/store/db.js';
import { HistoryRepo } from '../../src/store/history-repo.js';
import { buildRepos } from '../../src/store/repos.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';
import { addDeployment, addEvent, type SeedDeployment } from './seed.js';

const SEC = 1000;
const MIN = 60 * SEC;
const DAY = 24 * 60 * MIN;

describe('Estimator with history in SQLite', () => {
  let db: Db;
  let clock: FakeClock;
  let estimator: Estimator;
  let t: number;

  beforeEach(() => {
    db = testDb();
    clock = new FakeClock();
    estimator = new Estimator({ repos: buildRepos(db), clock, cacheMs: 0 });
    t = clock.now() - 30 * DAY;
  });

  const past = (targetKey: string, phases: SeedDeployment['phases'], extra: Partial<SeedDeployment> = {}) => {
    t += DAY;
    return addDeployment(db, { targetKey, at: t, phases, ...extra });
  };

  it('uses the target history of successful deployments: median and widened p10/p90, last 20 only', () => {
    for (const s of [100, 200, 300, 400, 500]) past('api/production', { changeset: 20, stack_update: s });
    past('api/production', { stack_update: 9000 }, { state: 'failed' });
    const e = estimator.phase('api/production', 'stack_update');
    expect(e).toMatchObject({ basis: 'target-history', samples: 5, expectedMs: 300 * SEC });
    expect(e.lowMs).toBeLessThanOrEqual(140 * SEC);
    expect(e.highMs).toBeGreaterThanOrEqual(460 * SEC);
    expect(e.highMs).toBeLessThan(9000 * SEC);

    for (let i = 0; i < 25; i++) past('api/production', { stack_update: 60 });
    expect(estimator.phase('api/production', 'stack_update')).toMatchObject({ samples: 20, expectedMs: 60 * SEC });
  });

  it('falls back to per-resource-type durations learned across all stacks when the target has < 3 samples', () => {
    for (const m of [11, 12, 13]) {
      past(
        'db/staging',
        { stack_update: m * 60 + 30 },
        {
          resources: [
            { logicalId: 'Db', type: 'AWS::RDS::DBInstance', action: 'create', startS: 10, durationS: m * 60 },
            { logicalId: 'Task', type: 'AWS::ECS::TaskDefinition', action: 'create', startS: 5, durationS: 5 },
          ],
        },
      );
    }
    // The new target has run once, touching a task definition only.
    past(
      'web/staging',
      { changeset: 20, stack_update: 40 },
      {
        resources: [{ logicalId: 'Task', type: 'AWS::ECS::TaskDefinition', action: 'create', durationS: 6 }],
      },
    );
    const history = new HistoryRepo(db).resourceDurations();
    expect(
      history
        .filter((r) => r.resourceType === 'AWS::RDS::DBInstance')
        .map((r) => r.durationMs)
        .sort(),
    ).toEqual([11 * MIN, 12 * MIN, 13 * MIN]);

    const withChangeSet = estimator.phase('web/staging', 'stack_update', [
      { type: 'AWS::RDS::DBInstance', action: 'create' },
      { type: 'AWS::ECS::TaskDefinition', action: 'create' },
    ]);
    expect(withChangeSet.basis).toBe('resource-types');
    expect(withChangeSet.expectedMs).toBe(20 * SEC + 12 * MIN + 5 * SEC);

    // Before its change set exists: the resources of the target's last update.
    const before = estimator.phase('web/staging', 'stack_update');
    expect(before).toMatchObject({ basis: 'resource-types', expectedMs: 20 * SEC + 5 * SEC });
    // Build and change set have no resource types: defaults.
    expect(estimator.phase('web/staging', 'changeset')).toMatchObject({ basis: 'default', expectedMs: 30 * SEC });
  });

  it('falls back to defaults with no history at all', () => {
    const d = estimator.deployment('new/production', phasesFor(true));
    expect(d.phases.build).toMatchObject({ basis: 'default', expectedMs: 5 * MIN, samples: 0 });
    expect(d.phases.changeset).toMatchObject({ basis: 'default', expectedMs: 30 * SEC });
    expect(d.phases.stack_update).toMatchObject({ basis: 'default', expectedMs: 3 * MIN });
    expect(d.total).toMatchObject({ basis: 'default', expectedMs: 5 * MIN + 30 * SEC + 3 * MIN });
    expect(d.total.lowMs).toBeLessThan(d.total.expectedMs);
    expect(d.total.highMs).toBeGreaterThan(d.total.expectedMs);
  });

  describe('a running deployment', () => {
    const phases = phasesFor(true);
    beforeEach(() => {
      // Identical history: build 5 min, change set 30 s, stack update 10 min (ranges come from the floor).
      for (let i = 0; i < 3; i++) past('api/staging', { build: 300, changeset: 30, stack_update: 600 });
    });

    it('remaining time: rest of the current phase + phases to come, then "longer than usual" as the clock moves', () => {
      const id = addDeployment(db, {
        targetKey: 'api/staging',
        state: 'building',
        at: clock.now() - 2 * MIN,
        open: 'build',
      });
      const facts = estimator.progress({ deploymentId: id, targetKey: 'api/staging', phases });
      expect(facts?.phase).toBe('build');
      expect(facts?.remaining).toMatchObject({ expectedMs: 3 * MIN + 30 * SEC + 10 * MIN, longerThanUsual: false });

      clock.advance(8 * MIN); // 10 min into a 5-minute build: past its high estimate
      const later = estimator.progress({ deploymentId: id, targetKey: 'api/staging', phases });
      expect(later?.remaining).toMatchObject({ expectedMs: 30 * SEC + 10 * MIN, longerThanUsual: true });
    });

    it('progress counts resources done from the stored events once the change set is known', () => {
      const id = addDeployment(db, {
        targetKey: 'api/staging',
        state: 'deploying',
        at: clock.now() - 4 * MIN,
        phases: { build: 200, changeset: 20 },
        open: 'stack_update',
      });
      const at = clock.now() - MIN;
      addEvent(db, id, {
        logicalId: 'app-stack',
        type: 'AWS::CloudFormation::Stack',
        status: 'UPDATE_IN_PROGRESS',
        at,
      });
      for (const [lid, status] of [
        ['Role', 'UPDATE_COMPLETE'],
        ['Task', 'CREATE_COMPLETE'],
        ['Service', 'UPDATE_IN_PROGRESS'],
      ] as const) {
        addEvent(db, id, { logicalId: lid, type: 'AWS::X::Y', status, at: at + 1000 });
      }
      const facts = estimator.progress({ deploymentId: id, targetKey: 'api/staging', phases, totalResources: 4 });
      expect(facts?.resources).toEqual({ done: 2, total: 4 });
      expect(facts?.remaining.expectedMs).toBe(10 * MIN - 4 * MIN + 200 * SEC + 20 * SEC);
    });

    it('queue ETA: remaining of the active one + full estimates of those ahead, then its own', () => {
      const full = 5 * MIN + 30 * SEC + 10 * MIN;
      addDeployment(db, { targetKey: 'api/staging', state: 'building', at: clock.now() - 2 * MIN, open: 'build' });
      const q1 = addDeployment(db, { targetKey: 'api/staging', state: 'queued', at: clock.now() });
      const q2 = addDeployment(db, { targetKey: 'api/staging', state: 'queued', at: clock.now() });
      addDeployment(db, { targetKey: 'api/staging', state: 'pending_approval', at: clock.now() });
      const rollback = addDeployment(db, { targetKey: 'api/staging', state: 'queued', at: clock.now(), priority: 1 });
      addDeployment(db, { targetKey: 'other/staging', state: 'queued', at: clock.now() });
      const activeLeft = 3 * MIN + 30 * SEC + 10 * MIN;

      expect(estimator.queueEta(rollback, 'api/staging', phases)?.startIn.expectedMs).toBe(activeLeft);
      const e1 = estimator.queueEta(q1, 'api/staging', phases)!;
      expect(e1.startIn.expectedMs).toBe(activeLeft + full); // the rollback jumps ahead
      const e2 = estimator.queueEta(q2, 'api/staging', phases)!;
      expect(e2.startIn.expectedMs).toBe(activeLeft + 2 * full);
      expect(e2.finishIn.expectedMs).toBe(activeLeft + 3 * full);
      expect(e2.finishIn.lowMs).toBeLessThan(e2.finishIn.expectedMs);
      expect(e2.finishIn.highMs).toBeGreaterThan(e2.finishIn.expectedMs);
      expect(e2.basis).toBe('target-history');
    });
  });

  describe('stalls', () => {
    const phases = phasesFor(false);
    beforeEach(() => {
      for (const m of [10, 12, 14, 15, 18]) {
        past(
          'db/staging',
          { changeset: 20, stack_update: m * 60 + 60 },
          {
            resources: [
              { logicalId: 'Db', type: 'AWS::RDS::DBInstance', action: 'create', startS: 5, durationS: m * 60 },
              {
                logicalId: 'Task',
                type: 'AWS::ECS::TaskDefinition',
                action: 'create',
                startS: 5,
                durationS: 4 + (m % 3),
              },
            ],
          },
        );
      }
    });

    const running = (resource: { logicalId: string; type: string; status: string }, startedAgo: number) => {
      const id = addDeployment(db, {
        targetKey: 'app/staging',
        state: 'deploying',
        at: clock.now() - startedAgo - 30 * SEC,
        phases: { changeset: 30 },
        open: 'stack_update',
      });
      addEvent(db, id, { ...resource, at: clock.now() - startedAgo });
      return id;
    };
    const check = (deploymentId: number, lastPostedAt: number | null = null) =>
      estimator.stall({ deploymentId, targetKey: 'app/staging', phases, stallMinutes: 10, lastPostedAt });

    it('a 12-minute RDS create is not a stall', () => {
      const id = running({ logicalId: 'Db', type: 'AWS::RDS::DBInstance', status: 'CREATE_IN_PROGRESS' }, 12 * MIN);
      const r = check(id)!;
      expect(r.stalled).toBe(false);
      expect(r.post).toBe(false);
      expect(r.resources[0]).toMatchObject({ logicalId: 'Db', elapsedMs: 12 * MIN, overdue: false });
    });

    it('a 12-minute ECS task definition is a stall; the reply is not repeated within a stall period', () => {
      const id = running(
        { logicalId: 'Task', type: 'AWS::ECS::TaskDefinition', status: 'CREATE_IN_PROGRESS' },
        12 * MIN,
      );
      const r = check(id)!;
      expect(r).toMatchObject({ stalled: true, post: true, phase: 'stack_update', quietMs: 12 * MIN });
      expect(r.resources[0]).toMatchObject({ logicalId: 'Task', elapsedMs: 12 * MIN, overdue: true });
      expect(r.resources[0]!.p90Ms).toBeLessThan(MIN);

      const postedAt = clock.now();
      clock.advance(5 * MIN);
      expect(check(id, postedAt)).toMatchObject({ stalled: true, post: false });
      clock.advance(5 * MIN);
      expect(check(id, postedAt)).toMatchObject({ stalled: true, post: true });
    });

    it('no stall while events keep arriving', () => {
      const id = running(
        { logicalId: 'Task', type: 'AWS::ECS::TaskDefinition', status: 'CREATE_IN_PROGRESS' },
        12 * MIN,
      );
      addEvent(db, id, {
        logicalId: 'Role',
        type: 'AWS::IAM::Role',
        status: 'UPDATE_COMPLETE',
        at: clock.now() - 2 * MIN,
      });
      expect(check(id)).toMatchObject({ stalled: false, post: false });
    });

    it('a build far past its usual duration, with no news, is a stall too', () => {
      for (let i = 0; i < 3; i++) past('svc/staging', { build: 300, changeset: 30, stack_update: 200 });
      const id = addDeployment(db, {
        targetKey: 'svc/staging',
        state: 'building',
        at: clock.now() - 20 * MIN,
        open: 'build',
      });
      const r = estimator.stall({
        deploymentId: id,
        targetKey: 'svc/staging',
        phases: phasesFor(true),
        stallMinutes: 10,
        lastPostedAt: null,
      })!;
      expect(r).toMatchObject({ stalled: true, phase: 'build' });
      expect(r.resources[0]).toMatchObject({ logicalId: 'Build', elapsedMs: 20 * MIN });
    });
  });

  it('reuses query results within the cache window (one query per tick for many deployments)', () => {
    const cached = new Estimator({ repos: buildRepos(db), clock, cacheMs: 5_000 });
    for (let i = 0; i < 3; i++) past('api/staging', { stack_update: 100 });
    expect(cached.phase('api/staging', 'stack_update').samples).toBe(3);
    past('api/staging', { stack_update: 100 });
    expect(cached.phase('api/staging', 'stack_update').samples).toBe(3);
    clock.advance(5_000);
    expect(cached.phase('api/staging', 'stack_update').samples).toBe(4);
  });
});
