/**
 * Approvals: ask for them in the deployment's thread, count them at click time, settle the request exactly once
 * (a guarded UPDATE inside one IMMEDIATE transaction), and expire requests nobody answered.
 */
import type { GitHub } from '../adapters/github.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { DeploymentCore } from '../deploys/core.js';
import {
  type ApprovalPolicy,
  approvalPolicy,
  checkApprove,
  checkReject,
  needsApproval,
  tally,
} from '../domain/approval-rules.js';
import type { Deployment } from '../domain/deployment.js';
import { type Refusal, refuse } from '../domain/refusal.js';
import type { Target } from '../domain/targets.js';
import type { ApprovalContext } from '../store/approvals-repo.js';
import type { Db } from '../store/db.js';
import { type ApprovalOutcomeView, approvalRequest } from '../views/approval.js';
import { threadKeys } from '../views/thread-keys.js';
import { ApprovalThread, settledMessage } from './approval-thread.js';

export interface ApprovalDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** For the commit list; without it (or when GitHub fails) the request says the list is unavailable. */
  github?: GitHub;
  githubWeb: string;
  /** Repositories, thread parent and lifecycle, built once (runtime.ts). */
  core: DeploymentCore;
}

export type Click = {
  deploymentId: number;
  user: string;
  decision: 'approve' | 'reject';
  clickedSha?: string | undefined;
};

export type ClickResult =
  | { ok: true; effect: 'approved' | 'rejected' | 'recorded'; deployment: Deployment; message: string }
  | Refusal;

const MAX_STORED_COMMITS = 10;

export const approvalKey = (deploymentId: number) => threadKeys.reply(deploymentId, 'approval');

export class ApprovalService {
  private readonly thread: ApprovalThread;

  constructor(private readonly deps: ApprovalDeps) {
    this.thread = new ApprovalThread(deps);
  }

  policyFor(target: Target): ApprovalPolicy {
    return approvalPolicy(target.env);
  }

  /** Whether a new deployment to this target must start in pending_approval. */
  needsApproval(target: Target): boolean {
    return needsApproval(this.policyFor(target));
  }

  /** The commits since what runs now, from GitHub; failures leave the list out rather than blocking the request. */
  async gatherContext(target: Target, sha: string): Promise<ApprovalContext> {
    const current = this.deps.core.deployments.lastSucceeded(target.key)?.sha;
    if (!current || !this.deps.github) return { currentSha: current };
    try {
      const c = await this.deps.github.compare(target.repo, current, sha, { newest: MAX_STORED_COMMITS });
      // Newest first: what an approver needs is what just changed (GitHub lists oldest first).
      return { currentSha: current, commits: { ...c, commits: c.commits.slice(-MAX_STORED_COMMITS).reverse() } };
    } catch (err) {
      logError(this.deps.logger, err, { targetKey: target.key }, 'approval: compare failed', 'warn');
      return { currentSha: current, commits: null };
    }
  }

  /**
   * Opens the approval request of a pending_approval deployment and queues its reply, in one transaction
   * (call it inside the enqueue transaction, or right after). Idempotent: false when already requested.
   */
  request(d: Deployment, context: ApprovalContext = {}): boolean {
    if (d.state !== 'pending_approval') return false;
    const found = this.thread.targetOf(d);
    if (!found.ok) return false;
    const target = found.target;
    const now = this.deps.clock.now();
    const expiresAt = now + this.deps.config.timing.approvalTimeoutMinutes * 60_000;
    return this.deps.db.transaction((): boolean => {
      const req = {
        deploymentId: d.id,
        sha: d.sha,
        messageKey: approvalKey(d.id),
        context,
        requestedAt: now,
        expiresAt,
      };
      if (!this.deps.core.approvals.open(req)) return false;
      // The parent usually exists already; posting it here keeps the thread reply's parent reference valid.
      this.deps.core.outbox.post(
        {
          key: threadKeys.parent(d.id),
          channel: d.channel,
          deploymentId: d.id,
          message: this.thread.parent(d, now),
        },
        now,
      );
      this.deps.core.outbox.post(
        {
          key: req.messageKey,
          channel: d.channel,
          threadKey: threadKeys.parent(d.id),
          deploymentId: d.id,
          message: approvalRequest(this.thread.view(d, target, req, [])),
        },
        now,
      );
      this.deps.logger.info({ deploymentId: d.id, sha: d.sha, expiresAt }, 'approval requested');
      return true;
    })();
  }

