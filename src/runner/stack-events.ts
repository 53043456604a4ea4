import { updateOutcome } from '../domain/cfn-status.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { alarmRootCauseReply } from '../views/bake-replies.js';
import { alarmFailure } from './bake.js';
import { inUntokenedOperation } from './build-operation.js';
import { nestedEvents, unreadNested } from './nested-stacks.js';
import { reportRootCause, stackRootCause } from './root-cause-report.js';
import { type RunContext, stackEventsUrl } from './run-context.js';

/** Events this much older than our operation's start cannot be ours: the first tail stops there. */
export const TAIL_SLACK_MS = 5 * 60_000;
/** A terminal stack status with none of our events yet may predate our execute: trust it only after this. */
const STATUS_TRUST_MS = 2 * 60_000;

/**
 * The ClientRequestTokens of one deployment's operations on a stack: its own (the update and the rollback that
 * follows it), StackRecovery's (src/adapters/cloudformation-recovery.ts), and in mode build the tool's own token.
 */
export function operationTokens(token: string, opToken?: string | null): Set<string> {
  const tokens = new Set([token, `${token}-cancel`, `${token}-continue`, `${token}-rollback`]);
  if (opToken) tokens.add(opToken);
  return tokens;
}

/** Tails the stack's events once: stores ours (INSERT OR IGNORE), advances last_event_id, posts a new root cause. */
export async function readEvents(ctx: RunContext, d: Deployment, target: Target, position: number, url: string) {
  const s = ctx.stacks.get(d.id, position)!;
  const tail = await ctx.cfn.tailEvents(target.region, s.stackName, s.lastEventId, (s.startedAt ?? 0) - TAIL_SLACK_MS);
  const tokens = operationTokens(d.token, s.opToken);
  // Oldest first, as CloudFormation wrote them: the store's order then breaks same-timestamp ties the same way.
  const mine = tail.events
    .filter((e) => (e.token !== null && tokens.has(e.token)) || inUntokenedOperation(s.opToken, s.startedAt, e))
    .reverse();
  const unread = unreadNested(ctx.events.forDeployment(d.id, s.stackName), s.stackName);
  const notBefore = (s.startedAt ?? 0) - TAIL_SLACK_MS;
  mine.push(...(await nestedEvents(ctx, target.region, s.stackName, [...unread, ...mine], notBefore)));
  const now = ctx.clock.now();
  return ctx.db
    .transaction(() => {
      const stored = ctx.events.insert(
        mine.map((e) => ({
          eventId: e.eventId,
          deploymentId: d.id,
          stackName: s.stackName,
          logicalId: e.logicalId,
          physicalId: e.physicalId,
          resourceType: e.resourceType,
          status: e.status,
          reason: e.reason,
          timestamp: e.timestamp,
        })),
        now,
      );
      if (tail.newestId) ctx.stacks.update(d.id, position, 'updating', { lastEventId: tail.newestId });
      // Root cause the moment it is read, even while the stack is still rolling back; revised if a better one comes.
      // A rollback one of our alarms started names the alarm instead (RollbackConfiguration).
      if (stored.some((e) => /_FAILED$|ROLLBACK_IN_PROGRESS$/.test(e.status))) {
        const alarm = alarmFailure(ctx, d, target, s.stackName, url);
        if (alarm) {
          ctx.reporter.reviseReply(d, 'root-cause', alarmRootCauseReply(s.stackName, alarm.name, alarm.reason, url));
        } else reportRootCause(ctx, d, s.stackName, url, stackRootCause(ctx, d, s.stackName));
      }
      return stored;
    })
    .immediate();
}

/** The stack's own status as our operation's events report it (the stack-level event), newest first. */
function statusFromEvents(ctx: RunContext, d: Deployment, stackName: string): string | undefined {
  const own = ctx.events
    .forDeployment(d.id, stackName)
    .filter((e) => e.logicalId === stackName && e.resourceType === 'AWS::CloudFormation::Stack');
  return own.at(-1)?.status;
}

/** What one poll of a running stack operation saw; the caller (stack-update.ts or cancel.ts) decides what it means. */
export type StackObservation =
  | { kind: 'running'; progressed: boolean }
  | { kind: 'disappeared' }
  | {
      kind: 'ended';
      outcome: 'succeeded' | 'failed';
      status: string;
      statusReason: string | null;
      url: string;
      now: number;
    };

/**
 * One poll of a running stack operation. Events first: while our stack-level events say it runs, DescribeStacks is
 * not needed (one call per poll instead of two). DescribeStacks confirms a terminal status, or stands in when no
 * stack-level event has been read yet; a terminal status not yet seen in events triggers one more tail, so every
 * event up to the end is stored before the result.
 */
export async function observeStack(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  s: DeploymentStack,
): Promise<StackObservation> {
  const url = stackEventsUrl(ctx, target, s.stackName);
  const fresh = await readEvents(ctx, d, target, s.position, url);
  let status = statusFromEvents(ctx, d, s.stackName);
  let statusReason: string | null = null;
  if (!status || updateOutcome(status) !== 'running') {
    const stack = await ctx.cfn.describeStack(target.region, s.stackName);
    if (!stack) return { kind: 'disappeared' };
    if (updateOutcome(stack.status) !== 'running' && (!status || updateOutcome(status) === 'running')) {
      fresh.push(...(await readEvents(ctx, d, target, s.position, url)));
    }
    status = stack.status;
    statusReason = stack.statusReason;
  }
  const now = ctx.clock.now();
  ctx.stacks.update(d.id, s.position, 'updating', { stackStatus: status });

  const outcome = updateOutcome(status);
  const anyMine = fresh.length > 0 || ctx.events.forDeployment(d.id, s.stackName).length > 0;
  const sinceStart = now - (ctx.phases.forDeployment(d.id).find((p) => p.phase === 'stack_update')?.startedAt ?? now);
  if (outcome === 'running' || (!anyMine && sinceStart < STATUS_TRUST_MS)) {
    return { kind: 'running', progressed: fresh.length > 0 };
  }
  return { kind: 'ended', outcome, status, statusReason, url, now };
}
