import type { StackInfo } from '../adapters/cloudformation.js';
import { BLIND_WATCH_HOURS, BLIND_WATCH_MS, blindOutcome, blindWatchDelay } from '../domain/blind-watch.js';
import type { Deployment } from '../domain/deployment.js';
import { causeLine, findRootCause } from '../domain/root-cause.js';
import type { StoredEvent } from '../store/events-repo.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { blindOutcomeReply, blindReadingAgainReply, blindWatchEndedReply } from '../views/blind-watch.js';
import { BLIND_REPLY } from './blind-monitor.js';
import type { RunContext } from './run-context.js';

/**
 * The late outcome of a deployment failed for blindness (issue 13, ADR 0007): its running update is marked
 * `recovery = 'blind'` on the stack row and followed by RecoveryWatcher (src/runner/recovery.ts) with the same
 * tail as a recovery, read-only, through the shared AwsBudget. This file holds what differs: pacing, the 24 h bound
 * and the replies. The deployment stays failed: terminal states never move.
 */

/** When the deployment was failed (the watch's clock starts there). */
export function failedAt(d: Deployment, s: DeploymentStack): number {
  return d.finishedAt ?? s.recoveryActionAt ?? 0;
}

/** The pause before the next read of a blind-watched stack whose reads fail. */
export function blindWatchPause(d: Deployment, s: DeploymentStack, now: number): number {
  return blindWatchDelay(now - failedAt(d, s));
}

export function blindWatchExpired(d: Deployment, s: DeploymentStack, now: number): boolean {
  return now - failedAt(d, s) >= BLIND_WATCH_MS;
}

/** The watch ran out: says so once, stops. */
export function endBlindWatch(ctx: RunContext, d: Deployment, s: DeploymentStack, stackUrl: string): void {
  ctx.db
    .transaction(() => {
      if (!ctx.stacks.updateRecovery(d.id, s.position, { recovery: 'done' })) return;
      ctx.reporter.upsertReply(
        d,
        BLIND_REPLY,
        blindWatchEndedReply({ deploymentId: d.id, stackName: s.stackName, stackUrl, watchHours: BLIND_WATCH_HOURS }),
      );
    })
    .immediate();
  ctx.logger.warn({ deploymentId: d.id, stack: s.stackName }, 'stopped watching stack: still unreadable');
}

/**
 * One successful read, inside the transaction that stored its events (`events`: ours since the update began,
 * oldest first). Still running: the blind reply says so. Ended: ONE outcome reply, the blind reply updated, done.
 */
export function reportBlindWatch(
  ctx: RunContext,
  d: Deployment,
  s: DeploymentStack,
  read: { stack: StackInfo | undefined; url: string; events: readonly StoredEvent[] },
): 'running' | 'done' {
  const own = read.events
    .filter((e) => e.logicalId === s.stackName && e.resourceType === 'AWS::CloudFormation::Stack')
    .at(-1)?.status;
  const outcome = blindOutcome(own, read.stack?.status);
  if (outcome.kind === 'running') {
    ctx.reporter.reviseReply(
      d,
      BLIND_REPLY,
      blindReadingAgainReply({ deploymentId: d.id, stackName: s.stackName, stillRunning: outcome.status }),
    );
    return 'running';
  }
  const cause = outcome.kind === 'succeeded' ? null : causeLine(findRootCause(read.events, s.stackName));
  const notStarted = ctx.stacks
    .list(d.id)
    .filter((r) => r.status === 'pending' || r.status === 'changeset')
    .map((r) => r.stackName);
  const afterFailMs = ctx.clock.now() - failedAt(d, s);
  ctx.reporter.reviseReply(
    d,
    BLIND_REPLY,
    blindReadingAgainReply({ deploymentId: d.id, stackName: s.stackName, afterFailMs }),
  );
  ctx.reporter.reply(
    d,
    `blind-outcome-${s.position}`,
    blindOutcomeReply({
      stackName: s.stackName,
      stackUrl: read.url,
      sha: d.sha,
      outcome,
      cause: cause ?? (outcome.kind === 'succeeded' ? null : (read.stack?.statusReason ?? null)),
      notStarted,
    }),
  );
  ctx.stacks.updateRecovery(d.id, s.position, { recovery: 'done' });
  ctx.logger.info({ deploymentId: d.id, stack: s.stackName, outcome: outcome.kind }, 'late stack outcome reported');
  return 'done';
}
