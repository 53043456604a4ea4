import { afterEach, describe, expect, it } from 'vitest';
import { PhasesRepo } from '../../src/store/phases-repo.js';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { resourceChange } from '../helpers/cfn-nock.js';
import { Harness, SHA } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('deploy pipeline: happy path', () => {
  it('builds the pinned SHA, creates and executes a change set, and reports each step in the thread', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging', SHA, 'main');

    await h.worker.tick();
    expect(h.get(d.id).state).toBe('building');
    // ref-to-SHA pinning: CodeBuild gets the SHA, never the branch, plus the deployment's env vars.
    expect(h.cb.startBodies).toHaveLength(1);
    const body = h.cb.startBodies[0]!;
    expect(body.projectName).toBe('api-image');
    expect(body.sourceVersion).toBe(SHA);
    expect(body.idempotencyToken).toBe(d.token);
    expect(body.environmentVariablesOverride).toEqual([
      { name: 'COXSWAIN_DEPLOYMENT_ID', value: String(d.id), type: 'PLAINTEXT' },
      { name: 'GIT_SHA', value: SHA, type: 'PLAINTEXT' },
      { name: 'GIT_REF', value: 'main', type: 'PLAINTEXT' },
    ]);
    const started = h.reply(d.id, 'build-started')!;
    expect(started.thread).toBe(`d${d.id}:parent`);
    expect(started.blocks).toContain('api-image');
    expect(started.blocks).toContain('/aws/codebuild/');
    expect(h.get(d.id).buildLogUrl).toContain('/aws/codebuild/');

    // The build runs a while, then succeeds having built exactly our SHA.
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('building');
    const build = h.build(d.id);
    Object.assign(build, {
      buildStatus: 'SUCCEEDED',
      resolvedSourceVersion: SHA,
      startTime: h.clock.now() - 95_000,
      endTime: h.clock.now(),
    });
    await h.tickUntil(() => h.get(d.id).state === 'deploying');
    const finished = h.reply(d.id, 'build-finished')!;
    expect(finished.text).toContain('Build finished in 1m 35s');
    expect(finished.text).toContain('built a1b2c3d');
    expect(finished.text).not.toContain('MISMATCH');

    await h.tickUntil(() => h.cfn.count('CreateChangeSet') === 1);
    const create = h.cfn.calls.find((c) => c.action === 'CreateChangeSet')!.params;
    expect(create.get('ChangeSetType')).toBe('UPDATE');
    expect(create.get('UsePreviousTemplate')).toBe('true');
    expect(create.get('ChangeSetName')).toBe(`coxswain-${d.id}-1`);
    expect(create.get('ClientToken')).toBe(d.token);
    expect(create.get('Parameters.member.1.ParameterKey')).toBe('ImageTag');
    expect(create.get('Parameters.member.1.ParameterValue')).toBe(SHA);
    expect(create.get('Parameters.member.2.ParameterKey')).toBe('DesiredCount');
    expect(create.get('Parameters.member.2.UsePreviousValue')).toBe('true');

    h.cfn.readyChangeSet(`coxswain-${d.id}-1`, [
      resourceChange('TaskDef', 'AWS::ECS::TaskDefinition', { replacement: 'True' }),
      resourceChange('Service', 'AWS::ECS::Service', { replacement: 'False' }),
      resourceChange('Alarm', 'AWS::CloudWatch::Alarm', { action: 'Add' }),
    ]);
    await h.tickUntil(() => h.cfn.count('ExecuteChangeSet') === 1);
    const exec = h.cfn.calls.find((c) => c.action === 'ExecuteChangeSet')!.params;
    expect(exec.get('ClientRequestToken')).toBe(d.token);
    const cs = h.reply(d.id, 'changeset-1')!;
    expect(cs.text).toContain('3 resource changes (1 add, 2 modify, 0 remove)');
    expect(cs.blocks).toContain('replaces `TaskDef` (AWS::ECS::TaskDefinition)');
    expect(h.reply(d.id, 'update-started-1')!.text).toBe('Stack update started: api-staging');

    const t = h.clock.now();
    h.cfn.event(
      'api-staging',
      {
        LogicalResourceId: 'api-staging',
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_IN_PROGRESS',
        ClientRequestToken: d.token,
      },
      t,
    );
    h.cfn.event(
      'api-staging',
      {
        LogicalResourceId: 'TaskDef',
        ResourceType: 'AWS::ECS::TaskDefinition',
        ResourceStatus: 'UPDATE_COMPLETE',
        ClientRequestToken: d.token,
      },
      t + 1000,
    );
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('deploying');
    h.cfn.event(
      'api-staging',
      {
        LogicalResourceId: 'api-staging',
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_COMPLETE',
        ClientRequestToken: d.token,
      },
      t + 2000,
    );
    h.cfn.stackStatus.set('api-staging', 'UPDATE_COMPLETE');
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');

    const result = h.reply(d.id, 'result')!;
    expect(result.text).toMatch(/^Deployed in (\d+m )?\d+s$/);
    expect(h.parent(d.id).text).toContain('succeeded');
    expect(h.parent(d.id).blocks).toContain(':white_check_mark:');
    expect(h.outbox(d.id).filter((r) => r.key.endsWith(':result'))).toHaveLength(1);
    // Replies in the order they happened, all in the deployment's thread.
    const replies = h
      .outbox(d.id)
      .filter((r) => r.op === 'post' && r.thread)
      .map((r) => r.key.split(':')[1]);
    expect(replies).toEqual(['build-started', 'build-finished', 'changeset-1', 'update-started-1', 'result']);
    expect(new StacksRepo(h.db).list(d.id)[0]).toMatchObject({ status: 'succeeded', stackStatus: 'UPDATE_COMPLETE' });
    const phases = new PhasesRepo(h.db).forDeployment(d.id);
    expect(phases.map((p) => [p.phase, p.outcome])).toEqual([
      ['build', 'succeeded'],
      ['changeset', 'succeeded'],
      ['stack_update', 'succeeded'],
    ]);
    expect(phases.every((p) => p.endedAt !== null && p.endedAt >= p.startedAt)).toBe(true);
  });
});
