import { describe, expect, it } from 'vitest';
import { approvalKey } from '../../src/approvals/approval-service.js';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { LocksRepo } from '../../src/store/locks-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { cfnScripted, stackArn } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { lastPayload, threadPayloads } from '../helpers/outbox-rows.js';
import { captureResponses, click, deployment, failedAfterGood, services, sha, target, testApp } from './harness.js';

function setup() {
  const db = testDb();
  const clock = new FakeClock();
  const config = exampleConfig();
  const deps = services(db, config, clock);
  return {
    db,
    clock,
    config,
    deps,
    app: testApp(deps),
    prod: target(config),
    staging: target(config, 'api', 'staging'),
  };
}

describe('deploy_rollback on a running or stalled update', () => {
  it('calls CancelUpdateStack, moves deploying → cancelling and says who in the thread', async () => {
    const { db, clock, deps, app, prod } = setup();
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'deploying' });
    deps.deployments.update(d.id, 'deploying', clock.now(), { stalledAt: clock.now() });
    const aws = cfnScripted('eu-west-1', 'UPDATE_IN_PROGRESS', [{ op: 'CancelUpdateStack' }]);
    const replies = captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(aws.scope.isDone()).toBe(true);
    expect(aws.seen[1]).toMatchObject({
      Action: 'CancelUpdateStack',
      StackName: 'api-production',
      ClientRequestToken: `${d.token}-cancel`,
    });
    expect(deps.deployments.get(d.id)).toMatchObject({ state: 'cancelling', stalledAt: null });
    expect(replies.texts[0]).toContain('Cancelling the update of `api-production`');
    expect(threadPayloads(db, threadKeys.parent(d.id))).toContain(
      '<@U01> cancelled the update of `api-production` (CancelUpdateStack)',
    );
    expect(new DeploymentActionsRepo(db).of(d.id)).toMatchObject([{ action: 'cancel_update', user: 'U01' }]);
  });

  it('redraws the thread parent as rolling back, in the same step as the state change', async () => {
    const { db, clock, deps, app, prod } = setup();
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'deploying' });
    deps.deployments.update(d.id, 'deploying', clock.now(), { stalledAt: clock.now() });
    cfnScripted('eu-west-1', 'UPDATE_IN_PROGRESS', [{ op: 'CancelUpdateStack' }]);
    captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    const parent = lastPayload(db, threadKeys.parent(d.id));
    // The harness posted a placeholder parent (`#id`); the click redraws it from the deployment's new state.
    expect(parent?.payload.text).toContain(`Deploy #${d.id} api → production`);
    expect(parent?.payload.text).toContain('rolling back');
    // The stall cleared with the transition: the parent no longer says stalled.
    expect(parent?.payload.text).not.toContain('stalled');
    expect(JSON.stringify(parent?.payload.blocks)).toContain(':leftwards_arrow_with_hook:');
  });

  it('refuses someone who may not deploy there, before any AWS call', async () => {
    const { db, clock, app, prod, deps } = setup();
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'deploying' });
    const replies = captureResponses();
    await click(app, 'deploy_rollback', 'U09', String(d.id));
    expect(replies.texts[0]).toBe('You are not allowed to roll back this target here; deployers: <@U01>, <@U02>.');
    expect(deps.deployments.get(d.id)?.state).toBe('deploying');
  });

  it('reports a stack that is no longer updating instead of cancelling', async () => {
    const { db, clock, app, prod, deps } = setup();
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'deploying' });
    cfnScripted('eu-west-1', 'UPDATE_COMPLETE');
    const replies = captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(replies.texts[0]).toContain('is UPDATE_COMPLETE: there is no update to stop or undo');
    expect(deps.deployments.get(d.id)?.state).toBe('deploying');
  });
});

