/**
 * The state changes of a deployment that has not started: created (enqueue), approved, rejected, expired,
 * superseded, or abandoned because its target left the config. Part of the lifecycle module, composed by `Lifecycle`
 * (lifecycle.ts): every change goes through its `guarded` transition, so the metrics and the GitHub mirror
 * (the state change's effects) are written in the same transaction.
 */

import type { Deployment } from '../domain/deployment.js';
import type { DeploymentState } from '../domain/deployment-state.js';
import type { DeploymentPatch } from '../store/deployment-row.js';
import type { EnqueueResult, NewDeployment } from '../store/deployments-repo.js';
import type { SlackMessage } from '../views/slack-message.js';
import { resultReply } from '../views/thread-replies.js';
import type { LifecycleDeps } from './lifecycle.js';

/** The lifecycle's guarded transition with its metrics and GitHub mirror; undefined when the state moved on. */
export type Guarded = (
  id: number,
  from: DeploymentState,
  to: DeploymentState,
  now: number,
  patch?: DeploymentPatch,
) => Deployment | undefined;

export class WaitingLifecycle {
  constructor(
    private readonly deps: LifecycleDeps,
    private readonly guarded: Guarded,
  ) {}

  /**
   * A new deployment (or the waiting one it merges into), and the first GitHub status of a new one, in one
   * transaction. The caller posts the thread parent in its own transaction around this one.
   */
  enqueue(input: NewDeployment, now: number): EnqueueResult {
    const { db, deployments, mirror } = this.deps;
    return db
      .transaction(() => {
        const r = deployments.enqueue(input, now);
        if (r.outcome === 'created') mirror.record(r.deployment, r.deployment.state);
        return r;
      })
      .immediate();
  }

  /**
   * pending_approval → queued. Runs inside the approval click's transaction; the caller settles the approval
   * request and its message (ApprovalThread.settle), which also redraws the parent.
   */
  approve(d: Deployment): Deployment | undefined {
    return this.decide(d, 'queued', {});
  }

  /** pending_approval → rejected, inside the approval click's transaction (see approve). */
  reject(d: Deployment, user: string): Deployment | undefined {
    return this.decide(d, 'rejected', { summary: `rejected by <@${user}>` });
  }

  /** pending_approval → expired, inside the expiry's transaction (see approve). */
  expire(d: Deployment): Deployment | undefined {
    return this.decide(d, 'expired', { summary: 'approval expired' });
  }

  /**
   * queued → cancelled because its target left the config (target-of.ts): it could never run, so it must not hold
   * its queue. One result reply says why.
   */
  abandon(d: Deployment, reason: string): void {
    const now = this.deps.clock.now();
    this.deps.db
      .transaction(() => {
        const next = this.guarded(d.id, 'queued', 'cancelled', now, { summary: 'target removed from config' });
        if (!next) return;
        this.deps.reporter.reply(
          next,
          'result',
          resultReply({ outcome: 'cancelled', durationMs: null, detail: reason }),
        );
        this.deps.reporter.stateChanged(next);
      })
      .immediate();
    this.deps.logger.warn(
      { deploymentId: d.id, target: d.targetKey },
      'queued deployment of a removed target cancelled',
    );
  }

  /**
   * waiting_checks | pending_approval | queued → superseded (issue 16): a newer head of the branch replaced this
   * auto-deploy candidate before it started. Runs inside the newer candidate's enqueue transaction; `inTx` closes
   * its approval request. False when it started meanwhile (a lost race).
   */
  supersede(d: Deployment, by: Deployment, note: SlackMessage, inTx?: (next: Deployment) => void): boolean {
    const now = this.deps.clock.now();
    const from = d.state as 'waiting_checks' | 'pending_approval' | 'queued';
    return this.deps.db
      .transaction(() => {
        const next = this.deps.deployments.transition(d.id, from, 'superseded', now, {
          summary: `superseded by #${by.id}`,
          waitReason: null,
        });
        if (!next) return false;
        // No transition metrics here (as before); the GitHub mirror is written as for every change.
        this.deps.mirror.record(next, 'superseded');
        inTx?.(next);
        this.deps.reporter.reply(next, 'superseded', note);
        this.deps.reporter.stateChanged(next);
        return true;
      })
      .immediate();
  }

  private decide(d: Deployment, to: 'queued' | 'rejected' | 'expired', patch: DeploymentPatch) {
    // Its own (nested) transaction too, so the change and its mirror are one write even outside a click's.
    return this.deps.db.transaction(() => this.guarded(d.id, 'pending_approval', to, this.deps.clock.now(), patch))();
  }
}
