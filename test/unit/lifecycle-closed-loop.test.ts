import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { buildDeploymentCore } from '../../src/deploys/core.js';
import type { Db } from '../../src/store/db.js';
import { deployment, sha, target } from '../buttons/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';

/** The closed loop's lifecycle functions (deploys/lifecycle-closed-loop.ts) on a real SQLite store. */
function setup() {
  const db = testDb();
  const clock = new FakeClock();
  const config = exampleConfig();
  const core = buildDeploymentCore({ db, config, clock, logger: silentLogger, githubWeb: 'https://github.com' });
  return { db, clock, config, core, t: target(config, 'api', 'staging') };
}

const outboxKeys = (db: Db) =>
  (db.prepare('SELECT message_key AS key FROM outbox ORDER BY id').all() as { key: string }[]).map((r) => r.key);

describe('closed-loop lifecycle functions', () => {
  it('baking opens the bake window; a failure while baking closes it as failed, with one result reply', () => {
    const s = setup();
    const d = deployment(s.db, s.clock, s.t, { sha: sha('a'), state: 'deploying' });
    const baking = s.core.lifecycle.startBaking(d, 300_000, 'baking: watching web-5xx · 5 min left');
    expect(baking?.state).toBe('baking');
    expect(baking?.waitReason).toBe('baking: watching web-5xx · 5 min left');
    expect(s.core.verifications.get(d.id, 'bake')).toMatchObject({ until: s.clock.now() + 300_000, outcome: null });

    s.clock.advance(60_000);
    const failed = s.core.lifecycle.fail(baking!, { phase: 'stack_update', reason: 'alarm web-5xx went into ALARM' });
    expect(failed).toBe(true);
    expect(s.core.deployments.get(d.id)?.state).toBe('failed');
    expect(s.core.verifications.get(d.id, 'bake')).toMatchObject({ outcome: 'failed', finishedAt: s.clock.now() });
    expect(outboxKeys(s.db).filter((k) => k === `d${d.id}:result`)).toHaveLength(1);
  });

  it('Roll back while baking: baking → cancelling → cancelled closes the bake window as cancelled', () => {
    const s = setup();
    const d = deployment(s.db, s.clock, s.t, { sha: sha('b'), state: 'deploying' });
    const baking = s.core.lifecycle.startBaking(d, 300_000, 'baking')!;
    const note = { text: 'cancelling' };
    const cancelling = s.core.lifecycle.beginCancel(baking, 'baking', {
      user: 'U02',
      detail: 'UPDATE_IN_PROGRESS',
      note,
      at: s.clock.now(),
    });
    expect(cancelling?.state).toBe('cancelling');
    expect(s.core.actions.of(d.id).map((a) => [a.action, a.user])).toEqual([['cancel_update', 'U02']]);
    s.core.lifecycle.cancel(cancelling!, 'rolled back');
    expect(s.core.deployments.get(d.id)?.state).toBe('cancelled');
    expect(s.core.verifications.get(d.id, 'bake')?.outcome).toBe('cancelled');
  });

  it('verifying → succeeded ends the verify record and posts the given result', () => {
    const s = setup();
    const d = deployment(s.db, s.clock, s.t, { sha: sha('c'), state: 'deploying' });
    const verifying = s.core.lifecycle.startVerifying(d, 120_000, { text: 'checking' }, 'verifying: waiting for ccc');
    expect(verifying).toMatchObject({ state: 'verifying', nextPollAt: s.clock.now() });
    expect(s.core.verifications.get(d.id, 'verify')).toMatchObject({ until: s.clock.now() + 120_000 });
    expect(outboxKeys(s.db)).toContain(`d${d.id}:verify-started`);
    expect(s.core.lifecycle.verified(verifying!, 'serving ccccccc', { text: 'Serving ccccccc' })).toBe(true);
    expect(s.core.deployments.get(d.id)).toMatchObject({ state: 'succeeded', summary: 'serving ccccccc' });
    expect(s.core.verifications.get(d.id, 'verify')?.outcome).toBe('succeeded');
  });

  it('a lost race changes nothing: no state, no bake record, no reply, no approval request', () => {
    const s = setup();
    const d = deployment(s.db, s.clock, s.t, { sha: sha('d'), state: 'queued' });
    const before = outboxKeys(s.db);
    expect(s.core.lifecycle.startBaking(d, 300_000, 'baking')).toBeUndefined();
    expect(s.core.verifications.get(d.id, 'bake')).toBeUndefined();
    let asked = false;
    expect(
      s.core.lifecycle.checksPassed(d, 'pending_approval', () => {
        asked = true;
      }),
    ).toBeUndefined();
    expect(asked).toBe(false);
    expect(s.core.lifecycle.checksRejected(d, 'checks failed: test', { text: 'rejected' })).toBe(false);
    expect(s.core.deployments.get(d.id)?.state).toBe('queued');
    expect(outboxKeys(s.db)).toEqual(before);
  });

  it('preflight rejection: queued → rejected with the failure and one preflight reply', () => {
    const s = setup();
    const d = deployment(s.db, s.clock, s.t, { sha: sha('e'), state: 'queued' });
    const failure = {
      phase: 'preflight' as const,
      reason: 'stack api-staging is UPDATE_ROLLBACK_FAILED',
      status: 'UPDATE_ROLLBACK_FAILED',
      stackName: 'api-staging',
    };
    expect(s.core.lifecycle.preflightRejected(d, failure, { text: 'refused' })).toBe(true);
    expect(s.core.deployments.get(d.id)).toMatchObject({ state: 'rejected', failure, summary: failure.reason });
    expect(outboxKeys(s.db).filter((k) => k === `d${d.id}:preflight`)).toHaveLength(1);
    expect(s.core.lifecycle.preflightRejected(d, failure, { text: 'refused' })).toBe(false);
  });
});
