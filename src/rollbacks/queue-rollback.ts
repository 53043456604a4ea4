/** Queue a rollback deployment: back to the SHA that succeeded before, under the normal approval and lock rules. */
import { type ActionResult, type Enqueued, ROLLBACK_PRIORITY } from '../deploys/deployment-actions.js';
import type { Deployment } from '../domain/deployment.js';
import { refuse } from '../domain/refusal.js';
import { chooseRollbackTarget, type parseRollbackArg } from '../domain/rollback-target.js';
import type { Target } from '../domain/targets.js';
import { actionNotes } from '../views/failure-actions.js';
import type { RollbackContext } from './rollback-context.js';

export async function queueRollback(
  ctx: RollbackContext,

  target: Target,
  user: string,
  c: { from?: Deployment; arg?: ReturnType<typeof parseRollbackArg>; requestId?: string | undefined },
): Promise<ActionResult> {
  const history = ctx.deps.core.deployments
    .recentFinished(target.key, 200)
    .map((d) => ({ ...d, failurePhase: d.failure?.phase ?? null }));
  const arg = c.arg && c.arg.kind !== 'invalid' ? c.arg : undefined;
  const from = c.from ? { ...c.from, failurePhase: c.from.failure?.phase ?? null } : undefined;
  const choice = chooseRollbackTarget({
    targetKey: target.key,
    history,
    ...(from ? { from } : {}),
    ...(arg ? { arg } : {}),
    lookup: (id) => {
      const d = ctx.deps.core.deployments.get(id);
      return d ? { ...d, failurePhase: d.failure?.phase ?? null } : undefined;
    },
  });
  if (!choice.ok) return refuse(choice.reason, choice.message);
  const { to, from: bad } = choice;
  const needsApproval = ctx.deps.approvals.needsApproval(target);
  const context = needsApproval ? await ctx.deps.approvals.gatherContext(target, to.sha) : {};
  const now = ctx.deps.clock.now();
  const res = ctx.deps.db.transaction((): Enqueued => {
    const e = ctx.support.enqueue(
      target,
      {
        kind: 'rollback',
        ref: to.ref,
        sha: to.sha,
        user,
        priority: ROLLBACK_PRIORITY,
        rollbackOf: to.id,
        requestId: c.requestId,
      },
      context,
      now,
    );
    if (!e.merged) {
      ctx.deps.locks.lockForRollback(target, { user, badSha: bad.sha, deploymentId: e.deployment.id });
      ctx.support.record(bad.id, 'rollback', user, `#${e.deployment.id} → ${to.sha}`, now);
      ctx.support.note(
        bad,
        `rollback-${e.deployment.id}`,
        actionNotes.rollbackQueued(user, e.deployment.id, bad.sha, to.sha, needsApproval),
        now,
      );
    }
    return e;
  })();
  const locked = ctx.deps.locks.queuedNotice(target, res.deployment.id);
  const base = res.merged
    ? `Rollback #${res.deployment.id} to ${to.sha.slice(0, 7)} is already queued; you joined it.`
    : `Queued rollback #${res.deployment.id} of \`${target.key}\` from ${bad.sha.slice(0, 7)} to ${to.sha.slice(0, 7)} (deploy #${to.id})${needsApproval ? '; it needs approval' : ''}.`;
  return { ok: true, message: locked ? `${base}\n${locked.text}` : base, deployment: res.deployment };
}
