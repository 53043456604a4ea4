import { afterEach, describe, expect, it } from 'vitest';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { resourceChange, resourceEvent } from '../helpers/cfn-nock.js';
import { APP, type Harness, modesHarness, NET, SHA } from './harness.js';
import {
  buildStarted,
  buildSucceeds,
  changeSetReady,
  finishBuild,
  stackEnds,
  stackEvent,
  storageTooSmall,
  untilFailed,
} from './steps.js';

let h: Harness;
afterEach(() => h?.close());

describe('mode template: change sets from the template the build produced', () => {
  it('uses the artifact URL, shows the summary with stateful replacements, deploys stacks in order and stops at a failure in the second', async () => {
    h = modesHarness();
    const d = h.enqueue('infra', 'staging');
    await finishBuild(h, d, { artifacts: { location: 'arn:aws:s3:::artifacts-bucket/infra/build-1' } });
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    const first = h.cfn.calls.find((c) => c.action === 'CreateChangeSet')!.params;
    expect(first.get('StackName')).toBe(NET);
    expect(first.get('TemplateURL')).toBe(
      'https://artifacts-bucket.s3.us-east-1.amazonaws.com/infra/build-1/cdk.out/Network.template.json',
    );
    expect(first.get('UsePreviousTemplate')).toBeNull();
    expect(first.get('ChangeSetType')).toBe('UPDATE');
    changeSetReady(h, d, 1, [
      resourceChange('Subnet', 'AWS::EC2::Subnet', { action: 'Add' }),
      resourceChange('Db', 'AWS::RDS::DBInstance', { replacement: 'True' }),
    ]);
    await h.tickUntil(() => h.cfn.count('ExecuteChangeSet') === 1);
    const summary = h.reply(d.id, 'changeset-1')!;
    expect(summary.text).toContain('2 resource changes (1 add, 1 modify, 0 remove)');
    expect(summary.blocks).toContain(':rotating_light: *stateful* replaces `Db` (AWS::RDS::DBInstance)');
    expect(h.cfn.changeSets.has(`coxswain-${d.id}-2`)).toBe(false);

    stackEnds(h, NET, 'UPDATE_COMPLETE', d.token);
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-2`));
    const second = h.cfn.calls.filter((c) => c.action === 'CreateChangeSet').at(-1)!.params;
    expect(second.get('TemplateURL')).toContain('/cdk.out/App.template.json');
    expect(second.get('Parameters.member.1.ParameterValue')).toBe(SHA);
    changeSetReady(h, d, 2);
    await h.tickUntil(() => h.cfn.count('ExecuteChangeSet') === 2);
    const t = h.clock.now();
    h.cfn.event(
      APP,
      resourceEvent('Fn', 'AWS::Lambda::Function', 'UPDATE_FAILED', d.token, 'Runtime nodejs8.10 is not supported'),
      t,
    );
    stackEnds(h, APP, 'UPDATE_ROLLBACK_COMPLETE', d.token);
    expect(await untilFailed(h, d.id)).toMatchObject({ stackName: APP, logicalId: 'Fn' });
    expect(h.reply(d.id, 'root-cause')!.text).toContain('Fn (AWS::Lambda::Function) UPDATE_FAILED');
    expect(new StacksRepo(h.db).list(d.id).map((s) => [s.stackName, s.status])).toEqual([
      [NET, 'succeeded'],
      [APP, 'failed'],
    ]);
  });

  it('refuses artifacts not stored under the build id (another build could overwrite them)', async () => {
    h = modesHarness();
    const d = h.enqueue('infra', 'staging');
    await finishBuild(h, d, { artifacts: { location: 'arn:aws:s3:::artifacts-bucket/infra/out.zip' } });
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure!.reason).toContain('does not contain its build id');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
  });
});

describe('first deploy: CREATE', () => {
  it('creates the stack from its template; a failed create is reported with its root cause and the stack to delete', async () => {
    h = modesHarness();
    const d = h.enqueue('fresh', 'staging');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    const create = h.cfn.calls.find((c) => c.action === 'CreateChangeSet')!.params;
    expect(create.get('ChangeSetType')).toBe('CREATE');
    expect(create.get('TemplateURL')).toBe('https://templates.s3.us-east-1.amazonaws.com/fresh.yml');
    expect(create.get('UsePreviousTemplate')).toBeNull();
    changeSetReady(h, d, 1);
    await h.tickUntil(() => h.cfn.count('ExecuteChangeSet') === 1);
    expect(h.cfn.stackStatus.get('fresh-staging')).toBe('CREATE_IN_PROGRESS');
    const t = h.clock.now();
    stackEvent(h, 'fresh-staging', 'CREATE_IN_PROGRESS', d.token, t);
    h.cfn.event(
      'fresh-staging',
      resourceEvent('Bucket', 'AWS::S3::Bucket', 'CREATE_FAILED', d.token, 'acme-logs already exists'),
      t + 1000,
    );
    h.cfn.event(
      'fresh-staging',
      resourceEvent('Role', 'AWS::IAM::Role', 'CREATE_FAILED', d.token, 'Resource creation cancelled'),
      t + 2000,
    );
    h.clock.advance(3000);
    stackEnds(h, 'fresh-staging', 'ROLLBACK_COMPLETE', d.token);
    expect(await untilFailed(h, d.id)).toMatchObject({ logicalId: 'Bucket', reason: 'acme-logs already exists' });
    const result = h.reply(d.id, 'result')!;
    expect(result.blocks).toContain('left it ROLLBACK_COMPLETE: delete the stack before the next try');

    // The next try is refused clearly instead of failing inside CloudFormation: the stack-state preflight (issue 14)
    // rejects it before anything is built or a change set is made.
    const changeSets = h.cfn.count('CreateChangeSet');
    const again = h.enqueue('fresh', 'staging', 'b'.repeat(40));
    await h.tickUntil(() => h.get(again.id).state === 'rejected');
    expect(h.get(again.id).failure!.reason).toContain('is ROLLBACK_COMPLETE after an earlier failed create');
    expect(h.get(again.id).failure!.reason).toContain('must delete it before the next deploy');
    expect(h.cfn.count('CreateChangeSet')).toBe(changeSets);
  });
});

describe('nested stacks', () => {
  it('names the failure inside the nested stack, not the parent\'s "embedded stack" message', async () => {
    h = modesHarness();
    const d = h.enqueue('web', 'staging');
    await h.toUpdating(d);
    const nested = 'arn:aws:cloudformation:us-east-1:123456789012:stack/web-staging-DbStack-ABC/guid-1';
    h.cfn.addNested(nested);
    const t = h.clock.now();
    storageTooSmall(h, nested, undefined, t + 1000);
    h.cfn.event(
      'web-staging',
      resourceEvent(
        'DbStack',
        'AWS::CloudFormation::Stack',
        'UPDATE_FAILED',
        d.token,
        `Embedded stack ${nested} was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS.`,
        nested,
      ),
      t + 2000,
    );
    stackEnds(h, 'web-staging', 'UPDATE_ROLLBACK_COMPLETE', d.token);
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.reply(d.id, 'root-cause')!.text).toContain('Root cause: Instance (AWS::RDS::DBInstance) UPDATE_FAILED');
    expect(h.get(d.id).failure).toMatchObject({
      logicalId: 'Instance',
      reason: 'Storage size 10 is below the minimum',
    });
  });
});

describe('mode build: the build deploys, Coxswain follows', () => {
  it('follows the operation the build started and counts a green build with a rolled-back stack as a failure', async () => {
    h = modesHarness();
    const { d, build, start } = await buildStarted(h);
    // An older operation (before the build) is not ours.
    stackEvent(h, 'cdk-a-staging', 'UPDATE_IN_PROGRESS', 'old-op', start - 60_000);
    h.clock.advance(5000);
    const tok = 'exec-cdk-1234';
    stackEvent(h, 'cdk-a-staging', 'UPDATE_IN_PROGRESS', tok, h.clock.now());
    h.cfn.event(
      'cdk-a-staging',
      resourceEvent('Topic', 'AWS::SNS::Topic', 'UPDATE_FAILED', tok, 'Invalid parameter: KmsMasterKeyId'),
      h.clock.now() + 1000,
    );
    h.cfn.stackStatus.set('cdk-a-staging', 'UPDATE_ROLLBACK_IN_PROGRESS');
    await h.tickUntil(() => h.reply(d.id, 'root-cause') !== undefined);
    expect(h.get(d.id).state).toBe('building');
    expect(new StacksRepo(h.db).get(d.id, 1)!.opToken).toBe(tok);
    expect(h.cfn.count('CreateChangeSet') + h.cfn.count('ExecuteChangeSet')).toBe(0);

    stackEnds(h, 'cdk-a-staging', 'UPDATE_ROLLBACK_COMPLETE', tok);
    buildSucceeds(build, h.clock.now());
    const failure = await untilFailed(h, d.id);
    expect(failure).toMatchObject({ phase: 'stack_update', stackName: 'cdk-a-staging', logicalId: 'Topic' });
    const result = h.reply(d.id, 'result')!;
    expect(result.blocks).toContain('The build succeeded, but `cdk-a-staging` ended in UPDATE_ROLLBACK_COMPLETE');
    expect(h.reply(d.id, 'build-finished')).toBeDefined();
    expect(h.outbox(d.id).filter((r) => r.key === `d${d.id}:root-cause`)).toHaveLength(1);
  });

  it('succeeds when the build succeeds and every followed stack completed; untouched stacks are no-ops', async () => {
    h = modesHarness();
    const { d, build } = await buildStarted(h);
    h.clock.advance(5000);
    h.cfn.stackReports('cdk-b-staging', 'UPDATE_IN_PROGRESS', 'exec-b', h.clock.now());
    await h.worker.tick();
    // The build ends while the stack is still finishing: wait for it.
    buildSucceeds(build, h.clock.now());
    h.clock.advance(5000);
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('building');
    stackEnds(h, 'cdk-b-staging', 'UPDATE_COMPLETE', 'exec-b');
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(new StacksRepo(h.db).list(d.id).map((s) => s.status)).toEqual(['noop', 'succeeded']);
    expect(h.reply(d.id, 'result')!.text).toContain('Deployed');
  });
});
