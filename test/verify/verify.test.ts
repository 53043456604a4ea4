import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { VerificationsRepo } from '../../src/store/verifications-repo.js';
import { commandFixture } from '../commands/fixture.js';
import { Harness, SHA } from '../pipeline/harness.js';
import { deployWeb, SITE, webConfig } from './helpers.js';

const OLD = 'def5678901234567890123456789012345678901';
let h: Harness;
afterEach(() => h?.close());

const verify = (extra: Record<string, unknown> = {}) => ({
  verify: { url: `${SITE}/version`, expect: '{sha}', timeoutSeconds: 30, ...extra },
});

describe('verification after the stack update', () => {
  it('serving at once: succeeded with "serving <sha> at <url>"', async () => {
    h = new Harness({ config: webConfig(verify()) });
    const d = h.enqueue('web', 'staging', SHA);
    await deployWeb(h, d);
    const site = nock(SITE).get('/version').reply(200, `{"version":"${SHA}"}`);

    await h.tickUntil(() => h.get(d.id).state === 'verifying');
    expect(h.reply(d.id, 'verify-started')!.text).toContain(`waiting for ${SITE}/version to serve a1b2c3d`);
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');

    expect(site.isDone()).toBe(true);
    expect(h.get(d.id).summary).toBe(`serving a1b2c3d at ${SITE}/version`);
    expect(h.reply(d.id, 'result')!.text).toContain(`serving a1b2c3d at ${SITE}/version`);
    expect(h.parent(d.id).text).toContain('succeeded');
  });

  it('serving after N polls, every pollSeconds; then each smoke check once', async () => {
    h = new Harness({
      config: webConfig(
        verify({
          expect: 'build-{shortSha}',
          smoke: [
            { url: `${SITE}/healthz`, status: 200, contains: 'ok' },
            { url: `${SITE}/ready`, status: 204 },
          ],
        }),
      ),
    });
    const d = h.enqueue('web', 'staging', SHA);
    await deployWeb(h, d);
    nock(SITE).get('/version').times(2).reply(200, 'build-def5678');
    nock(SITE).get('/version').reply(200, 'build-a1b2c3d');
    const healthz = nock(SITE).get('/healthz').once().reply(200, '{"status":"ok"}');
    const ready = nock(SITE).get('/ready').once().reply(204);

    await h.tickUntil(() => h.get(d.id).state === 'succeeded', { stepMs: 5000 });

    expect(healthz.isDone() && ready.isDone()).toBe(true);
    expect(new VerificationsRepo(h.db).get(d.id, 'verify')).toMatchObject({ polls: 3, outcome: 'succeeded' });
  });

  it('stale: fails in phase verify naming the SHA it still serves, with Roll back / Retry buttons (onFailure ask)', async () => {
    h = new Harness({ config: webConfig(verify()) });
    const old = h.enqueue('web', 'staging', OLD);
    h.repo.claim(old.id, 'deploying', 'w0', h.clock.now());
    h.repo.transition(old.id, 'deploying', 'succeeded', h.clock.now());
    const d = h.enqueue('web', 'staging', SHA);
    await deployWeb(h, d);
    nock(SITE)
      .get('/version')
      .times(20)
      .reply(200, `{"version":"${OLD.slice(0, 7)}"}`);

    await h.tickUntil(() => h.get(d.id).state === 'failed', { stepMs: 5000 });

    const failed = h.get(d.id);
    expect(failed.failure).toMatchObject({
      phase: 'verify',
      reason: `deployed but not serving a1b2c3d — ${SITE}/version still serves def5678`,
    });
    const result = h.reply(d.id, 'result')!;
    expect(result.text).toContain('Failed in verify');
    expect(result.blocks).toContain('deploy_rollback');
    expect(result.blocks).toContain('deploy_retry');
    // Polled until the timeout (30 s at 5 s), not forever.
    expect(new VerificationsRepo(h.db).get(d.id, 'verify')!.polls).toBeLessThanOrEqual(8);
  });

  it('stale with a body that is not a SHA: the first 200 characters', async () => {
    h = new Harness({ config: webConfig(verify({ timeoutSeconds: 5 })) });
    const d = h.enqueue('web', 'staging', SHA);
    await deployWeb(h, d);
    nock(SITE)
      .get('/version')
      .times(5)
      .reply(200, `<html>${'maintenance '.repeat(40)}</html>`);
    await h.tickUntil(() => h.get(d.id).state === 'failed', { stepMs: 5000 });
    const reason = h.get(d.id).failure!.reason;
    expect(reason).toContain(`${SITE}/version still serves “<html>maintenance maintenance`);
    expect(reason.length).toBeLessThan(320);
  });

  it('smoke 500: fails naming the smoke check, its status and a body excerpt', async () => {
    h = new Harness({ config: webConfig(verify({ smoke: [{ url: `${SITE}/healthz`, contains: 'ok' }] })) });
    const d = h.enqueue('web', 'staging', SHA);
    await deployWeb(h, d);
    nock(SITE).get('/version').reply(200, SHA);
    nock(SITE).get('/healthz').reply(500, 'database unreachable');
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure!.reason).toBe(
      `serving a1b2c3d, but smoke check ${SITE}/healthz answered 500 (expected 200): database unreachable`,
    );
  });

  it('never follows a redirect to another host', async () => {
    h = new Harness({ config: webConfig(verify({ timeoutSeconds: 1 })) });
    const d = h.enqueue('web', 'staging', SHA);
    await deployWeb(h, d);
    nock(SITE).get('/version').times(3).reply(302, '', { Location: 'https://evil.example.net/version' });
    const other = nock('https://evil.example.net').get('/version').reply(200, SHA);
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(other.isDone()).toBe(false);
    expect(h.get(d.id).failure!.reason).toContain('redirected to another host (evil.example.net); not followed');
  });

  it('onFailure rollback: queues the rollback to the previous good SHA at once, recorded as automatic', async () => {
    h = new Harness({ config: webConfig(verify({ timeoutSeconds: 5, onFailure: 'rollback' })) });
    const rollbacks: number[] = [];
    h.worker = h.newWorker('worker-1', {
      autoRollback: async (id) => {
        rollbacks.push(id);
        const r = h.repo.enqueue(
          {
            kind: 'rollback',
            service: 'web',
            environment: 'staging',
            targetKey: 'web/staging',
            ref: OLD,
            sha: OLD,
            requestedBy: 'U0DEV',
            channel: 'C0DEPLOYS',
            state: 'queued',
          },
          h.clock.now(),
        );
        return { ok: true, message: 'queued', deployment: r.deployment };
      },
    });
    const d = h.enqueue('web', 'staging', SHA);
    await deployWeb(h, d);
    nock(SITE).get('/version').times(5).reply(200, OLD);
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(rollbacks).toEqual([d.id]);
    expect(h.reply(d.id, 'auto-rollback')!.text).toContain('rollback #2 to def5678 is queued automatically');
  });
});

