/**
 * The one place where a deployment changes state. Each function does the guarded transition (the store's
 * `transition`, legal moves per domain/deployment-state.ts) AND all of its effects — phase bookkeeping, the thread
 * parent redrawn, the target's queue refreshed, the result reply, the action record — in one IMMEDIATE transaction,
 * so a message exists if and only if the change happened. A new state = one row in the domain's transition table +
 * one function here (or in lifecycle-waiting.ts / lifecycle-closed-loop.ts, which go through `guarded` / `move`).
 * The GitHub mirror is one of these effects (`mirror`), written by `guarded`, `claim` and the waiting module.
 * test/unit/lifecycle-only.test.ts fails if any other module calls `transition(`, `claim(` or `deployments.enqueue(`.
 */
import type { Clock } from '../app/clock.js';
import type { Logger } from '../app/logger.js';
import type { Deployment, Failure } from '../domain/deployment.js';
import type { DeploymentState } from '../domain/deployment-state.js';
import { recordTransition } from '../metrics/deployment-metrics.js';
import type { Db } from '../store/db.js';
import type { DeploymentAction, DeploymentActionsRepo } from '../store/deployment-actions-repo.js';
import type { DeploymentPatch } from '../store/deployment-row.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import type { PhasesRepo } from '../store/phases-repo.js';
import type { VerificationsRepo } from '../store/verifications-repo.js';
import { failureActions } from '../views/failure-actions.js';
import type { SlackMessage } from '../views/slack-message.js';
import { resultReply } from '../views/thread-replies.js';
import { ClosedLoopLifecycle } from './lifecycle-closed-loop.js';
import { WaitingLifecycle } from './lifecycle-waiting.js';
import type { ThreadReporter } from './thread-reporter.js';

export interface LifecycleDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  deployments: DeploymentsRepo;
  phases: PhasesRepo;
  actions: DeploymentActionsRepo;
  /** Bake window and verification records (issue 14): ended with the deployment. */
  verifications: VerificationsRepo;
  reporter: ThreadReporter;
  /** The GitHub Deployments mirror (github/deployment-mirror.ts): it queues a status for every state change. */
  mirror: StateMirror;
}

/** An effect of every state change that only writes to the same database, so it exists iff the change does. */
export interface StateMirror {
  record(d: Deployment, to: DeploymentState): void;
}

export interface FinishExtras {
  cascadeCount?: number;
  stackUrl?: string | null;
  /** A line after the reason (e.g. a failed first create: the stack must be deleted before the next try). */
  detail?: string;
  /** More writes that belong to the same transaction (e.g. the stack row and the root cause reply). */
  inTx?: () => void;
}

/** Who stopped a running deployment, for the action record and the note in its thread. */
export interface CancelRequest {
  user: string;
  /** What the action record keeps: 'build', or the stack status CancelUpdateStack answered. */
  detail: string;
  note: SlackMessage;
  /** When the button was clicked (the note's key). */
  at: number;
}

export class Lifecycle {
  private readonly loop: ClosedLoopLifecycle;
  private readonly waiting: WaitingLifecycle;

  constructor(private readonly deps: LifecycleDeps) {
    this.loop = new ClosedLoopLifecycle(deps, (d, from, to, patch, effects) => this.move(d, from, to, patch, effects));
    this.waiting = new WaitingLifecycle(deps, (id, from, to, now, patch) => this.guarded(id, from, to, now, patch));
  }

  // Before the run (lifecycle-waiting.ts): created, approved, rejected, expired, abandoned.
  enqueue: WaitingLifecycle['enqueue'] = (...a) => this.waiting.enqueue(...a);
  approve: WaitingLifecycle['approve'] = (...a) => this.waiting.approve(...a);
  reject: WaitingLifecycle['reject'] = (...a) => this.waiting.reject(...a);
  expire: WaitingLifecycle['expire'] = (...a) => this.waiting.expire(...a);
  abandon: WaitingLifecycle['abandon'] = (...a) => this.waiting.abandon(...a);
  supersede: WaitingLifecycle['supersede'] = (...a) => this.waiting.supersede(...a);

