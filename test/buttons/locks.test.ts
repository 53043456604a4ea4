import { describe, expect, it } from 'vitest';
import { LocksRepo } from '../../src/store/locks-repo.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { deployment, services, sha, target } from './harness.js';

function setup() {
  const db = testDb();
  const clock = new FakeClock();
  const config = exampleConfig();
  const deps = services(db, config, clock);
  return { db, clock, deps, prod: target(config), staging: target(config, 'api', 'staging') };
}

describe('target locks', () => {
  it('a locked target queues the request and the refusal names who, when, why and how to unlock', () => {
    const { db, clock, deps, prod } = setup();
    const locked = deps.locks.lock(prod, 'U01', '  DB migration running,\n do not deploy ');
    expect(locked.ok).toBe(true);
    expect(locked.reply.text).toContain('<@U01> locked api → production: DB migration running, do not deploy');
    clock.advance(2 * 3600_000 + 3 * 60_000);
    const d = deployment(db, clock, prod, { sha: sha('a'), state: 'queued', user: 'U02' });
    const notice = deps.locks.queuedNotice(prod, d.id)!;
    expect(notice.text).toBe(
      `:lock: api → production is locked by <@U01> since 2026-11-22 09:00 UTC (2h 03m ago).\nReason: DB migration running, do not deploy\nDeploy #${d.id} is queued and will start when the target is unlocked. To unlock (after talking to <@U01>): /deploy unlock api production`,
    );
    expect(JSON.stringify(notice.blocks)).toContain('<!date^');
    expect(deps.deployments.get(d.id)?.waitReason).toBe('locked by <@U01>: DB migration running, do not deploy');
    expect(deps.locks.statusLine(prod.key)).toContain(':lock: locked by <@U01> since 2026-11-22');
  });

  it('a second lock is refused naming the holder; unlock frees the queue and is recorded', () => {
    const { db, clock, deps, prod } = setup();
    deps.locks.lock(prod, 'U01', 'incident 42');
    const second = deps.locks.lock(prod, 'U02', 'mine');
    expect(second.ok).toBe(false);
    expect(second.reply.text).toContain('is already locked by <@U01>');
    const d = deployment(db, clock, prod, { sha: sha('a'), state: 'queued' });
    deps.locks.queuedNotice(prod, d.id);
    clock.advance(60_000);
    const unlocked = deps.locks.unlock(prod, 'U02');
    expect(unlocked.reply.text).toBe(
      ':unlock: <@U02> unlocked api → production (locked by <@U01>: incident 42). 1 queued deployment can start now.',
    );
    expect(deps.deployments.get(d.id)?.waitReason).toBeNull();
    expect(deps.locks.get(prod.key)).toBeUndefined();
    expect(new LocksRepo(db).history(prod.key)).toMatchObject([
      { action: 'unlock', user: 'U02', reason: 'incident 42' },
      { action: 'lock', user: 'U01', reason: 'incident 42', kind: 'manual' },
    ]);
    expect(deps.locks.unlock(prod, 'U02').reply.text).toBe('api → production is not locked.');
  });

  it('only deployers may lock, and a reason is required', () => {
    const { deps, prod, staging } = setup();
    expect(deps.locks.lock(prod, 'U09', 'x').reply.text).toBe(
      'You are not allowed to lock this target here; deployers: <@U01>, <@U02>.',
    );
    expect(deps.locks.lock(staging, 'U09', '   ').reply.text).toContain('Say why you lock it');
    expect(deps.locks.lock(staging, 'U09', 'x'.repeat(301)).reply.text).toContain('too long');
  });

  it('a rolled-back SHA is refused on redeploy unless forced, and the force is recorded', async () => {
    const { db, clock, deps, staging } = setup();
    deployment(db, clock, staging, { sha: sha('a'), state: 'succeeded' });
    deployment(db, clock, staging, { sha: sha('b'), state: 'succeeded' });
    const rb = await deps.rollbacks.rollbackTarget({ service: 'api', environment: 'staging', user: 'U07' });
    expect(rb.ok).toBe(true);
    const refused = deps.locks.gate(staging, sha('b'), { user: 'U08', forced: false });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.reply.text).toContain('bbbbbbb was rolled back on api → staging by <@U07>');
      expect(refused.reply.text).toContain('/deploy api staging bbbbbbb --force');
    }
    // The lock outlives nothing: after unlock the SHA is still refused, until forced.
    deps.locks.unlock(staging, 'U07');
    expect(deps.locks.gate(staging, sha('b'), { user: 'U08', forced: false }).ok).toBe(false);
    const forced = deps.locks.gate(staging, sha('b'), { user: 'U08', forced: true });
    expect(forced).toMatchObject({ ok: true, lock: undefined, forcedPast: { sha: sha('b'), markedBy: 'U07' } });
    deps.locks.recordForce(staging, { user: 'U08', sha: sha('b'), deploymentId: 1 });
    expect(new LocksRepo(db).history(staging.key)[0]).toMatchObject({ action: 'force', user: 'U08', sha: sha('b') });
    expect(deps.locks.gate(staging, sha('a'), { user: 'U08', forced: false })).toMatchObject({ ok: true });
  });

  it('a rollback lock lets the rollback through but holds normal deploys', async () => {
    const { db, clock, deps, staging } = setup();
    deployment(db, clock, staging, { sha: sha('a'), state: 'succeeded' });
    deployment(db, clock, staging, { sha: sha('b'), state: 'succeeded' });
    await deps.rollbacks.rollbackTarget({ service: 'api', environment: 'staging', user: 'U07' });
    const [rollback] = deps.deployments.queueOf(staging.key);
    expect(deps.locks.queuedNotice(staging, rollback!.id)).toBeUndefined();
    const normal = deployment(db, clock, staging, { sha: sha('c'), state: 'queued' });
    expect(deps.locks.queuedNotice(staging, normal.id)?.text).toContain('locked by <@U07>');
  });
});
