/**
 * The domain service behind /deploy: parsed arguments → target → authorization → ref check → ref pinned to a SHA
 * (GitHub) → lock gate (a rolled-back SHA needs --force) → one IMMEDIATE transaction that queues the deployment
 * (pending_approval where approvals are required), its thread's parent message and its approval request.
 * Refusals are results with a message for the user, never exceptions.
 */
import type { GitHub } from '../adapters/github.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import { canDeploy } from '../domain/authorization.js';
import type { DeployArgs } from '../domain/command-parser.js';
import type { Deployment } from '../domain/deployment.js';
import type { QueueEta } from '../domain/eta.js';
import { checkRef } from '../domain/git-ref.js';
import { type RefusalWith, refuseWith } from '../domain/refusal.js';
import { findTarget, type Target } from '../domain/targets.js';
import type { CommitGate } from '../gates/commit-gate.js';
import { type ChecksDecision, checksDecision, recordChecksDecision } from '../gates/gate-decision.js';
import type { DeployGate, LockService } from '../locks/lock-service.js';
import type { PromotionGate } from '../promotion/promotion-gate.js';
import type { ApprovalContext } from '../store/approvals-repo.js';
import type { Db } from '../store/db.js';
import type { EnqueueResult } from '../store/deployments-repo.js';
import { nothingToPromote } from '../views/promotion.js';
import { joinedReply, joinedThreadNote, queuedReply, withNotes } from '../views/request-replies.js';
import type { SlackMessage } from '../views/slack-message.js';
import { threadKeys } from '../views/thread-keys.js';
import type { DeploymentCore } from './core.js';

export interface DeployRequest extends DeployArgs {
  userId: string;
  /**
   * Slack's trigger_id. Slack does not retry slash commands; this guards only a redelivery of the very same payload
   * (a Socket Mode envelope delivered again, a replayed request) from queueing a second deployment.
   */
  requestId: string | undefined;
}

export type DeployRefusal =
  | 'unknown_target'
  | 'not_allowed'
  | 'invalid_ref'
  | 'unknown_ref'
  | 'github_error'
  | 'bad_sha'
  | 'checks_failed'
  | 'checks_error'
  | 'not_promotable';

export type DeployRequestResult =
  | {
      ok: true;
      outcome: EnqueueResult['outcome'];
      deployment: Deployment;
      position: number | undefined;
      reply: SlackMessage;
    }
  | RefusalWith<SlackMessage, DeployRefusal>;

export interface DeployRequestsDeps {
  db: Db;
  config: Config;
  github: GitHub;
  clock: Clock;
  /** https://github.com or the GitHub Enterprise web host, for commit links. */
  githubWeb: string;
  approvals: Pick<ApprovalService, 'needsApproval' | 'gatherContext' | 'request'>;
  locks: Pick<LockService, 'gate' | 'recordForce' | 'queuedNotice'>;
  /** Commit checks before anything is queued (environments with `gates`). */
  gate: CommitGate;
  /** ETA to start and finish of a waiting deployment (the estimator), for the reply. */
  eta?: (d: Deployment) => QueueEta | undefined;
  /** Repositories and the one thread-parent renderer (runtime.ts). */
  core: DeploymentCore;
  /** Environments with `promoteFrom` take only SHAs their source proved (issue 16). */
  promotion?: Pick<PromotionGate, 'check' | 'sourceOf' | 'sourceRuns'>;
}

/** Extra work of a caller that is not a person typing /deploy (auto-deploy, the Promote button). */
export interface QueueOptions {
  /** Inside the enqueue transaction, when a new deployment was created (its thread notes, superseding). */
  inTx?: (d: Deployment) => void;
  /** The commit's date (GitHub), for the delivery lead time. */
  committedAt?: string | null | undefined;
}

function refuse(reason: DeployRefusal, message: string | SlackMessage): DeployRequestResult {
  return refuseWith(reason, typeof message === 'string' ? { text: message } : message);
}

export class DeployRequests {
  constructor(private readonly deps: DeployRequestsDeps) {}

  async request(req: DeployRequest): Promise<DeployRequestResult> {
    const found = findTarget(this.deps.config, req.service, req.environment);
    if (!found.ok) return refuse('unknown_target', found.message);
    const target = found.target;
    const allowed = canDeploy(target, req.userId);
    if (!allowed.ok) return refuse('not_allowed', allowed.message);
    // Promotion with no ref: what the source environment runs now, not the branch.
    const source = this.deps.promotion?.sourceOf(target);
    let wanted = req.ref;
    if (wanted === undefined && source) {
      wanted = this.deps.promotion?.sourceRuns(source)?.sha;
      if (!wanted) return refuse('not_promotable', nothingToPromote(target, source));
    }
    // The default ref comes from config, but it travels to GitHub like a typed one: same rules.
    const ref = checkRef(wanted ?? target.defaultRef);
    if (!ref.ok) return refuse('invalid_ref', ref.message);

    const resolved = await this.deps.github.resolveRef(target.repo, ref.ref);
    if (!resolved.ok) return refuse(resolved.reason === 'not_found' ? 'unknown_ref' : 'github_error', resolved.message);
    return this.queueSha(target, ref.ref, resolved.sha, req, { committedAt: resolved.committedAt });
  }

