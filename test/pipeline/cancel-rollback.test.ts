import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Deployment } from '../../src/domain/deployment.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import { Harness } from './harness.js';
import { clickRecovery, finishBuild, stackEvent, untilFailed } from './steps.js';

let h: Harness;
afterEach(() => h?.close());

const STACK = 'web-staging';
const OLD_SHA = '0123456789abcdef0123456789abcdef01234567';

/** What the deploy_rollback button does on a running update (src/rollbacks/cancel-update.ts): CancelUpdateStack, then cancelling. */
function pressCancel(id: number): void {
  expect(h.repo.transition(id, 'deploying', 'cancelling', h.clock.now())).toBeDefined();
}

/** A web/staging deployment whose change set has been executed: its stack update is running. */
async function webUpdating(): Promise<Deployment> {
  h = new Harness();
  const d = h.enqueue('web', 'staging');
  await h.toUpdating(d);
  return d;
}

/** The update fails at `logicalId` a second from now, and the stack reports `end` a second later. */
function resourceFails(d: Deployment, logicalId: string, type: string, reason: string, end: string): void {
  const t = h.clock.now();
  h.cfn.event(STACK, resourceEvent(logicalId, type, 'UPDATE_FAILED', d.token, reason), t + 1000);
  h.cfn.stackReports(STACK, end, d.token, t + 2000);
}

