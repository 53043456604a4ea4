import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/domain/deployment.js';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { Harness, SHA } from './harness.js';

// A deployment failed for blindness (an IAM deny outlasting timing.blindFailMinutes) keeps its stack watched
// read-only; CloudFormation's real outcome is posted once it can be read (issue 13, ADR 0007).
// Error shape as CloudFormation's Query API answers an IAM deny: 403 Sender AccessDenied in ErrorResponse/Error
// (AWS CloudFormation API reference, "Common Errors"), rendered by src/sandbox/query-xml.ts.
let h: Harness;
afterEach(() => h?.close());

const BLIND = 'monitoring-paused';
const STACK = 'web-staging';
const DENIED = 'User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:DescribeStacks';

function deny(): void {
  for (const action of ['DescribeStacks', 'DescribeStackEvents', 'DescribeChangeSet']) {
    for (let i = 0; i < 1000; i++) h.cfn.failNext(action, 'AccessDenied', DENIED, 403);
  }
}

async function pollFor(minutes: number, stepMinutes = 1): Promise<void> {
  for (let i = 0; i < minutes; i += stepMinutes) {
    h.clock.advance(stepMinutes * 60_000);
    await h.worker.tick();
  }
}

/** Drives a deployment into its update, denies every read, and waits until it is failed for blindness. */
async function failedBlind(): Promise<Deployment> {
  h = new Harness();
  const d = h.enqueue('web', 'staging', SHA, 'v2');
  await h.toUpdating(d);
  h.cfn.event(STACK, stackEvent('UPDATE_IN_PROGRESS', d.token), h.clock.now());
  await h.worker.tick();
  deny();
  await pollFor(62);
  const failed = h.get(d.id);
  expect(failed.state).toBe('failed');
  expect(failed.failure?.phase).toBe('monitoring');
  return d;
}

function stackEvent(status: string, token: string) {
  return {
    LogicalResourceId: STACK,
    ResourceType: 'AWS::CloudFormation::Stack',
    ResourceStatus: status,
    ClientRequestToken: token,
  };
}

const blindRows = (id: number) => h.outbox(id).filter((r) => r.key === `d${id}:${BLIND}`);
const outcomeRows = (id: number) => h.outbox(id).filter((r) => r.key === `d${id}:blind-outcome-1`);
const writes = () => h.cfn.calls.filter((c) => !c.action.startsWith('Describe')).length;

