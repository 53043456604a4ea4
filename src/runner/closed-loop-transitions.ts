/**
 * The state changes of the closed loop (issue 14): commit checks, stack preflight, baking and verifying. The
 * guarded transitions themselves are the lifecycle's (deploys/lifecycle.ts); these add what belongs to the same
 * transaction here — the bake/verify records — and the log line.
 */
import type { Clock } from '../app/clock.js';
import type { Logger } from '../app/logger.js';
import type { Lifecycle } from '../deploys/lifecycle.js';
import type { ThreadReporter } from '../deploys/thread-reporter.js';
import type { Db } from '../store/db.js';
import type { Deployment, Failure } from '../store/deployment-row.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import type { PhasesRepo } from '../store/phases-repo.js';
import type { VerificationsRepo } from '../store/verifications-repo.js';
import type { SlackMessage } from '../views/slack-message.js';

export interface TransitionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  repo: DeploymentsRepo;
  reporter: ThreadReporter;
  lifecycle: Lifecycle;
}

/** waiting_checks → queued | pending_approval: its checks passed; `inTx` posts the approval request if any. */
export function checksPassed(
  t: TransitionDeps,
  d: Deployment,
  to: 'queued' | 'pending_approval',
  inTx?: (next: Deployment) => void,
): Deployment | undefined {
  const next = t.lifecycle.checksPassed(d, to, inTx);
  if (next) t.logger.info({ deploymentId: d.id, to }, 'commit checks passed');
  return next;
}

/** waiting_checks → rejected: a check failed, or they still ran when gates.waitMinutes passed. */
export function checksRejected(t: TransitionDeps, d: Deployment, summary: string, note: SlackMessage): boolean {
  return reject(t, d, 'waiting_checks', summary, 'checks-rejected', note);
}

/** queued → rejected: the stack-state preflight found a stack no update can touch (nothing was built). */
export function preflightRejected(t: TransitionDeps, d: Deployment, failure: Failure, note: SlackMessage): boolean {
  return reject(t, d, 'queued', failure.reason, 'preflight', note, failure);
}

function reject(
  t: TransitionDeps,
  d: Deployment,
  from: 'waiting_checks' | 'queued',
  summary: string,
  replyName: string,
  note: SlackMessage,
  failure?: Failure,
): boolean {
  const moved = t.lifecycle.rejectBeforeStart(d, from, summary, { name: replyName, message: note }, failure);
  if (moved) t.logger.warn({ deploymentId: d.id, summary }, 'deployment rejected');
  return moved;
}

/** waiting_checks: the wait line changed (a check moved on); the parent shows the new one. */
export function checksStillPending(t: TransitionDeps, d: Deployment, line: string): void {
  if (d.waitReason === line) return;
  const now = t.clock.now();
  t.db
    .transaction(() => {
      if (!t.repo.update(d.id, 'waiting_checks', now, { waitReason: line })) return;
      const next = t.repo.get(d.id);
      if (next) t.reporter.stateChanged(next);
    })
    .immediate();
}

/** The run context pieces the after-update transitions use (a subset of RunContext). */
export interface LoopDeps extends TransitionDeps {
  verifications: VerificationsRepo;
  phases: PhasesRepo;
}

/** building | deploying | baking → verifying: the stack is updated, now the service must serve the new SHA. */
export function startVerifying(
  t: LoopDeps,
  d: Deployment,
  timeoutMs: number,
  note: SlackMessage,
  waitLine: string,
): Deployment | undefined {
  const now = t.clock.now();
  return t.lifecycle.startVerifying(d, waitLine, note, () => {
    t.verifications.finish(d.id, 'bake', 'succeeded', now);
    t.verifications.start(d.id, 'verify', now, now + timeoutMs);
  });
}

/** verifying → succeeded: the service serves the SHA and passed its smoke checks. */
export function verified(t: LoopDeps, d: Deployment, summary: string, result: SlackMessage): boolean {
  const now = t.clock.now();
  return t.lifecycle.verified(d, summary, result, () => t.verifications.finish(d.id, 'verify', 'succeeded', now));
}

/** deploying → baking: resources are done; CloudFormation watches the alarms until the window ends. */
export function startBaking(t: LoopDeps, d: Deployment, windowMs: number, line: string): Deployment | undefined {
  const now = t.clock.now();
  return t.lifecycle.startBaking(d, line, () => t.verifications.start(d.id, 'bake', now, now + windowMs));
}
