import type { StepOutcome } from '../deploys/poll-context.js';
import { rollbackProgress, rollbackStart } from '../domain/cfn-status.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { rollbackProgressReply } from '../views/thread-replies.js';
import { adoptRunToCancel, cancelActionsRun, cancelRunOnce } from './actions-cancel.js';
import { cancelDeployment, mutate, type RunContext, stackEventsUrl } from './run-context.js';
import { observeStack } from './stack-events.js';
import { endUpdate, stillRunning } from './stack-update.js';

/**
 * The cancelling state (set by the deploy_rollback button, src/rollbacks/cancel-update.ts). From a stack update:
 * CloudFormation is rolling back after CancelUpdateStack, so keep tailing (UPDATE_ROLLBACK_COMPLETE → cancelled,
 * UPDATE_ROLLBACK_FAILED → failed with the root cause). From a build: StopBuild, then cancelled once it stopped.
 */
export async function stepCancel(ctx: RunContext, d: Deployment, target: Target): Promise<StepOutcome> {
  const rows = ctx.stacks.list(d.id);
  const updating = rows.find((r) => r.status === 'updating');
  if (updating && target.build?.workflow) await cancelRunOnce(ctx, d, target);
  if (updating) {
    const outcome = await pollRollback(ctx, d, target, updating);
    if (outcome === 'stack_done') {
      // CancelUpdateStack was accepted, so this is unlikely: the update completed before the cancel took hold.
      return cancelDeployment(ctx, d, `\`${updating.stackName}\` finished its update before the cancel took effect`);
    }
    const name = `rollback-progress-${updating.position}`;
    if (outcome !== 'waiting' || !ctx.reporter.hasReply(d, name)) {
      reportRollback(ctx, d, target, updating.position, name);
    }
    return outcome;
  }
  if (!d.buildId && target.build?.workflow) {
    const found = await adoptRunToCancel(ctx, d, target);
    if (found === 'adopted') return 'progressed';
    if (found === 'wait') return 'waiting';
  }
  if (d.buildId && target.build?.workflow) {
    if (await cancelActionsRun(ctx, d, target)) return 'progressed';
  } else if (d.buildId) {
    const b = await ctx.codebuild.getBuild(target.region, d.buildId);
    if (b?.status === 'IN_PROGRESS') {
      // A refusal (the build ended meanwhile) is fine: the next poll reads the build's real status.
      await mutate(() => ctx.codebuild.stopBuild(target.region, d.buildId!));
      return 'progressed';
    }
  }
  const updated = rows.filter((r) => r.status === 'succeeded').map((r) => `\`${r.stackName}\``);
  const detail = d.buildId ? 'the build was stopped before anything was deployed' : 'nothing was deployed';
  return cancelDeployment(
    ctx,
    d,
    updated.length > 0
      ? `stopped before the next stack; already updated by this deployment: ${updated.join(', ')} (use Roll back to return them)`
      : detail,
  );
}

/** One poll of the update being cancelled: rolled back → cancelled; any other end as for a deploying update. */
async function pollRollback(ctx: RunContext, d: Deployment, target: Target, s: DeploymentStack) {
  const seen = await observeStack(ctx, d, target, s);
  if (seen.kind === 'running') return stillRunning(ctx, d, target, s, seen.progressed);
  if (seen.kind === 'ended' && seen.status === 'UPDATE_ROLLBACK_COMPLETE') {
    return cancelDeployment(ctx, d, `\`${s.stackName}\` rolled back to its previous state (${seen.status})`, () =>
      ctx.stacks.update(d.id, s.position, 'updating', { status: 'failed', finishedAt: seen.now }),
    );
  }
  return endUpdate(ctx, d, target, s, seen);
}

/** The rollback's progress, one reply updated in place (keyed per stack, so a multi-stack thread stays readable). */
function reportRollback(ctx: RunContext, d: Deployment, target: Target, position: number, name: string): void {
  const s = ctx.stacks.get(d.id, position);
  if (!s) return;
  const events = ctx.events.forDeployment(d.id, s.stackName);
  const since = rollbackStart(events, s.stackName);
  const progress = since === undefined ? { reverted: 0, inProgress: [] } : rollbackProgress(events, s.stackName, since);
  ctx.reporter.upsertReply(
    d,
    name,
    rollbackProgressReply({
      stackName: s.stackName,
      stackUrl: stackEventsUrl(ctx, target, s.stackName),
      kind: 'cancel',
      ...progress,
      stackStatus: s.stackStatus,
    }),
  );
}
