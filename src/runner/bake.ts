import { alarmCause, resourcesDone } from '../domain/bake.js';
import type { Deployment, Failure } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { bakingLine, bakingReply } from '../views/bake-replies.js';
import type { RunContext } from './run-context.js';

/**
 * One poll of a running update with `alarms`: once the last stack's resources are all done the deployment is
 * baking (CloudFormation's monitoring window); while it bakes, the countdown in the parent and in the progress
 * reply (threadKeys.progress, which ProgressHook stops drawing outside building/deploying) moves. The window itself is CloudFormation's: the update completes (or rolls back) when it ends.
 */
export function bakeTick(ctx: RunContext, d: Deployment, target: Target, s: DeploymentStack): boolean {
  const alarms = target.env.alarms;
  if (!alarms || alarms.monitoringMinutes === 0) return false;
  const now = ctx.clock.now();
  if (d.state === 'deploying') {
    const last = Math.max(...ctx.stacks.list(d.id).map((r) => r.position));
    if (s.position !== last) return false;
    if (!resourcesDone(ctx.events.forDeployment(d.id, s.stackName), s.stackName, s.changes?.total ?? 0)) return false;
    const windowMs = alarms.monitoringMinutes * 60_000;
    const next = ctx.lifecycle.startBaking(d, windowMs, bakingLine(alarms.arns, now + windowMs, now));
    if (!next) return false;
    ctx.reporter.upsertReply(next, 'progress', bakingReply(s.stackName, alarms.arns, now + windowMs, now));
    ctx.logger.info({ deploymentId: d.id, stack: s.stackName, minutes: alarms.monitoringMinutes }, 'baking');
    return true;
  }
  if (d.state !== 'baking') return false;
  const rec = ctx.verifications.get(d.id, 'bake');
  if (!rec) return false;
  const line = bakingLine(alarms.arns, rec.until, now);
  if (line === d.waitReason) return false;
  ctx.db
    .transaction(() => {
      if (!ctx.repo.update(d.id, 'baking', now, { waitReason: line })) return;
      const next = ctx.repo.get(d.id)!;
      ctx.reporter.upsertReply(next, 'progress', bakingReply(s.stackName, alarms.arns, rec.until, now));
      ctx.reporter.stateChanged(next);
    })
    .immediate();
  return false;
}

/** An update CloudFormation rolled back because a configured alarm went into ALARM: the alarm is the cause. */
export function alarmFailure(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  stackName: string,
  link: string,
): { failure: Failure; name: string; reason: string } | undefined {
  const arns = target.env.alarms?.arns;
  if (!arns) return undefined;
  const found = alarmCause(ctx.events.forDeployment(d.id, stackName), arns);
  if (!found) return undefined;
  return {
    name: found.name,
    reason: found.reason,
    failure: {
      phase: 'stack_update',
      reason: `alarm ${found.name} went into ALARM: CloudFormation rolled the update back`,
      status: 'ALARM',
      stackName,
      link,
    },
  };
}