  /**
   * One click. Everything is re-read and re-checked inside one IMMEDIATE transaction, so of two simultaneous
   * clicks exactly one settles the request; the other is told who settled it.
   */
  decide(click: Click): ClickResult {
    const now = this.deps.clock.now();
    const result = this.deps.db
      .transaction((): ClickResult => {
        const d = this.deps.core.deployments.get(click.deploymentId);
        const req = this.deps.core.approvals.get(click.deploymentId);
        if (!d || !req)
          return refuse('no_approval_request', `Deployment #${click.deploymentId} has no approval request.`);
        if (req.outcome !== 'pending') return refuse('already_settled', settledMessage(d, req));
        if (d.state !== 'pending_approval') {
          return refuse('wrong_state', `Deploy #${d.id} is ${d.state.replace('_', ' ')}; there is nothing to decide.`);
        }
        const found = this.thread.targetOf(d);
        if (!found.ok) return refuse(found.reason, found.message);
        const target = found.target;
        const policy = this.policyFor(target);
        const check =
          click.decision === 'approve'
            ? checkApprove(policy, {
                user: click.user,
                requestedBy: d.requestedBy,
                deploymentSha: req.sha,
                clickedSha: click.clickedSha,
              })
            : checkReject(policy, { user: click.user, requestedBy: d.requestedBy });
        if (!check.ok) return refuse(check.reason, check.message);
        if (
          !this.deps.core.approvals.record(d.id, { user: click.user, decision: click.decision, sha: req.sha, at: now })
        ) {
          return refuse('already_decided', `You already decided on deploy #${d.id}.`);
        }
        const t = tally(policy, {
          requestedBy: d.requestedBy,
          sha: d.sha,
          decisions: this.deps.core.approvals.decisions(d.id),
        });
        if (t.outcome === 'pending') {
          this.deps.core.outbox.update(
            req.messageKey,
            approvalRequest(this.thread.view(d, target, req, t.approvedBy)),
            now,
          );
          const message = `Approval recorded: ${t.approvedBy.length} of ${policy.requiredApprovals} for deploy #${d.id}.`;
          return { ok: true, effect: 'recorded', deployment: d, message };
        }
        const to = t.outcome === 'approved' ? 'queued' : 'rejected';
        const moved =
          to === 'queued' ? this.deps.core.lifecycle.approve(d) : this.deps.core.lifecycle.reject(d, click.user);
        if (!moved || !this.deps.core.approvals.close(d.id, t.outcome, click.user, now)) {
          throw new Error(`approval of #${d.id} lost a race inside its own transaction`);
        }
        const outcome: ApprovalOutcomeView =
          t.outcome === 'approved'
            ? { outcome: 'approved', by: t.approvedBy, at: now }
            : { outcome: 'rejected', by: click.user, at: now };
        this.thread.settle(moved, target, req, outcome, t.approvedBy, now);
        if (to === 'rejected') this.thread.releaseRollbackLock(moved, click.user, now);
        const message = to === 'queued' ? `Approved: deploy #${d.id} is queued.` : `Rejected deploy #${d.id}.`;
        return { ok: true, effect: to === 'queued' ? 'approved' : 'rejected', deployment: moved, message };
      })
      .immediate();
    this.deps.logger.info(
      {
        deploymentId: click.deploymentId,
        user: click.user,
        decision: click.decision,
        ok: result.ok,
        effect: result.ok ? result.effect : 'refused',
      },
      'approval click',
    );
    return result;
  }

  /** Expires requests older than timing.approvalTimeoutMinutes; returns how many expired. */
  expireDue(): number {
    const now = this.deps.clock.now();
    let expired = 0;
    for (const req of this.deps.core.approvals.due(now)) {
      const done = this.deps.db
        .transaction((): boolean => {
          const d = this.deps.core.deployments.get(req.deploymentId);
          if (
            !d ||
            !this.deps.core.approvals.close(
              req.deploymentId,
              d.state === 'pending_approval' ? 'expired' : 'cancelled',
              null,
              now,
            )
          )
            return false;
          const found = this.thread.targetOf(d);
          const moved = d.state === 'pending_approval' ? this.deps.core.lifecycle.expire(d) : undefined;
          const outcome: ApprovalOutcomeView = moved
            ? { outcome: 'expired', at: now }
            : { outcome: 'cancelled', at: now };
          // A removed target (target-of.ts) has no view to redraw the request with; the parent still shows the end.
          if (found.ok) this.thread.settle(moved ?? d, found.target, req, outcome, [], now);
          else this.thread.redrawParent(moved ?? d, now);
          if (moved) this.thread.releaseRollbackLock(moved, 'coxswain', now);
          return moved !== undefined;
        })
        .immediate();
      if (done) {
        expired++;
        this.deps.logger.info({ deploymentId: req.deploymentId }, 'approval expired');
      }
    }
    return expired;
  }
}
