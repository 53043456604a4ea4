import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { healthByTarget, healthFigures, median, percentile } from '../../src/domain/health-metrics.js';
import type { Db } from '../../src/store/db.js';
import { DigestRunsRepo } from '../../src/store/digest-runs-repo.js';
import { HealthRepo } from '../../src/store/health-repo.js';
import { LocksRepo } from '../../src/store/locks-repo.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { mockDescribeStack } from './drift-nock.js';
import { healthJob } from './fakes.js';

const M = 60_000;
const D = 86_400_000;
const S1 = '1111111111111111111111111111111111111111';
const S5 = '5555555555555555555555555555555555555555';
const HEAD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const W = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';

let seq = 0;
function insert(
  db: Db,
  d: {
    kind?: 'deploy' | 'rollback';
    target: string;
    sha?: string;
    state: string;
    startedAt?: number;
    ms?: number;
    finishedAt?: number;
  },
): number {
  const [service, environment] = d.target.split('/');
  const finishedAt = d.finishedAt ?? (d.startedAt !== undefined && d.ms !== undefined ? d.startedAt + d.ms : null);
  const info = db
    .prepare(
      `INSERT INTO deployments (kind, service, environment, target_key, ref, sha, requested_by, state, token, channel,
         created_at, started_at, finished_at, updated_at) VALUES (?, ?, ?, ?, 'main', ?, 'U01', ?, ?, 'C0DEPLOYS', ?, ?, ?, ?)`,
    )
    .run(
      d.kind ?? 'deploy',
      service,
      environment,
      d.target,
      d.sha ?? S1,
      d.state,
      `tok-${++seq}`,
      d.startedAt ?? 0,
      d.startedAt ?? null,
      finishedAt,
      finishedAt ?? d.startedAt ?? 0,
    );
  return Number(info.lastInsertRowid);
}

function phase(db: Db, deploymentId: number, target: string, name: string, startedAt: number, ms: number) {
  db.prepare(
    `INSERT INTO deployment_phases (deployment_id, target_key, phase, started_at, ended_at, outcome) VALUES (?, ?, ?, ?, ?, 'succeeded')`,
  ).run(deploymentId, target, name, startedAt, startedAt + ms);
}

/** A week of history with answers worked out by hand (see the expectations). */
function seed(db: Db, now: number) {
  const st = 'api/staging';
  const prod = 'api/production';
  const d1 = insert(db, { target: st, state: 'succeeded', startedAt: now - 6 * D, ms: 10 * M });
  insert(db, { target: st, state: 'failed', startedAt: now - 5 * D, ms: 4 * M });
  insert(db, { target: st, state: 'failed', startedAt: now - 5 * D + 30 * M, ms: 6 * M });
  const d4 = insert(db, { target: st, state: 'succeeded', startedAt: now - 5 * D + 60 * M, ms: 12 * M });
  insert(db, { target: st, sha: S5, state: 'succeeded', startedAt: now - 3 * D, ms: 8 * M });
  insert(db, { target: st, kind: 'rollback', sha: S1, state: 'succeeded', startedAt: now - 3 * D + 20 * M, ms: 2 * M });
  insert(db, { target: st, state: 'cancelled', startedAt: now - 2 * D - M, ms: M });
  const d8 = insert(db, { target: prod, sha: HEAD, state: 'succeeded', startedAt: now - 4 * D, ms: 20 * M });
  insert(db, { target: prod, sha: S5, state: 'failed', startedAt: now - D, ms: 5 * M });
  // Outside the window, and never started: not counted.
  insert(db, { target: st, state: 'failed', startedAt: now - 8 * D, ms: 3 * M });
  insert(db, { target: st, state: 'rejected', finishedAt: now - D });
  insert(db, { target: 'web/staging', sha: W, state: 'succeeded', startedAt: now - 30 * D, ms: 5 * M });
  // Waiting right now.
  insert(db, { target: prod, sha: HEAD, state: 'queued' });
  insert(db, { target: prod, sha: HEAD, state: 'pending_approval' });
  phase(db, d1, st, 'build', now - 6 * D, 3 * M);
  phase(db, d1, st, 'stack_update', now - 6 * D + 3 * M, 7 * M);
  phase(db, d4, st, 'build', now - 5 * D + 60 * M, 5 * M);
  phase(db, d4, st, 'stack_update', now - 5 * D + 65 * M, 7 * M);
  phase(db, d8, prod, 'build', now - 4 * D, 4 * M);
  for (const key of ['m1', 'm2']) {
    db.prepare(`INSERT INTO slack_messages (key, channel, created_at) VALUES (?, 'C0DEPLOYS', ?)`).run(
      key,
      now - 2 * D,
    );
    db.prepare(
      `INSERT INTO outbox (message_key, op, payload, state, next_attempt_at, created_at) VALUES (?, 'post', '{}', 'dead', 0, ?)`,
    ).run(key, now - 2 * D);
  }
}

describe('health metrics (pure)', () => {
  it('median and nearest-rank p90', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([2, 8, 10, 12, 20], 90)).toBe(20);
    expect(
      percentile(
        Array.from({ length: 10 }, (_, i) => i + 1),
        90,
      ),
    ).toBe(9);
  });
});