describe('deploy_keep_waiting', () => {
  it('clears the stall once, records who chose to wait and says so in the thread', async () => {
    const { db, clock, app, prod, deps } = setup();
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'deploying' });
    deps.deployments.update(d.id, 'deploying', clock.now(), { stalledAt: clock.now() });
    await click(app, 'deploy_keep_waiting', 'U02', String(d.id));
    expect(deps.deployments.get(d.id)?.stalledAt).toBeNull();
    expect(new DeploymentActionsRepo(db).lastAt(d.id, 'keep_waiting')).toMatchObject({ user: 'U02', at: clock.now() });
    const note = lastPayload(db, threadKeys.reply(d.id, `keep-waiting-${clock.now()}`))!;
    expect(note.payload.text).toContain('<@U02> chose to keep waiting');
    const replies = captureResponses();
    await click(app, 'deploy_keep_waiting', 'U01', String(d.id));
    expect(replies.texts[0]).toBe(`Deploy #${d.id} is not stalled now (<@U02> chose to keep waiting).`);
  });
});

describe('deploy_rollback on a failed deployment', () => {
  it('UPDATE_ROLLBACK_FAILED → ContinueUpdateRollback, and the target is locked with the bad SHA', async () => {
    const { db, clock, app, prod, deps } = setup();
    const d = failedAfterGood(db, clock, prod);
    const aws = cfnScripted('eu-west-1', 'UPDATE_ROLLBACK_FAILED', [{ op: 'ContinueUpdateRollback' }]);
    const replies = captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(aws.scope.isDone()).toBe(true);
    expect(aws.seen.map((s) => s.Action)).toEqual(['DescribeStacks', 'ContinueUpdateRollback']);
    expect(aws.seen[1]).toMatchObject({ StackName: 'api-production', ClientRequestToken: `${d.token}-continue` });
    expect(replies.texts[0]).toContain('ContinueUpdateRollback started');
    expect(new LocksRepo(db).get(prod.key)).toMatchObject({
      kind: 'rollback',
      badSha: sha('b'),
      reason: 'rolled back from bbbbbbb by <@U01>',
    });
    expect(deps.deployments.queueOf(prod.key)).toHaveLength(0);
  });

  it('UPDATE_FAILED after a disabled rollback → RollbackStack', async () => {
    const { db, clock, app, prod } = setup();
    const d = failedAfterGood(db, clock, prod);
    const aws = cfnScripted('eu-west-1', 'UPDATE_FAILED', [
      {
        op: 'RollbackStack',
        result: { StackId: stackArn('eu-west-1', 'api-production') },
      },
    ]);
    captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(aws.seen.at(-1)).toMatchObject({ Action: 'RollbackStack', ClientRequestToken: `${d.token}-rollback` });
  });

  it('a stack already rolled back → queues a rollback deployment to the last good SHA, ahead of the queue, needing approval', async () => {
    const { db, clock, app, prod, deps } = setup();
    const good = deployment(db, clock, prod, { sha: sha('a'), state: 'succeeded' });
    const d = deployment(db, clock, prod, {
      sha: sha('b'),
      state: 'failed',
      failure: { phase: 'stack_update', reason: 'boom' },
    });
    const waiting = deployment(db, clock, prod, { sha: sha('c'), state: 'queued' });
    cfnScripted('eu-west-1', 'UPDATE_ROLLBACK_COMPLETE');
    const replies = captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    const queue = deps.deployments.queueOf(prod.key);
    expect(queue[0]).toMatchObject({
      kind: 'rollback',
      sha: sha('a'),
      rollbackOf: good.id,
      priority: 100,
      state: 'pending_approval',
      requestedBy: 'U01',
    });
    expect(queue[1]?.id).toBe(waiting.id);
    expect(replies.texts[0]).toContain(`from bbbbbbb to aaaaaaa (deploy #${good.id}); it needs approval`);
    expect(lastPayload(db, approvalKey(queue[0]!.id))?.payload.text).toContain('Approval needed: rollback');
    expect(new LocksRepo(db).get(prod.key)).toMatchObject({ kind: 'rollback', deploymentId: queue[0]!.id });
    expect(deps.deployments.get(waiting.id)?.waitReason).toContain('locked by <@U01>: rolled back from bbbbbbb');
  });

  it('a rejected rollback releases its lock and the bad-SHA mark', async () => {
    const { db, clock, app, prod, deps } = setup();
    deployment(db, clock, prod, { sha: sha('a'), state: 'succeeded' });
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'failed', failure: { phase: 'build', reason: 'x' } });
    captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    const rb = deps.deployments.queueOf(prod.key)[0]!;
    await click(app, 'deploy_reject', 'U03', String(rb.id));
    expect(deps.deployments.get(rb.id)?.state).toBe('rejected');
    expect(new LocksRepo(db).get(prod.key)).toBeUndefined();
    expect(new LocksRepo(db).badSha(prod.key, sha('b'))).toBeUndefined();
    expect(new LocksRepo(db).history(prod.key).map((h) => h.action)).toEqual(['release', 'lock']);
  });
});