describe('late outcome of a deployment failed for blindness', () => {
  it('watches read-only with back-off, posts the success once reads work, then stops calling AWS', async () => {
    const d = await failedBlind();
    const before = writes();
    expect(new StacksRepo(h.db).list(d.id).map((s) => s.recovery)).toEqual(['blind']);
    const stopped = blindRows(d.id).at(-1)!;
    // The same reply, updated in place (an undelivered post is rewritten rather than followed by an update).
    expect(blindRows(d.id).filter((r) => r.op === 'post')).toHaveLength(1);
    expect(stopped.blocks).toContain('Monitoring stopped');
    expect(stopped.blocks).toContain('still checks `web-staging` read-only every few minutes for 24 h');

    // Still denied: one DescribeStacks every 2 minutes, not every poll.
    const calls = h.cfn.calls.length;
    await pollFor(30);
    const during = h.cfn.calls.slice(calls);
    expect(during.every((c) => c.action === 'DescribeStacks')).toBe(true);
    expect(during.length).toBeGreaterThanOrEqual(14);
    expect(during.length).toBeLessThanOrEqual(16);

    // Meanwhile CloudFormation finished the update; IAM is fixed.
    h.cfn.event(STACK, stackEvent('UPDATE_COMPLETE', d.token), h.clock.now());
    h.cfn.stackStatus.set(STACK, 'UPDATE_COMPLETE');
    h.cfn.errors.clear();
    await pollFor(3);

    const outcome = outcomeRows(d.id);
    expect(outcome).toHaveLength(1);
    expect(outcome[0]!.thread).toBe(`d${d.id}:parent`);
    expect(outcome[0]!.text).toBe('CloudFormation finished meanwhile: UPDATE_COMPLETE — web-staging now runs a1b2c3d');
    expect(outcome[0]!.blocks).toContain('The deployment stays failed');
    const resumed = blindRows(d.id).at(-1)!;
    expect(resumed.blocks).toContain('Monitoring resumed');
    expect(resumed.blocks).toMatch(/reading again 3[0-3]m \d\ds after the failure/);
    expect(new StacksRepo(h.db).list(d.id).map((s) => s.recovery)).toEqual(['done']);
    expect(h.get(d.id).state).toBe('failed');
    expect(blindRows(d.id).filter((r) => r.op === 'post')).toHaveLength(1);

    const after = h.cfn.calls.length;
    await pollFor(120, 5);
    expect(h.cfn.calls.length).toBe(after);
    expect(outcomeRows(d.id)).toHaveLength(1);
    expect(writes()).toBe(before);
  });

  it('reports a rollback with its root cause, resumed by a new worker after a restart', async () => {
    const d = await failedBlind();
    const t = h.clock.now();
    h.cfn.event(
      STACK,
      {
        LogicalResourceId: 'Db',
        ResourceType: 'AWS::RDS::DBInstance',
        ResourceStatus: 'UPDATE_FAILED',
        ResourceStatusReason: 'Disk full',
        ClientRequestToken: d.token,
      },
      t,
    );
    h.cfn.event(STACK, stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', d.token), t + 1000);
    h.cfn.stackStatus.set(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS');
    await pollFor(10);

    // Restart: a new process, nothing in memory; the watch is in SQLite.
    h.worker = h.newWorker('worker-2');
    h.cfn.errors.clear();
    h.clock.advance(60_000);
    await h.worker.tick();
    expect(outcomeRows(d.id)).toHaveLength(0);
    expect(blindRows(d.id).at(-1)!.text).toContain('web-staging again: it is still UPDATE_ROLLBACK_IN_PROGRESS');

    h.cfn.event(STACK, stackEvent('UPDATE_ROLLBACK_COMPLETE', d.token), h.clock.now());
    h.cfn.stackStatus.set(STACK, 'UPDATE_ROLLBACK_COMPLETE');
    await h.tickUntil(() => outcomeRows(d.id).length > 0);
    const outcome = outcomeRows(d.id);
    expect(outcome).toHaveLength(1);
    expect(outcome[0]!.text).toBe(
      'CloudFormation rolled back web-staging meanwhile (UPDATE_ROLLBACK_COMPLETE): Db: Disk full',
    );
    expect(outcome[0]!.blocks).toContain('It still runs the previous version');
    expect(blindRows(d.id).at(-1)!.blocks).toContain('the outcome is below');
    // Still failed with the blindness reason: the late outcome does not rewrite a terminal state.
    expect(h.get(d.id).failure?.phase).toBe('monitoring');

    const after = h.cfn.calls.length;
    await pollFor(60, 5);
    expect(h.cfn.calls.length).toBe(after);
  });

  it('reports our own outcome even when a later update of the same stack is running', async () => {
    const d = await failedBlind();
    h.cfn.event(STACK, stackEvent('UPDATE_COMPLETE', d.token), h.clock.now());
    h.cfn.event(STACK, stackEvent('UPDATE_IN_PROGRESS', 'someone-else'), h.clock.now() + 1000);
    h.cfn.stackStatus.set(STACK, 'UPDATE_IN_PROGRESS');
    h.cfn.errors.clear();
    await pollFor(3);
    expect(outcomeRows(d.id)[0]!.text).toContain('UPDATE_COMPLETE — web-staging now runs a1b2c3d');
  });

  it('gives up after 24 h of failing reads, says so once, and calls AWS no more', async () => {
    const d = await failedBlind();
    const calls = h.cfn.calls.length;
    await pollFor(24 * 60, 5);
    const during = h.cfn.calls.length - calls;
    // 2 min for the first hour, 5 min until 6 h, 15 min until 24 h: about 30 + 60 + 72 reads.
    expect(during).toBeGreaterThan(120);
    expect(during).toBeLessThan(200);
    const ended = blindRows(d.id).at(-1)!;
    expect(ended.blocks).toContain('Stopped watching');
    expect(ended.text).toContain('reads still failed 24 h after the failure');
    expect(new StacksRepo(h.db).list(d.id).map((s) => s.recovery)).toEqual(['done']);
    const after = h.cfn.calls.length;
    h.cfn.errors.clear();
    await pollFor(60, 5);
    expect(h.cfn.calls.length).toBe(after);
    expect(outcomeRows(d.id)).toHaveLength(0);
  });

  it('a deployment failed for blindness while building leaves no stack to watch and stops calling AWS', async () => {
    h = new Harness();
    const d = h.enqueue('api', 'staging');
    await h.tickUntil(() => h.get(d.id).buildId !== null);
    // CodeBuild (AWS JSON 1.1) answers an IAM deny as 400 {"__type":"AccessDeniedException"} (CodeBuild API
    // reference, "Common Errors").
    for (let i = 0; i < 200; i++) h.cb.failNext('BatchGetBuilds', 'AccessDeniedException', 'not authorized', 400);
    await pollFor(62);
    expect(h.get(d.id).failure?.phase).toBe('monitoring');
    expect(blindRows(d.id).at(-1)!.text).toContain('No running stack update of this deployment is left to watch.');
    expect(new StacksRepo(h.db).list(d.id).every((s) => s.recovery === null)).toBe(true);
    const cfn = h.cfn.calls.length;
    const cb = h.cb.calls.length;
    await pollFor(60, 5);
    expect([h.cfn.calls.length, h.cb.calls.length]).toEqual([cfn, cb]);
  });
});