describe('health figures from a seeded SQLite history', () => {
  it('computes the known answers overall and per target', () => {
    const db = testDb();
    const now = new FakeClock().now();
    seed(db, now);
    const repo = new HealthRepo(db);
    const finished = repo.finishedBetween(now - 7 * D, now);
    expect(finished).toHaveLength(9);

    expect(healthFigures(finished)).toEqual({
      deployments: 9,
      succeeded: 5,
      failed: 3,
      cancelled: 1,
      successRate: 5 / 8,
      changeFailureRate: 4 / 7, // 2 failed + 1 rolled back next on staging, 1 failed on production; 7 deploys
      medianDurationMs: 10 * M, // [2, 8, 10, 12, 20] min
      p90DurationMs: 20 * M,
      recoveries: 1,
      medianRecoveryMs: 68 * M, // first failure of the streak (−5d+4m) → next success (−5d+72m)
      maxRecoveryMs: 68 * M,
      failingSince: now - D + 5 * M,
      rollbacks: 1,
    });

    const per = healthByTarget(['api/staging', 'api/production', 'web/staging'], finished);
    const st = per.get('api/staging')!;
    expect([st.deployments, st.successRate, st.changeFailureRate, st.medianDurationMs, st.p90DurationMs]).toEqual([
      7,
      4 / 6,
      3 / 5,
      9 * M, // (8 + 10) / 2
      12 * M,
    ]);
    expect(st.failingSince).toBeNull();
    const prod = per.get('api/production')!;
    expect([prod.successRate, prod.changeFailureRate, prod.recoveries, prod.failingSince]).toEqual([
      0.5,
      0.5,
      0,
      now - D + 5 * M,
    ]);
    expect(per.get('web/staging')!.deployments).toBe(0);
    expect(per.get('web/staging')!.successRate).toBeNull();

    expect(repo.deployedVersions().get('api/staging')!.sha).toBe(S1); // the rollback was the last success
    expect(repo.queueDepth().get('api/production')).toEqual({ queued: 1, pendingApproval: 1 });
    expect(repo.deadLetters()).toEqual({ count: 2, oldestAt: now - 2 * D });
  });

  it('builds the digest with GitHub version drift, stacks needing attention, and what it could not check', async () => {
    const db = testDb();
    const clock = new FakeClock();
    const now = clock.now();
    seed(db, now);
    new LocksRepo(db).lock({
      targetKey: 'web/staging',
      reason: 'load test until 14:00',
      lockedBy: 'U07',
      lockedAt: now - 3 * 3_600_000,
      kind: 'manual',
      badSha: null,
      deploymentId: null,
    });
    const gh = nock('https://api.github.com')
      .get('/repos/acme/api')
      .reply(200, { default_branch: 'main' })
      .get('/repos/acme/api/commits/main')
      .query(true)
      .reply(200, { sha: HEAD, commit: { message: 'head', committer: { date: '2026-11-22T08:00:00Z' } } })
      .get(`/repos/acme/api/compare/${S1}...${HEAD}`)
      .query(true)
      .reply(200, {
        status: 'ahead',
        ahead_by: 3,
        behind_by: 0,
        total_commits: 3,
        commits: [
          { sha: 'c1', commit: { message: 'one', author: { name: 'a', date: '2026-11-20T09:00:00Z' } }, author: null },
          { sha: 'c2', commit: { message: 'two', author: { name: 'a', date: '2026-11-21T09:00:00Z' } }, author: null },
          {
            sha: HEAD,
            commit: { message: 'three', author: { name: 'a', date: '2026-11-22T08:00:00Z' } },
            author: null,
          },
        ],
      })
      .get('/repos/acme/web')
      .reply(500, { message: 'boom' });
    mockDescribeStack('us-east-1', 'api-staging', 'UPDATE_COMPLETE');
    mockDescribeStack('eu-west-1', 'api-production', 'UPDATE_ROLLBACK_FAILED', 'Resource Db failed to roll back');
    mockDescribeStack('us-east-1', 'web-staging', 'UPDATE_IN_PROGRESS');

    const job = healthJob(db, exampleConfig(), clock);
    const r = await job.run();
    expect(gh.isDone()).toBe(true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.messages).toHaveLength(1);
    const m = r.messages[0]!;
    expect(m.text).toBe(
      'Deployment health · last 7 days: 9 deployments · 63% succeeded · change failure rate 57% · median 10m 00s · ' +
        'p90 20m 00s · recovery 1h 08m · 1 rollbacks · 2 stacks need attention · 1 targets behind · queue 2 · dead letters 2',
    );
    const blocks = JSON.stringify(m.blocks);
    expect(blocks).toContain('Median per phase: build 4m 00s · stack_update 7m 00s');
    expect(blocks).toContain('3 behind main> (oldest 2d)');
    expect(blocks).toContain(`compare/${S1}...${HEAD}`);
    expect(blocks).toContain('up to date with main'); // production runs the head already: no compare call
    expect(blocks).toContain('`UPDATE_ROLLBACK_FAILED` — Resource Db failed to roll back');
    expect(blocks).toContain(':hourglass_flowing_sand:');
    expect(blocks).toContain('web-staging');
    expect(blocks).toContain(':x: failing for 24h'); // 23h55m, rounded
    expect(blocks).toContain('GitHub acme/web: default branch head (HTTP 500)');
    expect(blocks).toContain('2 waiting');
    expect(blocks).toContain('*Locked targets (1)*');
    expect(blocks).toContain(':lock: *web/staging* by <@U07> for 3h');
    expect(blocks).toContain('load test until 14:00');
    expect(new DigestRunsRepo(db).get(r.runId)?.state).toBe('partial');
  });
});
