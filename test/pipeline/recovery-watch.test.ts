import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import { modesConfig } from '../helpers/config.js';
import { Harness, SHA } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

const A = 'cdk-a-staging';
const B = 'cdk-b-staging';

/** Mode build: the build updates both stacks, both rollbacks fail; the deployment ends failed with two failed rows. */
async function twoFailedStacks() {
  h = new Harness({ config: modesConfig() });
  h.cfn.addStack(A, 'UPDATE_COMPLETE', {});
  h.cfn.addStack(B, 'UPDATE_COMPLETE', {});
  const d = h.enqueue('cdk', 'staging');
  await h.worker.tick();
  const build = h.build(d.id);
  build.startTime = h.clock.now();
  h.clock.advance(5000);
  for (const [stack, tok, res] of [
    [A, 'exec-a', 'Topic'],
    [B, 'exec-b', 'Queue'],
  ] as const) {
    const t = h.clock.now();
    h.cfn.event(stack, resourceEvent(stack, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', tok), t);
    h.cfn.event(stack, resourceEvent(res, 'AWS::SNS::Topic', 'UPDATE_FAILED', tok, 'Invalid parameter'), t + 1000);
    h.cfn.stackReports(stack, 'UPDATE_ROLLBACK_FAILED', tok, t + 2000);
  }
  await h.worker.tick();
  Object.assign(build, { buildStatus: 'SUCCEEDED', resolvedSourceVersion: SHA, endTime: h.clock.now() });
  await h.tickUntil(() => h.get(d.id).state === 'failed');
  expect(new StacksRepo(h.db).list(d.id).map((s) => [s.stackName, s.status])).toEqual([
    [A, 'failed'],
    [B, 'failed'],
  ]);
  return d;
}

/** What the deploy_rollback button records after ContinueUpdateRollback (src/rollbacks/recover-in-place.ts). */
function click(deploymentId: number, stackName: string | null): number {
  h.clock.advance(60_000);
  const at = h.clock.now();
  new DeploymentActionsRepo(h.db).record({
    deploymentId,
    action: 'continue_rollback',
    user: 'U01',
    detail: 'UPDATE_ROLLBACK_FAILED',
    at,
    stackName,
  });
  return at;
}

describe('recovery watch with several failed stacks', () => {
  it('watches and reports only the stack the click acted on', async () => {
    const d = await twoFailedStacks();
    const at = click(d.id, B);
    const cont = `${d.token}-continue`;
    h.cfn.stackReports(B, 'UPDATE_ROLLBACK_IN_PROGRESS', cont, at + 1000);
    h.clock.advance(5000);
    await h.worker.tick();

    const rows = new StacksRepo(h.db).list(d.id);
    expect(rows.map((r) => [r.stackName, r.recovery, r.recoveryActionAt])).toEqual([
      [A, null, null],
      [B, 'watching', at],
    ]);
    expect(h.reply(d.id, `recovery-${at}-2`)!.blocks).toContain('Recovering');
    expect(h.reply(d.id, `recovery-${at}-1`)).toBeUndefined();

    h.cfn.stackReports(B, 'UPDATE_ROLLBACK_COMPLETE', cont, at + 30_000);
    await h.tickUntil(() => h.reply(d.id, `recovery-result-${at}-2`) !== undefined);
    expect(h.reply(d.id, `recovery-result-${at}-2`)!.text).toContain(`${B} recovered (UPDATE_ROLLBACK_COMPLETE)`);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(5000);
      await h.worker.tick();
    }
    // The other failed stack (still UPDATE_ROLLBACK_FAILED) was never watched nor reported.
    expect(h.outbox(d.id).filter((r) => r.key.includes(`-${at}-1`))).toEqual([]);
    expect(new StacksRepo(h.db).list(d.id).map((r) => r.recovery)).toEqual([null, 'done']);
  });

  it('a click recorded without a stack (before migration 008) watches the first failed stack only', async () => {
    const d = await twoFailedStacks();
    const at = click(d.id, null);
    h.clock.advance(5000);
    await h.worker.tick();
    // A is still UPDATE_ROLLBACK_FAILED here, so its watch reports at once and ends; B is never picked up.
    expect(new StacksRepo(h.db).list(d.id).map((r) => [r.stackName, r.recovery, r.recoveryActionAt])).toEqual([
      [A, 'done', at],
      [B, null, null],
    ]);
    expect(h.reply(d.id, `recovery-result-${at}-1`)!.text).toContain(A);
    expect(h.outbox(d.id).filter((r) => r.key.includes(`-${at}-2`))).toEqual([]);
  });
});
