/**
 * The closed loop's state changes (issue 14, ADR 0009-i14): commit checks, stack preflight, baking and verifying.
 * Part of the lifecycle module, composed by `Lifecycle` (lifecycle.ts): each function hands `move` (the lifecycle's
 * one guarded transition, parent redraw included) its effects — phase and bake/verify bookkeeping, the thread reply —
 * so they happen in the same IMMEDIATE transaction as the change.
 */

import type { Deployment, Failure } from '../domain/deployment.js';
import type { DeploymentState } from '../domain/deployment-state.js';
import type { DeploymentPatch } from '../store/deployment-row.js';
import type { SlackMessage } from '../views/slack-message.js';
import type { LifecycleDeps } from './lifecycle.js';

/** The lifecycle's guarded move: transition, `effects(next, now)`, parent redraw, all or nothing. */
export type Move = (
  d: Deployment,
  from: DeploymentState,
  to: DeploymentState,
  patch: DeploymentPatch,
  effects?: (next: Deployment, now: number) => void,
) => Deployment | undefined;

export class ClosedLoopLifecycle {
  constructor(
    private readonly deps: LifecycleDeps,
    private readonly move: Move,
  ) {}

  /** waiting_checks → queued | pending_approval: its checks passed; `inTx` posts the approval request if any. */
  checksPassed(
    d: Deployment,
    to: 'queued' | 'pending_approval',
    inTx?: (next: Deployment) => void,
  ): Deployment | undefined {
    const next = this.move(d, 'waiting_checks', to, { waitReason: null }, (moved) => inTx?.(moved));
    if (next) this.deps.logger.info({ deploymentId: d.id, to }, 'commit checks passed');
    return next;
  }

  /** waiting_checks → rejected: a check failed, or they still ran when gates.waitMinutes passed. */
  checksRejected(d: Deployment, summary: string, note: SlackMessage): boolean {
    return this.reject(d, 'waiting_checks', summary, 'checks-rejected', note);
  }

  /** queued → rejected: the stack-state preflight found a stack no update can touch (nothing was built). */
  preflightRejected(d: Deployment, failure: Failure, note: SlackMessage): boolean {
    return this.reject(d, 'queued', failure.reason, 'preflight', note, failure);
  }

  /** waiting_checks: the wait line changed (a check moved on); the parent shows the new one. No state change. */
  checksStillPending(d: Deployment, line: string): void {
    if (d.waitReason === line) return;
    const { db, clock, deployments, reporter } = this.deps;
    const now = clock.now();
    db.transaction(() => {
      if (!deployments.update(d.id, 'waiting_checks', now, { waitReason: line })) return;
      const next = deployments.get(d.id);
      if (next) reporter.stateChanged(next);
    }).immediate();
  }

  /** deploying → baking: resources are done; CloudFormation watches the alarms until the window ends. */
  startBaking(d: Deployment, windowMs: number, line: string): Deployment | undefined {
    return this.move(d, 'deploying', 'baking', { waitReason: line }, (_next, now) => {
      this.deps.verifications.start(d.id, 'bake', now, now + windowMs);
    });
  }

  /** building | deploying | baking → verifying: the stack is updated, now the service must serve the new SHA. */
  startVerifying(d: Deployment, timeoutMs: number, note: SlackMessage, waitLine: string): Deployment | undefined {
    // The first verify poll is due at once.
    const patch = { waitReason: waitLine, nextPollAt: this.deps.clock.now() };
    return this.move(d, d.state, 'verifying', patch, (next, now) => {
      this.deps.verifications.finish(d.id, 'bake', 'succeeded', now);
      this.deps.verifications.start(d.id, 'verify', now, now + timeoutMs);
      this.deps.reporter.reply(next, 'verify-started', note);
    });
  }

  /** verifying → succeeded: the service serves the SHA and passed its smoke checks. */
  verified(d: Deployment, summary: string, result: SlackMessage): boolean {
    const next = this.move(d, 'verifying', 'succeeded', { summary, waitReason: null }, (moved, now) => {
      this.deps.verifications.finish(d.id, 'verify', 'succeeded', now);
      this.deps.phases.endOpen(d.id, 'succeeded', now);
      this.deps.reporter.reply(moved, 'result', result);
    });
    return next !== undefined;
  }

  private reject(
    d: Deployment,
    from: 'waiting_checks' | 'queued',
    summary: string,
    replyName: string,
    note: SlackMessage,
    failure?: Failure,
  ): boolean {
    const patch: DeploymentPatch = {
      summary: summary.slice(0, 300),
      waitReason: null,
      ...(failure ? { failure } : {}),
    };
    const next = this.move(d, from, 'rejected', patch, (moved) => this.deps.reporter.reply(moved, replyName, note));
    if (next) this.deps.logger.warn({ deploymentId: d.id, summary }, 'deployment rejected');
    return next !== undefined;
  }
}
