/**
 * What an approval shows in the deployment's thread: the request and decision views, the parent redrawn after a
 * decision, and the clean-up when a rollback is never approved. Used by ApprovalService inside its transactions.
 */
import type { Config } from '../app/config.js';
import { type ParentEta, ThreadParent } from '../deploys/thread-reporter.js';
import { type ApprovalPolicy, approvalPolicy, mention } from '../domain/approval-rules.js';
import { findTarget, type Target } from '../domain/targets.js';
import type { ApprovalRequest } from '../store/approvals-repo.js';
import type { Db } from '../store/db.js';
import type { Deployment } from '../store/deployment-row.js';
import { LocksRepo } from '../store/locks-repo.js';
import { OutboxRepo } from '../store/outbox-repo.js';
import { type ApprovalOutcomeView, type ApprovalView, approvalDecided, clockTime } from '../views/approval.js';
import { threadKeys } from '../views/thread-keys.js';

export class ApprovalThread {
  private readonly outbox: OutboxRepo;
  private readonly locks: LocksRepo;

  private readonly parents: ThreadParent;

  constructor(private readonly deps: { db: Db; config: Config; githubWeb: string; parentEta?: ParentEta }) {
    this.parents = new ThreadParent({
      db: deps.db,
      config: deps.config,
      githubWeb: deps.githubWeb,
      ...(deps.parentEta ? { etaMs: deps.parentEta } : {}),
    });
    this.outbox = new OutboxRepo(deps.db);
    this.locks = new LocksRepo(deps.db);
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

  targetOf(d: Deployment): Target {
    const found = findTarget(this.deps.config, d.service, d.environment);
    // A target removed from config after its deployment was queued: nobody is listed, so nobody can approve.
    if (!found.ok) throw new Error(`deployment #${d.id}: ${found.message}`);
    return found.target;
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
