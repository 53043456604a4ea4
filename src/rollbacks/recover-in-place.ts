/**
 * Roll back a failed stack where it stands, without a new deployment: ContinueUpdateRollback or RollbackStack on a
 * stack a failed update left stuck, and "Continue rollback" on one the stack-state preflight refused.
 */
import type { RecoveryOp } from '../adapters/cloudformation-recovery.js';
import type { ActionResult } from '../deploys/deployment-actions.js';
import type { Deployment } from '../domain/deployment.js';
import { refuse } from '../domain/refusal.js';
import type { Target } from '../domain/targets.js';
import { actionNotes } from '../views/failure-actions.js';
import { choice, type RollbackContext, type StackChoice } from './rollback-context.js';

/**
 * "Continue rollback" on a deployment the stack-state preflight refused (UPDATE_ROLLBACK_FAILED): finishes the
 * stack's earlier rollback. The deployment's SHA is not marked bad and the target is not locked: it never ran.
 */
export async function continuePreflight(
  ctx: RollbackContext,
  d: Deployment,
  target: Target,
  user: string,
): Promise<ActionResult> {
  const stack = { stackName: d.failure!.stackName!, region: target.region };
  const status = await ctx.deps.recovery.status(stack);
  if (status !== 'UPDATE_ROLLBACK_FAILED') {
    return refuse(
      'not_rollback_failed',
      `\`${stack.stackName}\` is ${status ?? 'gone'} now, not UPDATE_ROLLBACK_FAILED: nothing to continue; deploy again.`,
    );
  }
  const res = await ctx.deps.recovery.recover({ ...stack, token: d.token }, ['continue_rollback'], status);
  if (!res.ok)
    return refuse('recovery_failed', `Could not continue the rollback of \`${stack.stackName}\`: ${res.message}`);
  const now = ctx.deps.clock.now();
  ctx.deps.db.transaction(() => {
    ctx.support.record(d.id, 'continue_rollback', user, res.status, now, stack.stackName);
    ctx.support.note(d, `continue_rollback-${now}`, actionNotes.continueRollback(user, stack.stackName), now);
  })();
  ctx.deps.logger.info({ deploymentId: d.id, user, stack: stack.stackName }, 'preflight: ContinueUpdateRollback');
  return {
    ok: true,
    message: `ContinueUpdateRollback started on \`${stack.stackName}\`; deploy again once it is UPDATE_ROLLBACK_COMPLETE.`,
    deployment: d,
  };
}

export async function recoverInPlace(
  ctx: RollbackContext,

  d: Deployment,
  target: Target,
  stack: StackChoice,
  user: string,
  op: RecoveryOp,
  status: string,
): Promise<ActionResult> {
  const res = await ctx.deps.recovery.recover({ ...stack, token: d.token }, [op], status);
  if (!res.ok) return refuse('recovery_failed', `Could not roll back \`${stack.stackName}\`: ${res.message}`);
  const now = ctx.deps.clock.now();
  const action = op === 'continue_rollback' ? 'continue_rollback' : 'rollback_stack';
  ctx.deps.db.transaction(() => {
    // With the stack, so the recovery watcher follows this stack only (mode build can leave several failed).
    ctx.support.record(d.id, action, user, res.status, now, stack.stackName);
    ctx.deps.locks.lockForRollback(target, { user, badSha: d.sha, deploymentId: d.id });
    const note =
      op === 'continue_rollback'
        ? actionNotes.continueRollback(user, stack.stackName)
        : actionNotes.rollbackStack(user, stack.stackName);
    ctx.support.note(d, `${action}-${now}`, note, now);
  })();
  ctx.deps.logger.info(
    { deploymentId: d.id, user, op, status: res.status, stack: stack.stackName },
    'stack recovery requested',
  );
  return {
    ok: true,
    message: `\`${stack.stackName}\` was ${res.status}: ${op === 'continue_rollback' ? 'ContinueUpdateRollback' : 'RollbackStack'} started.`,
    deployment: d,
  };
}

/**
 * The stacks a recovery may act on, in deploy order: the deployment's failed rows (mode build can fail several),
 * else the row the failure names; the target's first stack only when the deployment has no rows.
 */
export function failedStacks(ctx: RollbackContext, d: Deployment, target: Target): StackChoice[] {
  const rows = ctx.deps.core.stacks.list(d.id);
  if (rows.length === 0) return [{ stackName: target.stack.name, region: target.region }];
  const failed = rows.filter((r) => r.status === 'failed');
  const named = rows.filter((r) => r.stackName === d.failure?.stackName);
  return (failed.length > 0 ? failed : named).map((r) => choice(r, target));
}
