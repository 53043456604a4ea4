import { afterEach, describe, expect, it } from 'vitest';
import { UNTOKENED_OPERATION } from '../../src/runner/build-operation.js';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import { modesConfig } from '../helpers/config.js';
import { Harness, modesHarness, SHA } from './harness.js';
import { buildStarted, buildSucceeds, clickRecovery, finishBuild, stackEvent, untilFailed } from './steps.js';

let h: Harness;
afterEach(() => h?.close());

describe('mode parameters: the configured templateUrl only creates the stack', () => {
  it('updates an existing stack on its previous template, keeping the parameters the config does not set', async () => {
    h = modesHarness();
    // The stack exists (created earlier from templateUrl) with a parameter the config does not set.
    h.cfn.addStack('fresh-staging', 'UPDATE_COMPLETE', { Version: 'old', Retention: '30' });
    const d = h.enqueue('fresh', 'staging');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    const p = h.cfn.calls.find((c) => c.action === 'CreateChangeSet')!.params;
    expect(p.get('ChangeSetType')).toBe('UPDATE');
    expect(p.get('TemplateURL')).toBeNull();
    expect(p.get('UsePreviousTemplate')).toBe('true');
    // API_Parameter: a parameter left out of an update takes the template's default; UsePreviousValue keeps it.
    const params = new Map<string, { value: string | null; previous: string | null }>();
    for (let i = 1; p.get(`Parameters.member.${i}.ParameterKey`); i++) {
      params.set(p.get(`Parameters.member.${i}.ParameterKey`)!, {
        value: p.get(`Parameters.member.${i}.ParameterValue`),
        previous: p.get(`Parameters.member.${i}.UsePreviousValue`),
      });
    }
    expect(params.get('Version')).toEqual({ value: SHA, previous: null });
    expect(params.get('Retention')).toEqual({ value: null, previous: 'true' });
  });
});

describe('mode build without a ClientRequestToken (sam deploy, aws cloudformation deploy)', () => {
  it('follows the operation that began after the build started and reports its root cause', async () => {
    h = modesHarness();
    const { d, build, start } = await buildStarted(h);
    // An untokened operation before the build is not ours.
    stackEvent(h, 'cdk-a-staging', 'UPDATE_IN_PROGRESS', undefined, start - 60_000);
    h.cfn.event(
      'cdk-a-staging',
      resourceEvent('Old', 'AWS::SNS::Topic', 'UPDATE_FAILED', undefined, 'an old failure'),
      start - 59_000,
    );
    h.clock.advance(5000);
    const t = h.clock.now();
    stackEvent(h, 'cdk-a-staging', 'UPDATE_IN_PROGRESS', undefined, t);
    h.cfn.event(
      'cdk-a-staging',
      resourceEvent('Queue', 'AWS::SQS::Queue', 'UPDATE_FAILED', undefined, 'Invalid value for VisibilityTimeout'),
      t + 1000,
    );
    const failedToUpdate = 'The following resource(s) failed to update: [Queue].';
    stackEvent(h, 'cdk-a-staging', 'UPDATE_ROLLBACK_IN_PROGRESS', undefined, t + 2000, failedToUpdate);
    h.cfn.stackStatus.set('cdk-a-staging', 'UPDATE_ROLLBACK_IN_PROGRESS');
    await h.tickUntil(() => h.reply(d.id, 'root-cause') !== undefined);
    const row = new StacksRepo(h.db).get(d.id, 1)!;
    expect(row.opToken).toBe(UNTOKENED_OPERATION);
    expect(row.startedAt).toBe(t);
    expect(h.reply(d.id, 'root-cause')!.text).toContain('Queue (AWS::SQS::Queue) UPDATE_FAILED');

    h.cfn.stackReports('cdk-a-staging', 'UPDATE_ROLLBACK_COMPLETE', undefined, t + 9000);
    buildSucceeds(build, t + 10_000);
    expect(await untilFailed(h, d.id)).toMatchObject({ stackName: 'cdk-a-staging', logicalId: 'Queue' });
    expect(h.reply(d.id, 'result')!.blocks).toContain(
      'The build succeeded, but `cdk-a-staging` ended in UPDATE_ROLLBACK_COMPLETE',
    );
    expect(h.reply(d.id, 'result')!.text).not.toContain('no changes');
  });

  it('a green untokened deploy is reported as deployed, not as "no changes"', async () => {
    h = modesHarness();
    const { d, build } = await buildStarted(h);
    h.clock.advance(5000);
    const t = h.clock.now();
    stackEvent(h, 'cdk-b-staging', 'UPDATE_IN_PROGRESS', undefined, t);
    h.cfn.stackReports('cdk-b-staging', 'UPDATE_COMPLETE', undefined, t + 3000);
    buildSucceeds(build, t + 4000);
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(new StacksRepo(h.db).list(d.id).map((s) => s.status)).toEqual(['noop', 'succeeded']);
    expect(h.reply(d.id, 'result')!.text).toContain('Deployed');
    expect(h.reply(d.id, 'result')!.text).not.toMatch(/no changes/i);
  });
});