  // The closed loop (issue 14): commit checks, preflight, baking, verifying (lifecycle-closed-loop.ts).
  checksPassed: ClosedLoopLifecycle['checksPassed'] = (...a) => this.loop.checksPassed(...a);
  checksRejected: ClosedLoopLifecycle['checksRejected'] = (...a) => this.loop.checksRejected(...a);
  checksStillPending: ClosedLoopLifecycle['checksStillPending'] = (...a) => this.loop.checksStillPending(...a);
  preflightRejected: ClosedLoopLifecycle['preflightRejected'] = (...a) => this.loop.preflightRejected(...a);
  startBaking: ClosedLoopLifecycle['startBaking'] = (...a) => this.loop.startBaking(...a);
  startVerifying: ClosedLoopLifecycle['startVerifying'] = (...a) => this.loop.startVerifying(...a);
  verified: ClosedLoopLifecycle['verified'] = (...a) => this.loop.verified(...a);

  private get repo() {
    return this.deps.deployments;
  }

  /** queued → building|deploying, if still the head of a free, unlocked target; `inTx` adds the first replies. */
  claim(
    d: Deployment,
    to: 'building' | 'deploying',
    workerId: string,
    inTx?: (claimed: Deployment) => void,
  ): Deployment | undefined {
    const now = this.deps.clock.now();
    return this.deps.db
      .transaction(() => {
        const claimed = this.repo.claim(d.id, to, workerId, now);
        if (!claimed) return undefined;
        recordTransition(this.deps.phases, claimed, 'queued');
        this.deps.mirror.record(claimed, to);
        this.deps.reporter.stateChanged(claimed);
        inTx?.(claimed);
        return claimed;
      })
      .immediate();
  }

  /**
   * building → deploying. Without `build`, the build was skipped (nothing to build); with it, the build phase ends
   * and its finished reply is posted in the same transaction.
   */
  startDeploying(
    d: Deployment,
    build?: { buildLogUrl: string | null; finished: SlackMessage; inTx?: () => void },
  ): Deployment | undefined {
    const now = this.deps.clock.now();
    if (!build) {
      return this.deps.db.transaction(() => {
        const moved = this.guarded(d.id, 'building', 'deploying', now);
        if (moved) this.deps.reporter.stateChanged(moved);
        return moved;
      })();
    }
    return this.deps.db
      .transaction(() => {
        const next = this.guarded(d.id, 'building', 'deploying', now, { buildLogUrl: build.buildLogUrl });
        if (!next) return undefined;
        build.inTx?.();
        this.deps.phases.end(d.id, 'build', 'succeeded', now);
        this.deps.reporter.reply(next, 'build-finished', build.finished);
        this.deps.reporter.stateChanged(next);
        return next;
      })
      .immediate();
  }

  /** → succeeded (or a successful no-op), with its result reply. */
  succeed(d: Deployment, noop: boolean): void {
    const now = this.deps.clock.now();
    this.deps.db
      .transaction(() => {
        const next = this.guarded(d.id, d.state, 'succeeded', now, { summary: noop ? 'no changes' : null });
        if (!next) return;
        this.deps.phases.endOpen(d.id, 'succeeded', now);
        this.deps.reporter.reply(
          next,
          'result',
          resultReply({
            outcome: noop ? 'noop' : 'succeeded',
            durationMs: next.startedAt ? now - next.startedAt : null,
          }),
        );
        this.deps.reporter.stateChanged(next);
      })
      .immediate();
  }

