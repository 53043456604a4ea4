import { afterEach, describe, expect, it } from 'vitest';
import { EventsRepo } from '../../src/store/events-repo.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import { Harness, SHA } from './harness.js';
import { finishBuild, untilFailed } from './steps.js';

let h: Harness;
afterEach(() => h?.close());

describe('deploy pipeline: failures', () => {
  it('reports a failed build with the failing phase, its message and the logs link', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging');
    await h.worker.tick();
    const build = h.build(d.id);
    Object.assign(build, {
      buildStatus: 'FAILED',
      phases: [
        { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
        { phaseType: 'INSTALL', phaseStatus: 'SUCCEEDED' },
        {
          phaseType: 'BUILD',
          phaseStatus: 'FAILED',
          contexts: [
            {
              statusCode: 'COMMAND_EXECUTION_ERROR',
              message: 'Error while executing command: npm test. Reason: exit status 1',
            },
          ],
        },
        { phaseType: 'POST_BUILD', phaseStatus: 'SUCCEEDED' },
      ],
    });
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    const failed = h.get(d.id);
    expect(failed.failure).toMatchObject({ phase: 'build', reason: expect.stringContaining('BUILD phase FAILED') });
    const result = h.reply(d.id, 'result')!;
    expect(result.blocks).toContain('Failed* in build');
    expect(result.blocks).toContain('npm test. Reason: exit status 1');
    expect(result.blocks).toContain('/aws/codebuild/');
    expect(result.blocks).toContain('build logs');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
    expect(h.parent(d.id).text).toContain('failed');
  });

  it('names the root cause the moment it is read, before the rollback completes, and never a cascade', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging', SHA, 'v2');
    await h.toUpdating(d);
    const t = h.clock.now();
    const tok = { ClientRequestToken: d.token };
    const stack = 'web-staging';
    h.cfn.event(
      stack,
      {
        ...resourceEvent(stack, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', undefined, 'User Initiated'),
        ...tok,
      },
      t,
    );
    h.cfn.event(
      stack,
      { ...resourceEvent('Search', 'AWS::OpenSearchService::Domain', 'UPDATE_IN_PROGRESS'), ...tok },
      t + 1000,
    );
    h.cfn.event(stack, { ...resourceEvent('Db', 'AWS::RDS::DBInstance', 'UPDATE_IN_PROGRESS'), ...tok }, t + 1000);
    h.cfn.event(
      stack,
      {
        ...resourceEvent(
          'Queue',
          'AWS::SQS::Queue',
          'UPDATE_FAILED',
          undefined,
          'Resource handler returned message: "Invalid value for VisibilityTimeout" (Service: Sqs, Status Code: 400)',
        ),
        ...tok,
      },
      t + 2000,
    );
    h.cfn.event(
      stack,
      {
        ...resourceEvent('Db', 'AWS::RDS::DBInstance', 'UPDATE_FAILED', undefined, 'Resource update cancelled'),
        ...tok,
      },
      t + 3000,
    );
    h.cfn.event(
      stack,
      {
        ...resourceEvent(
          'Search',
          'AWS::OpenSearchService::Domain',
          'UPDATE_FAILED',
          undefined,
          'Resource update cancelled',
        ),
        ...tok,
      },
      t + 3000,
    );
    h.cfn.event(
      stack,
      {
        ...resourceEvent(
          stack,
          'AWS::CloudFormation::Stack',
          'UPDATE_ROLLBACK_IN_PROGRESS',
          undefined,
          'The following resource(s) failed to update: [Queue, Db, Search].',
        ),
        ...tok,
      },
      t + 4000,
    );
    h.cfn.stackStatus.set(stack, 'UPDATE_ROLLBACK_IN_PROGRESS');

    h.clock.advance(5000);
    await h.worker.tick();
    // Still rolling back, but the cause is already in the thread.
    expect(h.get(d.id).state).toBe('deploying');
    const cause = h.reply(d.id, 'root-cause')!;
    expect(cause).toBeDefined();
    expect(cause.text).toContain('Root cause: Queue (AWS::SQS::Queue) UPDATE_FAILED');
    expect(cause.blocks).toContain('Invalid value for VisibilityTimeout');
    expect(cause.blocks).toContain('cloudformation/home?region=us-east-1#/stacks/events');
    expect(cause.blocks).not.toContain('`Db`');
    expect(h.reply(d.id, 'result')).toBeUndefined();

    h.cfn.event(stack, { ...resourceEvent('Db', 'AWS::RDS::DBInstance', 'UPDATE_COMPLETE'), ...tok }, t + 60_000);
    h.cfn.event(
      stack,
      { ...resourceEvent(stack, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE'), ...tok },
      t + 61_000,
    );
    h.cfn.stackStatus.set(stack, 'UPDATE_ROLLBACK_COMPLETE');
    const failure = await untilFailed(h, d.id);
    expect(failure).toMatchObject({ phase: 'stack_update', logicalId: 'Queue', resourceType: 'AWS::SQS::Queue' });
    const result = h.reply(d.id, 'result')!;
    expect(result.blocks).toContain('`Queue` (AWS::SQS::Queue)');
    expect(result.blocks).toContain('+ 2 resources cancelled or failed as a consequence');
    expect(result.blocks).not.toContain('Db');
    // Said once: the root cause reply quotes AWS, the result points at it (issue 13).
    expect(h.reply(d.id, 'root-cause')!.blocks).toContain('Invalid value for VisibilityTimeout');
    expect(result.blocks).not.toContain('Invalid value for VisibilityTimeout');
    expect(result.blocks).toContain('root cause above');
    expect(result.text).toContain('Failed in stack update');
    expect(result.text).not.toContain('stack_update');
    const keys = h
      .outbox(d.id)
      .filter((r) => r.op === 'post')
      .map((r) => r.key.split(':')[1]);
    expect(keys.indexOf('root-cause')).toBeLessThan(keys.indexOf('result'));
    expect(keys.filter((k) => k === 'root-cause')).toHaveLength(1);
    expect(new EventsRepo(h.db).forDeployment(d.id)).toHaveLength(9);
  });

  it('treats a change set that "didn\'t contain changes" as a successful no-op', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging', SHA, 'v1');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    h.cfn.changeSets.set(`coxswain-${d.id}-1`, {
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      Changes: [],
    });
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(h.get(d.id).summary).toBe('no changes');
    expect(h.reply(d.id, 'result')!.text).toContain('No changes');
    expect(h.cfn.count('ExecuteChangeSet')).toBe(0);
    expect(h.parent(d.id).text).toContain('no changes');
  });

  it('fails on a change set that failed for a real reason, quoting AWS', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    h.cfn.changeSets.set(`coxswain-${d.id}-1`, {
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason: 'Parameter validation failed: parameter value v9 for parameter name Version does not exist',
      Changes: [],
    });
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure).toMatchObject({ phase: 'changeset' });
    expect(h.reply(d.id, 'result')!.blocks).toContain('Parameter validation failed');
  });

  it("turns a validation error from a mutating call into a failure with AWS's message", async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    h.cfn.failNext('CreateChangeSet', 'ValidationError', 'Parameters: [Foo] do not exist in the template');
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure?.reason).toBe('ValidationError: Parameters: [Foo] do not exist in the template');
  });

  it('never fails a deployment because of throttling, 5xx or expired credentials while polling', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    await h.toUpdating(d);
    h.cfn.failNext('DescribeStacks', 'Throttling', 'Rate exceeded');
    h.cfn.failNext('DescribeStacks', 'InternalFailure', 'We encountered an internal error', 500);
    h.cfn.failNext('DescribeStacks', 'ExpiredToken', 'The security token included in the request is expired');
    for (let i = 0; i < 3; i++) {
      h.clock.advance(15_000);
      await h.worker.tick();
      expect(h.get(d.id).state).toBe('deploying');
    }
    expect(h.cfn.errors.get('DescribeStacks')).toEqual([]);
    // Backed off, never slower than 3 × pollSeconds.
    expect(h.get(d.id).nextPollAt! - h.clock.now()).toBeLessThanOrEqual(15_000);
    h.cfn.event(
      'web-staging',
      { ...resourceEvent('web-staging', 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE'), ClientRequestToken: d.token },
      h.clock.now(),
    );
    h.cfn.stackStatus.set('web-staging', 'UPDATE_COMPLETE');
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(h.outbox(d.id).filter((r) => r.key.endsWith(':result'))).toHaveLength(1);
    expect(h.reply(d.id, 'result')!.text).toContain('Deployed');
  });

  it('warns in the thread when CodeBuild built a different SHA than requested', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging');
    await finishBuild(h, d, { resolvedSourceVersion: 'ffffffffffffffffffffffffffffffffffffffff' });
    await h.tickUntil(() => h.get(d.id).state === 'deploying');
    const finished = h.reply(d.id, 'build-finished')!;
    expect(finished.text).toContain('SHA MISMATCH');
    expect(finished.blocks).toContain('not the requested `a1b2c3d`');
  });
});
