import type { Deployment } from '../domain/deployment.js';
import { findRootCause, type RootCause } from '../domain/root-cause.js';
import { rootCauseReply } from '../views/thread-replies.js';
import type { RunContext } from './run-context.js';

/**
 * The root cause of one stack's operation from its stored events (oldest first, nested stacks' included), ranked
 * by the domain picker. `since` drops events older than the operation (mode build follows from the build's start).
 */
export function stackRootCause(ctx: RunContext, d: Deployment, stackName: string, since?: number): RootCause {
  const events = ctx.events.forDeployment(d.id, stackName);
  return findRootCause(since === undefined ? events : events.filter((e) => e.timestamp >= since), stackName);
}

/**
 * The thread's root-cause reply always shows the best cause read so far: posted the moment one is known (a
 * stack-level reason or a nested stack's message included, so a long rollback is explained early), and updated in
 * place when a better one is read later (a real failure after a fallback, another same-second failure), so a
 * fallback never blocks the real cause. Call inside the transaction that stored the events.
 */
export function reportRootCause(ctx: RunContext, d: Deployment, stackName: string, url: string, rc: RootCause): void {
  if (!rc.cause) return;
  ctx.reporter.reviseReply(d, 'root-cause', rootCauseReply(rc.cause, stackName, url, rc));
}
