/**
 * What an approval shows in the deployment's thread: the request and decision views, the parent redrawn after a
 * decision, and the clean-up when a rollback is never approved. Used by ApprovalService inside its transactions.
 */
import type { Config } from '../app/config.js';
import type { DeploymentCore } from '../deploys/core.js';
import type { DeploymentTarget } from '../deploys/target-of.js';
import type { ThreadParent } from '../deploys/thread-parent.js';
import { type ApprovalPolicy, approvalPolicy, mention } from '../domain/approval-rules.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { ApprovalRequest } from '../store/approvals-repo.js';
import type { Db } from '../store/db.js';
import type { LocksRepo } from '../store/locks-repo.js';
import type { OutboxRepo } from '../store/outbox-repo.js';
import { type ApprovalOutcomeView, type ApprovalView, approvalDecided, clockTime } from '../views/approval.js';
import { threadKeys } from '../views/thread-keys.js';

export class ApprovalThread {
  private readonly outbox: OutboxRepo;
  private readonly locks: LocksRepo;

  private readonly parents: ThreadParent;

  constructor(private readonly deps: { db: Db; config: Config; githubWeb: string; core: DeploymentCore }) {
    this.parents = deps.core.parents;
    this.outbox = deps.core.outbox;
    this.locks = deps.core.locks;
  }

  policyFor(target: Target): ApprovalPolicy {
    return approvalPolicy(target.env);
  }

  settle(
    d: Deployment,
    target: Target,
    req: ApprovalRequest,
    o: ApprovalOutcomeView,
    approvedBy: readonly string[],
    now: number,
  ) {
    this.outbox.update(req.messageKey, approvalDecided(this.view(d, target, req, approvedBy), o), now);
    this.redrawParent(d, now);
  }

  redrawParent(d: Deployment, now: number): void {
    this.outbox.upsert(
      { key: threadKeys.parent(d.id), channel: d.channel, deploymentId: d.id, message: this.parent(d, now) },
      now,
    );
  }

  /** A rollback that never got approved did not happen: its lock and "bad SHA" mark go with it. */
  releaseRollbackLock(d: Deployment, user: string, now: number): void {
    if (d.kind !== 'rollback') return;
    const lock = this.locks.get(d.targetKey);
    if (lock?.kind === 'rollback' && lock.deploymentId === d.id) this.locks.unlock(d.targetKey, user, now, 'release');
    this.locks.unmarkBad(d.targetKey, d.id);
  }

  parent(d: Deployment, now: number) {
    return this.parents.render(d, now);
  }

  view(
    d: Deployment,
    target: Target,
    req: Pick<ApprovalRequest, 'context' | 'expiresAt'>,
    approvedBy: readonly string[],
  ): ApprovalView {
    return {
      deployment: d,
      repo: target.repo,
      githubWeb: this.deps.githubWeb,
      policy: this.policyFor(target),
      currentSha: req.context.currentSha,
      commits: req.context.commits,
      changes: req.context.changes,
      approvedBy,
      expiresAt: req.expiresAt,
    };
  }

  /** A removed target (target-of.ts): nobody is listed, so nobody can approve; the request just expires. */
  targetOf(d: Deployment): DeploymentTarget {
    return this.deps.core.targetOf(d);
  }
}

export function settledMessage(d: Deployment, req: ApprovalRequest): string {
  const at = req.decidedAt ? ` at ${clockTime(req.decidedAt).plain}` : '';
  switch (req.outcome) {
    case 'approved':
      return `Deploy #${d.id} was already approved by ${mention(req.decidedBy ? [req.decidedBy] : [])}${at}.`;
    case 'rejected':
      return `Deploy #${d.id} was already rejected by ${mention(req.decidedBy ? [req.decidedBy] : [])}${at}.`;
    case 'expired':
      return `The approval request for deploy #${d.id} expired${at}; request the deploy again.`;
    default:
      return `Deploy #${d.id} was cancelled${at}.`;
  }
}
