import { describe, expect, it } from 'vitest';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { type StackStepStatus, StacksRepo } from '../../src/store/stacks-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { cfnScripted, stackArn } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { twoStackConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { lastPayload, threadPayloads } from '../helpers/outbox-rows.js';
import { captureResponses, click, deployment, failedAfterGood, services, sha, target, testApp } from './harness.js';

/** api with two stacks: the app, then its worker. */
function setup() {
  const db = testDb();
  const clock = new FakeClock();
  const config = twoStackConfig();
  const deps = services(db, config, clock);
  const prod = target(config);
  expect(prod.stacks.map((s) => s.name)).toEqual(['api-production', 'api-worker-production']);
  return { db, clock, deps, app: testApp(deps), prod };
}

/** The deployment's stack rows, as the runner leaves them. */
function rows(db: ReturnType<typeof testDb>, deploymentId: number, statuses: StackStepStatus[], region = 'eu-west-1') {
  const repo = new StacksRepo(db);
  repo.ensure(deploymentId, [
    { stackName: 'api-production', region, parameters: {} },
    { stackName: 'api-worker-production', region, parameters: {} },
  ]);
  // Walk each row through the runner's steps to the wanted status.
  const path: StackStepStatus[] = ['pending', 'changeset', 'updating'];
  statuses.forEach((want, i) => {
    for (let k = 1; k < path.length && path[k - 1] !== want; k++) {
      expect(repo.update(deploymentId, i + 1, path[k - 1]!, { status: path[k]! })).toBe(true);
    }
    if (!path.includes(want)) expect(repo.update(deploymentId, i + 1, 'updating', { status: want })).toBe(true);
  });
  expect(repo.list(deploymentId).map((r) => r.status)).toEqual(statuses);
}

function threadText(db: ReturnType<typeof testDb>, deploymentId: number): string {
  return threadPayloads(db, threadKeys.parent(deploymentId));
}

describe('deploy_rollback on a multi-stack target', () => {
  it('cancelling while the second stack updates sends CancelUpdateStack for the second stack', async () => {
    const { db, clock, deps, app, prod } = setup();
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'deploying' });
    rows(db, d.id, ['succeeded', 'updating']);
    const aws = cfnScripted('eu-west-1', 'UPDATE_IN_PROGRESS', [{ op: 'CancelUpdateStack' }]);
    const replies = captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(aws.scope.isDone()).toBe(true);
    expect(aws.seen.map((s) => [s.Action, s.StackName])).toEqual([
      ['DescribeStacks', 'api-worker-production'],
      ['CancelUpdateStack', 'api-worker-production'],
    ]);
    expect(aws.seen[1]?.ClientRequestToken).toBe(`${d.token}-cancel`);
    expect(deps.deployments.get(d.id)?.state).toBe('cancelling');
    expect(replies.texts[0]).toBe('Cancelling the update of `api-worker-production`; CloudFormation rolls it back.');
    expect(threadText(db, d.id)).toContain('<@U01> cancelled the update of `api-worker-production`');
  });

  it('uses the row’s region when the deployment recorded one', async () => {
    const { db, clock, app, prod } = setup();
    const d = deployment(db, clock, prod, { sha: sha('b'), state: 'deploying' });
    rows(db, d.id, ['updating', 'pending'], 'us-west-2');
    const aws = cfnScripted('us-west-2', 'UPDATE_IN_PROGRESS', [{ op: 'CancelUpdateStack' }]);
    captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(aws.scope.isDone()).toBe(true);
    expect(aws.seen[1]).toMatchObject({ Action: 'CancelUpdateStack', StackName: 'api-production' });
  });

  it('a failed second stack in UPDATE_ROLLBACK_FAILED gets ContinueUpdateRollback, named in the thread', async () => {
    const { db, clock, app, prod, deps } = setup();
    deployment(db, clock, prod, { sha: sha('a'), state: 'succeeded' });
    const d = deployment(db, clock, prod, {
      sha: sha('b'),
      state: 'failed',
      failure: { phase: 'stack_update', reason: 'boom', stackName: 'api-worker-production' },
    });
    rows(db, d.id, ['succeeded', 'failed']);
    const aws = cfnScripted('eu-west-1', 'UPDATE_ROLLBACK_FAILED', [{ op: 'ContinueUpdateRollback' }]);
    const replies = captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(aws.scope.isDone()).toBe(true);
    expect(aws.seen.map((s) => [s.Action, s.StackName])).toEqual([
      ['DescribeStacks', 'api-worker-production'],
      ['ContinueUpdateRollback', 'api-worker-production'],
    ]);
    expect(replies.texts[0]).toBe(
      '`api-worker-production` was UPDATE_ROLLBACK_FAILED: ContinueUpdateRollback started.',
    );
    expect(new DeploymentActionsRepo(db).of(d.id)).toMatchObject([
      {
        action: 'continue_rollback',
        user: 'U01',
        detail: 'UPDATE_ROLLBACK_FAILED',
        stackName: 'api-worker-production',
      },
    ]);
    expect(deps.deployments.queueOf(prod.key)).toHaveLength(0);
  });

  it('with several failed stacks, recovers the first one that can be recovered in place (RollbackStack)', async () => {
    const { db, clock, app, prod } = setup();
    const d = failedAfterGood(db, clock, prod);
    rows(db, d.id, ['failed', 'failed']);
    const first = cfnScripted('eu-west-1', 'UPDATE_ROLLBACK_COMPLETE');
    const second = cfnScripted('eu-west-1', 'UPDATE_FAILED', [
      {
        op: 'RollbackStack',
        result: { StackId: stackArn('eu-west-1', 'api-production') },
      },
    ]);
    captureResponses();
    await click(app, 'deploy_rollback', 'U01', String(d.id));
    expect(first.seen.map((s) => s.StackName)).toEqual(['api-production']);
    expect(second.seen.map((s) => [s.Action, s.StackName])).toEqual([
      ['DescribeStacks', 'api-worker-production'],
      ['RollbackStack', 'api-worker-production'],
    ]);
    const note = lastPayload(db, threadKeys.reply(d.id, `rollback_stack-${clock.now()}`));
    expect(note?.payload.text).toContain('api-worker-production');
    // The click names the stack acted on, so the recovery watcher follows that one and not the first failed row.
    expect(new DeploymentActionsRepo(db).of(d.id)).toMatchObject([
      { action: 'rollback_stack', stackName: 'api-worker-production' },
    ]);
    expect(new StacksRepo(db).unwatchedRecoveries(0).map((r) => r.stack.stackName)).toEqual(['api-worker-production']);
  });
});
