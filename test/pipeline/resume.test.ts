import { afterEach, describe, expect, it } from 'vitest';
import { resourceChange } from '../helpers/cfn-nock.js';
import { Harness, SHA } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

/** A stale heartbeat: more than 3 × pollSeconds + 30 s. */
const STALE_MS = 3 * 5_000 + 31_000;

function stackDone(h: Harness, stack: string, token: string): void {
  h.cfn.event(
    stack,
    {
      LogicalResourceId: stack,
      ResourceType: 'AWS::CloudFormation::Stack',
      ResourceStatus: 'UPDATE_COMPLETE',
      ClientRequestToken: token,
    },
    h.clock.now(),
  );
  h.cfn.stackStatus.set(stack, 'UPDATE_COMPLETE');
}

describe('resume after a crash', () => {
  it('a crash after ExecuteChangeSet (before saving it) resumes without executing twice and reports once', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    h.cfn.readyChangeSet(`coxswain-${d.id}-1`, []);
    // AWS executes the change set, but the process dies before it learns so (the response never arrives).
    h.cfn.onExecute = () => {
      h.cfn.onExecute = undefined;
      throw new Error('process killed');
    };
    h.clock.advance(5000);
    await h.worker.tick();
    expect(h.cfn.count('ExecuteChangeSet')).toBe(1);
    expect(h.cfn.changeSets.get(`coxswain-${d.id}-1`)!.ExecutionStatus).toBe('EXECUTE_IN_PROGRESS');
    expect(h.reply(d.id, 'update-started-1')).toBeUndefined();

    // A new process with a new worker id; the old heartbeat goes stale and the deployment is adopted.
    const revived = h.newWorker('worker-after-restart');
    h.clock.advance(STALE_MS);
    await revived.tick();
    expect(h.get(d.id).workerId).toBe('worker-after-restart');
    expect(h.reply(d.id, 'update-started-1')).toBeDefined();
    stackDone(h, 'web-staging', d.token);
    await h.tickUntil(() => h.get(d.id).state === 'succeeded', { worker: revived });
    expect(h.cfn.count('ExecuteChangeSet')).toBe(1);
    expect(h.outbox(d.id).filter((r) => r.key === `d${d.id}:result`)).toHaveLength(1);
  });

  it('a crash after StartBuild (before saving the id) gets the same build back through the idempotency token', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging');
    // The first StartBuild reached CodeBuild, but the process died before saving the build id.
    h.cb.handle('StartBuild', { projectName: 'api-image', sourceVersion: SHA, idempotencyToken: h.get(d.id).token });
    expect(h.get(d.id).buildId).toBeNull();
    await h.worker.tick();
    const id = h.get(d.id).buildId;
    expect(id).toBe('api-image:build-1');
    expect(h.cb.builds.size).toBe(1);
    expect(h.cb.startBodies.map((b) => b.idempotencyToken)).toEqual([d.token, d.token]);
    expect(h.outbox(d.id).filter((r) => r.key === `d${d.id}:build-started`)).toHaveLength(1);
  });

  it('kill -9 after every single tick still ends with every reply exactly once', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging');
    let worker = h.worker;
    let generation = 0;
    const restart = () => {
      generation += 1;
      worker = h.newWorker(`worker-gen-${generation}`);
      h.clock.advance(STALE_MS);
    };
    const script: Array<() => void> = [
      () => Object.assign(h.build(d.id), { buildStatus: 'SUCCEEDED', resolvedSourceVersion: SHA }),
      () => {},
      () =>
        h.cfn.readyChangeSet(`coxswain-${d.id}-1`, [
          resourceChange('Task', 'AWS::ECS::TaskDefinition', { replacement: 'True' }),
        ]),
      () => {},
      () => stackDone(h, 'api-staging', d.token),
    ];
    await worker.tick();
    for (let i = 0; i < 20 && h.get(d.id).state !== 'succeeded'; i++) {
      script[i]?.();
      restart();
      await worker.tick();
    }
    expect(h.get(d.id).state).toBe('succeeded');
    const posts = h
      .outbox(d.id)
      .filter((r) => r.op === 'post' && r.thread)
      .map((r) => r.key.split(':')[1]);
    expect(posts).toEqual(['build-started', 'build-finished', 'changeset-1', 'update-started-1', 'result']);
    expect(h.cb.count('StartBuild')).toBe(1);
    expect(h.cfn.count('CreateChangeSet')).toBe(1);
    expect(h.cfn.count('ExecuteChangeSet')).toBe(1);
  });

  it('with adoptAllAtStart a restarted single process resumes at once, without waiting for staleness', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    await h.toUpdating(d);
    const next = h.newWorker('worker-restarted', { adoptAllAtStart: true });
    h.clock.advance(1000);
    await next.tick();
    expect(h.get(d.id).workerId).toBe('worker-restarted');
    // A second worker without the flag leaves a fresh heartbeat alone.
    const other = h.newWorker('worker-other');
    await other.tick();
    expect(h.get(d.id).workerId).toBe('worker-restarted');
  });

  it('a change set CloudFormation dropped after executing it is recognised by our token on the stack events', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    // Executed by a process that died; CloudFormation has since removed the change set.
    h.cfn.changeSets.delete(`coxswain-${d.id}-1`);
    h.cfn.event(
      'web-staging',
      {
        LogicalResourceId: 'web-staging',
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_IN_PROGRESS',
        ClientRequestToken: d.token,
      },
      h.clock.now(),
    );
    await h.tickUntil(() => h.reply(d.id, 'update-started-1') !== undefined);
    expect(h.get(d.id).state).toBe('deploying');
    expect(h.cfn.count('ExecuteChangeSet')).toBe(0);
    stackDone(h, 'web-staging', d.token);
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
  });

  it('fails clearly when the stack does not exist', async () => {
    h = new Harness();
    h.cfn.stackStatus.delete('web-staging');
    const d = h.enqueue('web', 'staging');
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure).toMatchObject({
      phase: 'changeset',
      reason: expect.stringContaining('stack web-staging does not exist yet'),
    });
    // Mode parameters has no template to create it from: the reply says how to fix that.
    expect(h.reply(d.id, 'result')!.blocks).toContain('set `templateUrl` on the stack');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
  });
});