  /**
   * A SHA already resolved (and its requester already authorized): lock gate, promotion proof, commit checks and
   * approvals, then the enqueue transaction. Auto-deploy calls this with the branch head it read.
   */
  async queueSha(
    target: Target,
    ref: string,
    sha: string,
    req: DeployRequest,
    options: QueueOptions = {},
  ): Promise<DeployRequestResult> {
    const resolved = { sha, committedAt: options.committedAt };
    const gate = this.deps.locks.gate(target, resolved.sha, { user: req.userId, forced: req.forced });
    if (!gate.ok) return refuse('bad_sha', gate.reply);
    const proof = this.deps.promotion?.check(target, resolved.sha, this.deps.clock.now());
    if (proof && !proof.ok) return refuse(proof.reason, proof.reply);
    const checks = checksDecision(target, await this.deps.gate.check(target, resolved.sha), {
      ...req,
      sha: resolved.sha,
    });
    if (!checks.ok) return refuse(checks.reason, checks.reply);
    // GitHub is asked for the commit list before the transaction: no network call while holding the write lock.
    const pending = this.deps.approvals.needsApproval(target);
    const context = pending ? await this.deps.approvals.gatherContext(target, resolved.sha) : {};
    return this.enqueue(target, ref, resolved.sha, req, {
      gate,
      checks,
      pending,
      context,
      committedAt: resolved.committedAt,
      ...options,
    });
  }

  private enqueue(
    target: Target,
    ref: string,
    sha: string,
    req: DeployRequest,
    o: {
      gate: Extract<DeployGate, { ok: true }>;
      checks: Extract<ChecksDecision, { ok: true }>;
      pending: boolean;
      context: ApprovalContext;
      committedAt?: string | null | undefined;
    } & QueueOptions,
  ): DeployRequestResult {
    const { db, clock, githubWeb, approvals, locks } = this.deps;
    const now = clock.now();
    const committedAt = o.committedAt;
    return db
      .transaction((): DeployRequestResult => {
        const result = this.deps.core.lifecycle.enqueue(
          {
            kind: 'deploy',
            service: target.service,
            environment: target.environment,
            targetKey: target.key,
            ref,
            sha,
            requestedBy: req.userId,
            channel: target.channel,
            // Waiting for checks comes first; the approval request follows once they pass (GateWatcher).
            state: o.checks.waiting ? 'waiting_checks' : o.pending ? 'pending_approval' : 'queued',
            forced: req.forced,
            ...(req.requestId ? { requestId: req.requestId } : {}),
          },
          now,
        );
        // On a locked target the deployment waits: the notice marks why (shown in the parent and the reply).
        const lockNotice = locks.queuedNotice(target, result.deployment.id);
        if (result.outcome === 'created') {
          recordChecksDecision(this.deps.core, result.deployment, o.checks, req.userId, now);
          this.deps.core.delivery.recordCommitTime(result.deployment.id, committedAt);
        }
        const d = this.deps.core.deployments.get(result.deployment.id) ?? result.deployment;
        const position = d.state === 'queued' ? this.deps.core.deployments.position(d) : undefined;
        const eta = d.state === 'queued' ? this.deps.eta?.(d) : undefined;
        if (result.outcome === 'created') {
          this.deps.core.outbox.post(
            {
              key: threadKeys.parent(d.id),
              channel: d.channel,
              deploymentId: d.id,
              message: this.deps.core.parents.render(d, now),
            },
            now,
          );
          o.inTx?.(d);
          if (d.state === 'pending_approval') approvals.request(d, o.context);
          if (o.gate.forcedPast) locks.recordForce(target, { user: req.userId, sha, deploymentId: d.id });
          if (o.checks.forced) {
            this.deps.core.outbox.post(
              {
                key: threadKeys.reply(d.id, 'checks-forced'),
                channel: d.channel,
                threadKey: threadKeys.parent(d.id),
                deploymentId: d.id,
                message: o.checks.forced.note,
              },
              now,
            );
          }
        } else if (result.outcome === 'merged' && d.requestedBy !== req.userId) {
          // The key names the user: asking twice in a row adds one note, not two.
          this.deps.core.outbox.post(
            {
              key: threadKeys.reply(d.id, `joined-${req.userId}`),
              channel: d.channel,
              threadKey: threadKeys.parent(d.id),
              deploymentId: d.id,
              message: joinedThreadNote(req.userId),
            },
            now,
          );
        }
        const replyInput = { deployment: d, position, repo: target.repo, githubWeb, eta };
        // A redelivered payload gets the answer the first delivery got: queued for its author, joined otherwise.
        const reply = d.requestedBy === req.userId ? queuedReply(replyInput) : joinedReply(replyInput);
        const checksNotice = d.state === 'waiting_checks' ? o.checks.notice : undefined;
        return {
          ok: true,
          outcome: result.outcome,
          deployment: d,
          position,
          reply: withNotes(reply, lockNotice, checksNotice),
        };
      })
      .immediate();
  }
}