describe('recovery of a stack RollbackStack deletes', () => {
  it('follows the stack by its id after deletion and reports the result instead of retrying forever', async () => {
    h = new Harness({ config: modesConfig() });
    const A = 'cdk-a-staging';
    h.cfn.addStack('cdk-b-staging', 'UPDATE_COMPLETE', {});
    const arn = h.cfn.stackArn(A);
    const { d, build } = await buildStarted(h);
    h.clock.advance(5000);
    h.cfn.addStack(A, 'CREATE_IN_PROGRESS', {});
    const t = h.clock.now();
    // `cdk deploy --no-rollback` creating the stack: it fails and stays CREATE_FAILED (no stable state to go back to).
    // A stack's own events carry its id as PhysicalResourceId (DescribeStackEvents).
    const own = (status: string, token: string) => ({
      ...resourceEvent(A, 'AWS::CloudFormation::Stack', status),
      ClientRequestToken: token,
      PhysicalResourceId: arn,
    });
    h.cfn.event(A, own('CREATE_IN_PROGRESS', 'exec-a'), t);
    h.cfn.event(
      A,
      {
        ...resourceEvent('Topic', 'AWS::SNS::Topic', 'CREATE_FAILED', undefined, 'Invalid parameter'),
        ClientRequestToken: 'exec-a',
      },
      t + 1000,
    );
    h.cfn.event(A, own('CREATE_FAILED', 'exec-a'), t + 2000);
    h.cfn.stackStatus.set(A, 'CREATE_FAILED');
    await h.worker.tick();
    buildSucceeds(build, h.clock.now());
    await untilFailed(h, d.id);

    // The Roll back button ran RollbackStack (src/rollbacks/recover-in-place.ts records the click).
    const at = clickRecovery(h, d.id, 'rollback_stack', 'CREATE_FAILED', A);
    // RollbackStack deleted it: by name CloudFormation answers "Stack with id cdk-a-staging does not exist"
    // (ValidationError); by its id, DescribeStacks says DELETE_COMPLETE and the events are still there.
    h.cfn.events.set(arn, h.cfn.events.get(A)!);
    h.cfn.events.delete(A);
    h.cfn.stackStatus.delete(A);
    h.cfn.stackStatus.set(arn, 'DELETE_COMPLETE');
    h.cfn.event(arn, own('DELETE_IN_PROGRESS', `${d.token}-rollback`), at + 1000);
    h.cfn.event(arn, own('DELETE_COMPLETE', `${d.token}-rollback`), at + 5000);

    await h.tickUntil(() => h.reply(d.id, `recovery-result-${at}-1`) !== undefined, { max: 10 });
    expect(h.reply(d.id, `recovery-result-${at}-1`)!.text).toContain(`${A} recovered (DELETE_COMPLETE)`);
    const byArn = h.cfn.calls.filter((c) => c.action === 'DescribeStackEvents' && c.params.get('StackName') === arn);
    expect(byArn.length).toBeGreaterThan(0);
    expect(new StacksRepo(h.db).get(d.id, 1)!.recovery).toBe('done');
  });
});

describe('UsePreviousTemplate with AWS::LanguageExtensions', () => {
  it('refuses to update in place, says why and what to do, and creates no change set', async () => {
    h = new Harness();
    // GetTemplateSummary lists the template's transforms in DeclaredTransforms (API_GetTemplateSummary).
    h.cfn.transforms.set('api-staging', ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31']);
    const d = h.enqueue('api', 'staging');
    // api builds an image first; let the build succeed.
    await finishBuild(h, d);
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure!.reason).toContain('uses the AWS::LanguageExtensions transform');
    expect(h.get(d.id).failure!.reason).toContain('mode template');
    expect(h.cfn.count('GetTemplateSummary')).toBe(1);
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
    expect(h.reply(d.id, 'result')!.blocks).toContain('AWS::LanguageExtensions');
  });
});