describe('deploy_retry', () => {
  it('queues the same SHA again; a second click joins it', async () => {
    const { db, clock, app, staging, deps } = setup();
    const d = deployment(db, clock, staging, {
      sha: sha('b'),
      state: 'failed',
      failure: { phase: 'build', reason: 'x' },
    });
    const replies = captureResponses();
    await click(app, 'deploy_retry', 'U07', String(d.id));
    await click(app, 'deploy_retry', 'U08', String(d.id));
    const queue = deps.deployments.queueOf(staging.key);
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ kind: 'deploy', sha: sha('b'), state: 'queued', requestedBy: 'U07' });
    expect(replies.texts).toEqual([
      `Queued deploy #${queue[0]!.id} to retry.`,
      `Joined deploy #${queue[0]!.id}, already queued for the same commit.`,
    ]);
  });

  it('refuses to retry a deployment that is still running', async () => {
    const { db, clock, app, staging } = setup();
    const d = deployment(db, clock, staging, { sha: sha('b'), state: 'deploying' });
    const replies = captureResponses();
    await click(app, 'deploy_retry', 'U07', String(d.id));
    expect(replies.texts[0]).toContain('only a failed or cancelled deployment can be retried');
  });
});

describe('/rollback', () => {
  it('without an argument returns to the last success before the current one', async () => {
    const { db, clock, staging, deps } = setup();
    const a = deployment(db, clock, staging, { sha: sha('a'), state: 'succeeded' });
    deployment(db, clock, staging, { sha: sha('b'), state: 'succeeded' });
    deployment(db, clock, staging, { sha: sha('c'), state: 'failed', failure: { phase: 'build', reason: 'x' } });
    const c = deployment(db, clock, staging, { sha: sha('d'), state: 'succeeded' });
    const res = await deps.rollbacks.rollbackTarget({ service: 'api', environment: 'staging', user: 'U07' });
    expect(res.ok).toBe(true);
    const rb = deps.deployments.queueOf(staging.key)[0]!;
    expect(rb).toMatchObject({ kind: 'rollback', sha: sha('b'), state: 'queued' });
    expect(new LocksRepo(db).get(staging.key)?.badSha).toBe(c.sha);
    // An explicit deployment id, validated against the target.
    const other = deployment(db, clock, target(exampleConfig(), 'web', 'staging'), {
      sha: sha('e'),
      state: 'succeeded',
    });
    const wrong = await deps.rollbacks.rollbackTarget({
      service: 'api',
      environment: 'staging',
      user: 'U07',
      arg: `#${other.id}`,
    });
    expect(wrong).toEqual({
      ok: false,
      reason: 'wrong_target',
      message: `Deployment #${other.id} belongs to \`web/staging\`, not \`api/staging\`.`,
    });
    const bySha = await deps.rollbacks.rollbackTarget({
      service: 'api',
      environment: 'staging',
      user: 'U07',
      arg: 'aaaaaaa',
    });
    expect(bySha.ok).toBe(true);
    expect(deps.deployments.queueOf(staging.key).map((q) => q.rollbackOf)).toEqual([expect.any(Number), a.id]);
  });

  it('refuses garbage arguments without touching anything', async () => {
    const { deps } = setup();
    const res = await deps.rollbacks.rollbackTarget({
      service: 'api',
      environment: 'staging',
      user: 'U07',
      arg: "x'; DROP TABLE",
    });
    expect(res).toEqual({
      ok: false,
      reason: 'bad_argument',
      message: 'Give a commit SHA (7–40 hex characters) or a deployment id such as `#17`.',
    });
  });
});
