import type { StepOutcome } from '../deploys/poll-context.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { alarmRootCauseReply } from '../views/bake-replies.js';
import { alarmFailure, bakeTick } from './bake.js';
import { reportRootCause, stackRootCause } from './root-cause-report.js';
import { failDeployment, type RunContext, stackFailure } from './run-context.js';
import { observeStack, type StackObservation } from './stack-events.js';

/** One poll of a running update (the deploying state): the stack's end is the deployment's step result. */
export async function pollUpdate(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  s: DeploymentStack,
): Promise<StepOutcome | 'stack_done'> {
  const seen = await observeStack(ctx, d, target, s);
  if (seen.kind === 'running') return stillRunning(ctx, d, target, s, seen.progressed);
  return endUpdate(ctx, d, target, s, seen);
}

/** A running operation: the bake under alarms advances (progress) even while no event arrives. */
export function stillRunning(ctx: RunContext, d: Deployment, target: Target, s: DeploymentStack, progressed: boolean) {
  if (bakeTick(ctx, d, target, s)) return 'progressed' as const;
  return progressed ? ('progressed' as const) : ('waiting' as const);
}

/** A stack operation that ended (or whose stack disappeared): the stack done, or the deployment failed. */
export function endUpdate(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  s: DeploymentStack,
  seen: Exclude<StackObservation, { kind: 'running' }>,
): StepOutcome | 'stack_done' {
  if (seen.kind === 'disappeared') {
    return failDeployment(ctx, d, {
      phase: 'stack_update',
      reason: `stack ${s.stackName} disappeared`,
      stackName: s.stackName,
    });
  }
  const { now, url, status } = seen;
  if (seen.outcome === 'succeeded') {
    ctx.db
      .transaction(() => {
        ctx.stacks.update(d.id, s.position, 'updating', { status: 'succeeded', finishedAt: now });
        ctx.phases.end(d.id, 'stack_update', 'succeeded', now);
      })
      .immediate();
    return 'stack_done';
  }
  const rc = stackRootCause(ctx, d, s.stackName);
  // A rollback an alarm started (RollbackConfiguration): the alarm is the cause, not the resources it cancelled.
  const alarm = alarmFailure(ctx, d, target, s.stackName, url);
  const inTx = () => {
    ctx.stacks.update(d.id, s.position, 'updating', { status: 'failed', finishedAt: now });
    if (alarm) {
      ctx.reporter.reviseReply(d, 'root-cause', alarmRootCauseReply(s.stackName, alarm.name, alarm.reason, url));
    } else reportRootCause(ctx, d, s.stackName, url, rc);
  };
  return failDeployment(
    ctx,
    d,
    alarm?.failure ??
      stackFailure(rc, s.stackName, url, {
        reason: seen.statusReason ?? `stack ended in ${status}`,
        status,
      }),
    {
      cascadeCount: rc.cascades.length,
      stackUrl: url,
      inTx,
      ...(status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED'
        ? {
            detail: `The first create of \`${s.stackName}\` failed and left it ${status}: delete the stack before the next try.`,
          }
        : {}),
    },
  );
}