describe('cancelling a running deployment', () => {
  it('follows the rollback after a cancel on stall, reports its progress in place, and ends cancelled once', async () => {
    const d = await webUpdating();
    const t = h.clock.now();
    h.cfn.event(STACK, resourceEvent(STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', d.token), t);
    h.cfn.event(STACK, resourceEvent('Service', 'AWS::ECS::Service', 'UPDATE_IN_PROGRESS', d.token), t + 1000);
    h.clock.advance(5000);
    await h.worker.tick();

    // Stalled; someone presses Roll back. CloudFormation's rollback events carry the cancel token.
    pressCancel(d.id);
    const cancel = `${d.token}-cancel`;
    h.cfn.event(
      STACK,
      resourceEvent('Service', 'AWS::ECS::Service', 'UPDATE_FAILED', cancel, 'Resource update cancelled'),
      t + 60_000,
    );
    h.cfn.stackReports(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', cancel, t + 61_000);
    h.cfn.event(STACK, resourceEvent('Service', 'AWS::ECS::Service', 'UPDATE_IN_PROGRESS', cancel), t + 62_000);
    await h.tickUntil(() => h.reply(d.id, 'rollback-progress-1') !== undefined);
    expect(h.get(d.id).state).toBe('cancelling');
    const progress = h.reply(d.id, 'rollback-progress-1')!;
    expect(progress.thread).toBe(`d${d.id}:parent`);
    expect(progress.blocks).toContain('Rolling back');
    expect(progress.blocks).toContain('still in progress: `Service`');
    // A cancelled sibling is a cascade, never a root cause.
    expect(h.reply(d.id, 'root-cause')).toBeUndefined();

    h.cfn.event(STACK, resourceEvent('Service', 'AWS::ECS::Service', 'UPDATE_COMPLETE', cancel), t + 90_000);
    h.cfn.stackReports(STACK, 'UPDATE_ROLLBACK_COMPLETE', cancel, t + 91_000);
    await h.tickUntil(() => h.get(d.id).state === 'cancelled');

    const updates = h.outbox(d.id).filter((r) => r.key === `d${d.id}:rollback-progress-1`);
    expect(updates.at(-1)!.blocks).toContain('1 resource reverted');
    expect(updates.filter((r) => r.op === 'post')).toHaveLength(1);
    const results = h.outbox(d.id).filter((r) => r.key === `d${d.id}:result`);
    expect(results).toHaveLength(1);
    expect(results[0]!.text).toContain('Cancelled');
    expect(results[0]!.blocks).toContain('`web-staging` rolled back to its previous state (UPDATE_ROLLBACK_COMPLETE)');
    expect(results[0]!.blocks).not.toContain('deploy_retry');
    expect(h.parent(d.id).text).toContain('cancelled');
  });

  it('ends failed with the root cause when the rollback after a cancel fails', async () => {
    const d = await webUpdating();
    const t = h.clock.now();
    pressCancel(d.id);
    const cancel = `${d.token}-cancel`;
    stackEvent(h, STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', cancel, t + 1000);
    h.cfn.event(
      STACK,
      resourceEvent(
        'Table',
        'AWS::DynamoDB::Table',
        'UPDATE_FAILED',
        cancel,
        'Table is being updated by another operation',
      ),
      t + 2000,
    );
    h.cfn.stackReports(STACK, 'UPDATE_ROLLBACK_FAILED', cancel, t + 3000);
    expect(await untilFailed(h, d.id)).toMatchObject({ logicalId: 'Table', phase: 'stack_update' });
    expect(h.reply(d.id, 'root-cause')!.text).toContain('Table (AWS::DynamoDB::Table) UPDATE_FAILED');
    expect(h.reply(d.id, 'result')!.blocks).toContain('deploy_rollback');
  });

  it('stops the build when cancelled while building, then ends cancelled without touching the stack', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging');
    await h.worker.tick();
    const buildId = h.get(d.id).buildId!;
    expect(h.repo.transition(d.id, 'building', 'cancelling', h.clock.now())).toBeDefined();
    h.cb.stopResult = 'IN_PROGRESS';
    h.clock.advance(5000);
    await h.worker.tick();
    expect(h.cb.count('StopBuild')).toBe(1);
    expect(h.get(d.id).state).toBe('cancelling');
    h.cb.builds.get(buildId)!.buildStatus = 'STOPPED';
    await h.tickUntil(() => h.get(d.id).state === 'cancelled');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
    const result = h.reply(d.id, 'result')!;
    expect(result.blocks).toContain('the build was stopped before anything was deployed');
    expect(h.outbox(d.id).filter((r) => r.key === `d${d.id}:result`)).toHaveLength(1);
  });

  it('a failure read while a cancel lands does not crash: the runner re-reads and follows the cancel', async () => {
    const d = await webUpdating();
    resourceFails(d, 'Q', 'AWS::SQS::Queue', 'Bad attribute', 'UPDATE_ROLLBACK_COMPLETE');
    // The cancel lands between the runner reading the deployment and acting on it.
    const real = DeploymentsRepo.prototype.transition;
    let raced = false;
    const spy = vi.spyOn(DeploymentsRepo.prototype, 'transition').mockImplementation(function (
      this: DeploymentsRepo,
      id,
      from,
      to,
      now,
      patch,
    ) {
      if (!raced && to === 'failed') {
        raced = true;
        real.call(this, id, 'deploying', 'cancelling', now);
      }
      return real.call(this, id, from, to, now, patch);
    });
    h.clock.advance(5000);
    await h.worker.tick();
    spy.mockRestore();
    expect(raced).toBe(true);
    expect(h.get(d.id).state).toBe('cancelling');
    await h.tickUntil(() => h.get(d.id).state === 'cancelled');
    expect(h.outbox(d.id).filter((r) => r.key === `d${d.id}:result`)).toHaveLength(1);
  });
});

describe('failure replies and rollback deployments', () => {
  it('the failure reply carries the retry and roll back buttons with the deployment id', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    h.cfn.failNext('CreateChangeSet', 'ValidationError', 'Parameters: [Foo] do not exist in the template');
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    const blocks = JSON.parse(h.reply(d.id, 'result')!.blocks) as { type: string; elements?: unknown[] }[];
    const actions = blocks.find((b) => b.type === 'actions')!;
    expect(actions.elements).toEqual([
      expect.objectContaining({ action_id: 'deploy_retry', value: String(d.id) }),
      expect.objectContaining({ action_id: 'deploy_rollback', value: String(d.id), style: 'danger' }),
    ]);
  });

  it('a rollback reuses the parameters its target deployment used and starts no build', async () => {
    h = new Harness();
    const good = h.enqueue('api', 'staging', OLD_SHA);
    await finishBuild(h, good, { resolvedSourceVersion: OLD_SHA });
    await h.toUpdating(good);
    h.cfn.stackReports('api-staging', 'UPDATE_COMPLETE', good.token, h.clock.now());
    await h.tickUntil(() => h.get(good.id).state === 'succeeded');
    // The config changed since: a rollback must not re-substitute, it reuses what was really deployed.
    h.config.services.api!.stack!.parameters = { ImageTag: 'NEW-{sha}' };
    const builds = h.cb.count('StartBuild');

    const rb = h.repo.enqueue(
      {
        kind: 'rollback',
        service: 'api',
        environment: 'staging',
        targetKey: 'api/staging',
        ref: 'main',
        sha: OLD_SHA,
        requestedBy: 'U0DEV',
        channel: 'C0DEPLOYS',
        state: 'queued',
        priority: 100,
        rollbackOf: good.id,
      },
      h.clock.now(),
    ).deployment;
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${rb.id}-1`));
    expect(h.get(rb.id).state).toBe('deploying');
    expect(h.cb.count('StartBuild')).toBe(builds);
    const create = h.cfn.calls.filter((c) => c.action === 'CreateChangeSet').at(-1)!.params;
    expect(create.get('Parameters.member.1.ParameterKey')).toBe('ImageTag');
    expect(create.get('Parameters.member.1.ParameterValue')).toBe(OLD_SHA);
    expect(new StacksRepo(h.db).list(rb.id)[0]!.parameters).toEqual({ ImageTag: OLD_SHA });
    const reuse = h.reply(rb.id, 'rollback-reuse')!;
    expect(reuse.text).toContain(`Rollback to #${good.id}`);
    expect(reuse.text).toContain('no build');
  });
});

describe('recovery after a failure', () => {
  it('reports ContinueUpdateRollback progress and its end in the failed deployment thread', async () => {
    const d = await webUpdating();
    resourceFails(d, 'Db', 'AWS::RDS::DBInstance', 'Storage full', 'UPDATE_ROLLBACK_FAILED');
    await untilFailed(h, d.id);

    // The button (src/rollbacks/recover-in-place.ts) calls ContinueUpdateRollback and records the click.
    const at = clickRecovery(h, d.id, 'continue_rollback', 'UPDATE_ROLLBACK_FAILED');
    const cont = `${d.token}-continue`;
    h.cfn.stackReports(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', cont, at + 1000);
    h.cfn.event(STACK, resourceEvent('Db', 'AWS::RDS::DBInstance', 'UPDATE_IN_PROGRESS', cont), at + 2000);
    h.clock.advance(5000);
    await h.worker.tick();
    const key = `recovery-${at}-1`;
    expect(h.reply(d.id, key)!.blocks).toContain('Recovering');
    expect(h.reply(d.id, key)!.blocks).toContain('`Db`');

    // A restart does not lose the watch: a new worker picks it up from the stack row.
    const revived = h.newWorker('worker-2');
    h.cfn.event(STACK, resourceEvent('Db', 'AWS::RDS::DBInstance', 'UPDATE_COMPLETE', cont), at + 30_000);
    h.cfn.stackReports(STACK, 'UPDATE_ROLLBACK_COMPLETE', cont, at + 31_000);
    await h.tickUntil(() => h.reply(d.id, `recovery-result-${at}-1`) !== undefined, { worker: revived });
    expect(h.reply(d.id, `recovery-result-${at}-1`)!.text).toContain(
      'web-staging recovered (UPDATE_ROLLBACK_COMPLETE)',
    );
    expect(h.get(d.id).state).toBe('failed');
    const before = h.outbox(d.id).length;
    for (let i = 0; i < 3; i++) {
      h.clock.advance(5000);
      await revived.tick();
      await h.worker.tick();
    }
    expect(h.outbox(d.id).length).toBe(before);
    expect(new StacksRepo(h.db).get(d.id, 1)!.recovery).toBe('done');
  });
});
