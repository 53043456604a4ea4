/**
 * Roll back a deployment that is still running: stop its build, or cancel the stack update it is on
 * (CancelUpdateStack; CloudFormation rolls the stack back and the runner finishes in runner/cancel.ts).
 */
import type { ActionResult } from '../deploys/deployment-actions.js';
import type { Deployment } from '../domain/deployment.js';
import { refuse } from '../domain/refusal.js';
import type { Target } from '../domain/targets.js';
import { actionNotes } from '../views/failure-actions.js';
import { choice, type RollbackContext, type StackChoice } from './rollback-context.js';

export async function stopActive(
  ctx: RollbackContext,
  d: Deployment,
  target: Target,
  user: string,
): Promise<ActionResult> {
  const now = ctx.deps.clock.now();
  if (d.state === 'building') {
    // The stack was not touched yet: the runner stops the build when it sees `cancelling`.
    const moved = ctx.deps.core.lifecycle.beginCancel(d, 'building', {
      user,
      detail: 'build',
      note: actionNotes.buildCancelling(user),
      at: now,
    });
    if (!moved) return refuse('moved_on', `Deploy #${d.id} moved on before your click; look at its thread.`);
    return { ok: true, message: `Cancelling deploy #${d.id}.`, deployment: moved };
  }
  const stack = updatingStack(ctx, d, target);
  const res = await ctx.deps.recovery.recover({ ...stack, token: d.token }, ['cancel_update']);
  if (!res.ok) return refuse('recovery_failed', `Could not cancel deploy #${d.id}: ${res.message}`);
  const moved = ctx.deps.core.lifecycle.beginCancel(d, d.state === 'baking' ? 'baking' : 'deploying', {
    user,
    detail: res.status,
    note: actionNotes.cancelling(user, stack.stackName),
    at: now,
  });
  if (!moved)
    return refuse(
      'already_cancelling',
      `Deploy #${d.id} is already being rolled back${ctx.support.byWhom(d.id, 'cancel_update')}.`,
    );
  ctx.deps.logger.info({ deploymentId: d.id, user, stack: stack.stackName }, 'CancelUpdateStack requested');
  return {
    ok: true,
    message: `Cancelling the update of \`${stack.stackName}\`; CloudFormation rolls it back.`,
    deployment: moved,
  };
}

/**
 * The stack a cancel stops: the deployment's row being updated; else the row the runner is on (a change set it may
 * have just executed), so the refusal names the right stack. The target's first stack only when there are no rows.
 */
function updatingStack(ctx: RollbackContext, d: Deployment, target: Target): StackChoice {
  const rows = ctx.deps.core.stacks.list(d.id);
  const row =
    rows.find((r) => r.status === 'updating') ??
    rows.find((r) => r.status !== 'succeeded' && r.status !== 'noop') ??
    rows.at(-1);
  return row ? choice(row, target) : { stackName: target.stack.name, region: target.region };
}
