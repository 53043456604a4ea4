import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { LocksRepo } from '../../src/store/locks-repo.js';
import { captureResponses, click, deployment, services, sha, target, testApp } from '../buttons/harness.js';
import { cfnScripted } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { Harness, SHA } from '../pipeline/harness.js';

let h: Harness;
afterEach(() => h?.close());

/** Nothing happened to the stack or the build: no StartBuild, no change set, no execute. */
function nothingTouched(x: Harness) {
  expect(x.cb.startBodies).toHaveLength(0);
  expect(x.cfn.count('CreateChangeSet')).toBe(0);
  expect(x.cfn.count('ExecuteChangeSet')).toBe(0);
}

describe('stack-state preflight before the build', () => {
  it('UPDATE_ROLLBACK_FAILED: rejected with the reason and a "Continue rollback" button; nothing built', async () => {
    h = new Harness();
    h.cfn.addStack('api-staging', 'UPDATE_ROLLBACK_FAILED');
    const d = h.enqueue('api', 'staging', SHA);

    await h.worker.tick();

    const r = h.get(d.id);
    expect(r.state).toBe('rejected');
    expect(r.failure).toMatchObject({ phase: 'preflight', stackName: 'api-staging', status: 'UPDATE_ROLLBACK_FAILED' });
    const note = h.reply(d.id, 'preflight')!;
    expect(note.text).toContain('stack api-staging is UPDATE_ROLLBACK_FAILED');
    expect(note.text).toContain('ContinueUpdateRollback');
    expect(note.blocks).toContain('"text":"Continue rollback"');
    expect(note.blocks).toContain('deploy_rollback');
    expect(h.parent(d.id).text).toContain('rejected');
    nothingTouched(h);
  });

  it.each([['ROLLBACK_COMPLETE'], ['REVIEW_IN_PROGRESS']])(
    '%s from an earlier failed create: rejected saying the stack must be deleted',
    async (status) => {
      h = new Harness();
      h.cfn.addStack('api-staging', status);
      const d = h.enqueue('api', 'staging', SHA);
      await h.worker.tick();
      expect(h.get(d.id).state).toBe('rejected');
      const note = h.reply(d.id, 'preflight')!;
      expect(note.text).toContain(`stack api-staging is ${status} after an earlier failed create`);
      expect(note.text).toContain('must delete it before the next deploy');
      expect(note.blocks).not.toContain('Continue rollback');
      nothingTouched(h);
    },
  );

  it('DELETE_IN_PROGRESS: rejected (not left waiting behind an "in progress" stack)', async () => {
    h = new Harness();
    h.cfn.addStack('api-staging', 'DELETE_IN_PROGRESS');
    const d = h.enqueue('api', 'staging', SHA);
    await h.worker.tick();
    expect(h.get(d.id)).toMatchObject({ state: 'rejected', waitReason: null });
    expect(h.reply(d.id, 'preflight')!.text).toContain('stack api-staging is DELETE_IN_PROGRESS');
    nothingTouched(h);
  });

  it('before the change set: a stack that went UPDATE_ROLLBACK_FAILED during the build fails without a change set', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging', SHA);
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('building');
    h.cfn.stackStatus.set('api-staging', 'UPDATE_ROLLBACK_FAILED');
    Object.assign(h.build(d.id), { buildStatus: 'SUCCEEDED', resolvedSourceVersion: SHA });
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure).toMatchObject({ phase: 'changeset' });
    expect(h.get(d.id).failure!.reason).toContain('UPDATE_ROLLBACK_FAILED');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
  });
});

describe('"Continue rollback" on a preflight refusal', () => {
  it('runs ContinueUpdateRollback on the named stack, records it, and neither locks the target nor marks the SHA', async () => {
    const db = testDb();
    const clock = new FakeClock();
    const config = exampleConfig();
    const deps = services(db, config, clock);
    const app = testApp(deps);
    const prod = target(config);
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'queued' });
    new DeploymentsRepo(db).transition(d.id, 'queued', 'rejected', clock.now(), {
      failure: {
        phase: 'preflight',
        reason: 'stack api-production is UPDATE_ROLLBACK_FAILED',
        stackName: 'api-production',
      },
    });
    const aws = cfnScripted('eu-west-1', 'UPDATE_ROLLBACK_FAILED', [{ op: 'ContinueUpdateRollback' }]);
    const replies = captureResponses();

    await click(app, 'deploy_rollback', 'U01', String(d.id));

    expect(aws.seen.map((s) => s.Action)).toEqual(['DescribeStacks', 'ContinueUpdateRollback']);
    expect(aws.seen[1]).toMatchObject({ StackName: 'api-production', ClientRequestToken: `${d.token}-continue` });
    expect(replies.texts[0]).toContain('ContinueUpdateRollback started on `api-production`');
    expect(new DeploymentActionsRepo(db).of(d.id)).toMatchObject([{ action: 'continue_rollback', user: 'U01' }]);
    expect(new LocksRepo(db).get(prod.key)).toBeUndefined();
  });
});