  /** → failed, reported once with the failure buttons; false when the state moved meanwhile (a lost race). */
  fail(d: Deployment, failure: Failure, extras: FinishExtras = {}): boolean {
    const now = this.deps.clock.now();
    const summary = `${failure.phase.replace('_', ' ')} failed: ${failure.logicalId ? `${failure.logicalId}: ` : ''}${failure.reason}`;
    const moved = this.deps.db
      .transaction(() => {
        const next = this.guarded(d.id, d.state, 'failed', now, { failure, summary: summary.slice(0, 300) });
        if (!next) return false;
        extras.inTx?.();
        this.deps.phases.endOpen(d.id, 'failed', now);
        this.deps.verifications.finishOpen(d.id, 'failed', now);
        this.deps.reporter.reply(
          next,
          'result',
          resultReply({
            outcome: 'failed',
            durationMs: next.startedAt ? now - next.startedAt : null,
            failure,
            cascadeCount: extras.cascadeCount ?? 0,
            logUrl: next.buildLogUrl,
            stackUrl: extras.stackUrl ?? null,
            actions: failureActions(next.id),
            causeAbove: failure.logicalId !== undefined && this.deps.reporter.hasReply(next, 'root-cause'),
            ...(extras.detail ? { detail: extras.detail } : {}),
          }),
        );
        this.deps.reporter.stateChanged(next);
        return true;
      })
      .immediate();
    if (moved)
      this.deps.logger.warn({ deploymentId: d.id, phase: failure.phase, reason: failure.reason }, 'deployment failed');
    // Lost race (e.g. a cancel moved deploying → cancelling meanwhile): the next poll re-reads and continues.
    else this.deps.logger.info({ deploymentId: d.id, from: d.state }, 'state moved during the step; re-reading');
    return moved;
  }

  /**
   * building|deploying → cancelling after the Roll back button: the transition, who asked, the note in the thread
   * and the parent redrawn, in one transaction (ADR 0005). The runner then stops the build or follows the rollback.
   */
  beginCancel(d: Deployment, from: 'building' | 'deploying' | 'baking', req: CancelRequest): Deployment | undefined {
    const now = req.at;
    return this.deps.db
      .transaction(() => {
        const moved = this.guarded(d.id, from, 'cancelling', now, { stalledAt: null });
        if (!moved) return undefined;
        this.record(d.id, 'cancel_update', req.user, req.detail, now);
        this.deps.reporter.reply(moved, `cancel-${now}`, req.note);
        this.deps.reporter.stateChanged(moved);
        return moved;
      })
      .immediate();
  }

  /** cancelling (or a build stopped before it began) → cancelled, with one result reply. */
  cancel(d: Deployment, detail: string, inTx?: () => void): void {
    const now = this.deps.clock.now();
    this.deps.db
      .transaction(() => {
        const next = this.guarded(d.id, d.state, 'cancelled', now, { summary: detail.replace(/[*`]/g, '') });
        if (!next) return;
        inTx?.();
        this.deps.phases.endOpen(d.id, 'cancelled', now);
        this.deps.verifications.finishOpen(d.id, 'cancelled', now);
        this.deps.reporter.reply(
          next,
          'result',
          resultReply({ outcome: 'cancelled', durationMs: next.startedAt ? now - next.startedAt : null, detail }),
        );
        this.deps.reporter.stateChanged(next);
      })
      .immediate();
    this.deps.logger.info({ deploymentId: d.id }, 'deployment cancelled');
  }

  /**
   * The guarded transition, its metrics (metrics/deployment-metrics.ts) and its GitHub status: the one place all
   * three happen, always inside the caller's transaction.
   */
  private guarded(id: number, from: DeploymentState, to: DeploymentState, now: number, patch?: DeploymentPatch) {
    const next = this.repo.transition(id, from, to, now, patch);
    if (next) {
      recordTransition(this.deps.phases, next, from);
      this.deps.mirror.record(next, to);
    }
    return next;
  }

  /** One guarded transition, its effects and the parent redraw in one IMMEDIATE transaction. */
  private move(
    d: Deployment,
    from: DeploymentState,
    to: DeploymentState,
    patch: DeploymentPatch,
    effects?: (next: Deployment, now: number) => void,
  ): Deployment | undefined {
    const now = this.deps.clock.now();
    return this.deps.db
      .transaction(() => {
        const next = this.guarded(d.id, from, to, now, patch);
        if (!next) return undefined;
        effects?.(next, now);
        this.deps.reporter.stateChanged(next);
        return next;
      })
      .immediate();
  }

  private record(id: number, action: DeploymentAction['action'], user: string, detail: string | null, at: number) {
    this.deps.actions.record({ deploymentId: id, action, user, detail, at });
  }
}