describe('RollbackService.autoRollback (verify.onFailure: rollback)', () => {
  it('queues the normal rollback to the previous good SHA, locks the target and records it as automatic', async () => {
    const f = commandFixture({ config: webConfig(verify({ onFailure: 'rollback' })) });
    const base = {
      kind: 'deploy' as const,
      service: 'web',
      environment: 'staging',
      targetKey: 'web/staging',
      ref: 'main',
      requestedBy: 'U05',
      channel: 'C0DEPLOYS',
      state: 'queued' as const,
    };
    const good = f.deployments.enqueue({ ...base, sha: OLD }, f.clock.now()).deployment;
    f.deployments.claim(good.id, 'deploying', 'w', f.clock.now());
    f.deployments.transition(good.id, 'deploying', 'succeeded', f.clock.now());
    const bad = f.deployments.enqueue({ ...base, sha: SHA }, f.clock.now()).deployment;
    f.deployments.claim(bad.id, 'deploying', 'w', f.clock.now());
    f.deployments.transition(bad.id, 'deploying', 'verifying', f.clock.now());
    f.deployments.transition(bad.id, 'verifying', 'failed', f.clock.now(), {
      failure: { phase: 'verify', reason: 'deployed but not serving' },
    });

    const res = await f.rollbacks.autoRollback(bad.id);

    expect(res.ok).toBe(true);
    const rb = f.deployments.get(3)!;
    expect(rb).toMatchObject({ kind: 'rollback', sha: OLD, rollbackOf: good.id, state: 'queued', requestedBy: 'U05' });
    expect(new DeploymentActionsRepo(f.db).of(bad.id).map((a) => [a.action, a.user])).toEqual([
      ['rollback', 'U05'],
      ['auto_rollback', 'coxswain'],
    ]);
    expect(f.locks.get('web/staging')).toMatchObject({ kind: 'rollback' });
  });
});
