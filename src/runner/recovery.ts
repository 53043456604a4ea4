import type { TailEvent } from '../adapters/cloudformation.js';
import { logError } from '../app/log-error.js';
import { classifyStack, isInProgress, rollbackProgress } from '../domain/cfn-status.js';
import type { Deployment } from '../domain/deployment.js';
import { causeLine, findRootCause } from '../domain/root-cause.js';
import type { Target } from '../domain/targets.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { recoveryResultReply, rollbackProgressReply } from '../views/thread-replies.js';
import { blindWatchExpired, blindWatchPause, endBlindWatch, failedAt, reportBlindWatch } from './blind-watch.js';
import { inUntokenedOperation } from './build-operation.js';
import { nestedEvents, unreadNested } from './nested-stacks.js';
import { stackIdFromEvents, tailOrGone } from './recovery-stack-ref.js';
import { type RunContext, stackEventsUrl } from './run-context.js';
import { operationTokens, TAIL_SLACK_MS } from './stack-events.js';

/** Clicks older than this are history, not recoveries to watch (a restart after days must not resurrect them). */
const LOOK_BACK_MS = 24 * 60 * 60_000;

/**
 * Reports a recovery started on a FAILED deployment (ContinueUpdateRollback / RollbackStack, pressed through the
 * failure reply's Roll back button) in the deployment's thread. Resumable: the click is in deployment_actions, the
 * watch mark and the last event read are on the stack row; replies have stable keys. The deployment stays failed.
 * The same read follows the update of a deployment failed because its stack could not be read (mark 'blind'; its
 * pacing, bound and replies are in blind-watch.ts).
 */
export class RecoveryWatcher {
  /** Pacing only (never progress): when each watched stack may be polled again. */
  private readonly nextAt = new Map<string, number>();
  /** Stack ids (ARNs) seen while the stacks existed, by deployment:position. */
  private readonly stackIds = new Map<string, string>();

  constructor(private readonly ctx: RunContext) {}

  async tick(): Promise<void> {
    const { ctx } = this;
    const now = ctx.clock.now();
    for (const r of ctx.stacks.unwatchedRecoveries(now - LOOK_BACK_MS)) {
      if (ctx.stacks.markRecovering(r.stack.deploymentId, r.stack.position, r.actionAt)) {
        ctx.logger.info(
          { deploymentId: r.stack.deploymentId, stack: r.stack.stackName, op: r.op },
          'watching recovery',
        );
      }
    }
    await Promise.all(ctx.stacks.recovering().map((s) => this.poll(s)));
  }

  private async poll(s: DeploymentStack): Promise<void> {
    const { ctx } = this;
    const key = `${s.deploymentId}:${s.position}`;
    const now = ctx.clock.now();
    if ((this.nextAt.get(key) ?? this.firstDue(s)) > now) return;
    const pollMs = ctx.config.timing.pollSeconds * 1000;
    this.nextAt.set(key, now + pollMs);
    const d = ctx.repo.get(s.deploymentId);
    const found = d ? ctx.targetOf(d) : undefined;
    if (!d || !found?.ok) {
      ctx.stacks.updateRecovery(s.deploymentId, s.position, { recovery: 'done' });
      return;
    }
    const target = found.target;
    const blind = s.recovery === 'blind';
    if (blind && blindWatchExpired(d, s, now)) {
      endBlindWatch(ctx, d, s, stackEventsUrl(ctx, target, this.stackIds.get(key) ?? s.stackName));
      this.nextAt.delete(key);
      return;
    }
    const since = s.recoveryActionAt ?? now;
    try {
      const read = await this.read(d, target, s, key, since);
      const suffix = `${since}-${s.position}`;
      ctx.db
        .transaction(() => {
          const { stored, events } = this.store(d, s, read, since);
          const { stack, url } = read;
          if (blind) {
            if (reportBlindWatch(ctx, d, s, { stack, url, events }) === 'done') this.nextAt.delete(key);
            return;
          }
          if (stack && stack.status !== 'DELETE_COMPLETE' && isInProgress(stack.status)) {
            if (stored.length > 0 || !ctx.reporter.hasReply(d, `recovery-${suffix}`)) {
              ctx.reporter.upsertReply(
                d,
                `recovery-${suffix}`,
                rollbackProgressReply({
                  stackName: s.stackName,
                  stackUrl: url,
                  kind: 'recovery',
                  ...rollbackProgress(events, s.stackName, since - 1000),
                  stackStatus: stack.status,
                }),
              );
            }
            return;
          }
          // Stable (or gone: RollbackStack deletes a stack that never had a working state): report once, stop.
          const status = stack?.status ?? 'DELETE_COMPLETE';
          const c = status === 'DELETE_COMPLETE' ? 'missing' : classifyStack(stack?.status);
          const ok = c === 'rolled_back' || c === 'succeeded' || c === 'missing';
          const cause = ok ? null : causeLine(findRootCause(events, s.stackName));
          ctx.reporter.reply(
            d,
            `recovery-result-${suffix}`,
            recoveryResultReply({
              stackName: s.stackName,
              stackUrl: url,
              status,
              ok,
              reason: cause ?? stack?.statusReason ?? null,
            }),
          );
          ctx.stacks.updateRecovery(d.id, s.position, { recovery: 'done' });
          this.nextAt.delete(key);
        })
        .immediate();
    } catch (err) {
      // A blind watch backs off over hours (its reads were denied for an hour already); a recovery retries soon.
      this.nextAt.set(key, now + (blind ? blindWatchPause(d, s, now) : 3 * pollMs));
      logError(ctx.logger, err, { deploymentId: d.id }, 'recovery poll failed; retrying', 'warn');
    }
  }

  /**
   * The stack's status and our operation's events not stored yet, nested stacks followed as in the update itself.
   * By stack id: RollbackStack deletes a stack that never had a stable state, and a deleted stack is known to
   * DescribeStacks / DescribeStackEvents only by its id (ARN); by name it "does not exist".
   */
  private async read(d: Deployment, target: Target, s: DeploymentStack, key: string, since: number) {
    const { ctx } = this;
    const ref = this.stackIds.get(key) ?? stackIdFromEvents(ctx.events.forDeployment(d.id, s.stackName), s.stackName);
    const stack = await ctx.cfn.describeStack(target.region, ref ?? s.stackName);
    if (stack?.stackId.startsWith('arn:')) this.stackIds.set(key, stack.stackId);
    const tail = await tailOrGone(ctx, target.region, stack?.stackId ?? ref ?? s.stackName, s.recoveryEventId, since);
    const tokens = operationTokens(d.token, s.opToken);
    // A blind watch follows the update itself, which in mode build may be the tool's untokened operation.
    const ours = (e: TailEvent) =>
      (e.token !== null && tokens.has(e.token)) ||
      (s.recovery === 'blind' && inUntokenedOperation(s.opToken, s.startedAt, e));
    // Oldest first, as CloudFormation wrote them.
    const mine = tail.events.filter((e) => ours(e) && e.timestamp >= since - 1000).reverse();
    const earlier = ctx.events.forDeployment(d.id, s.stackName).filter((e) => e.timestamp >= since - 1000);
    const nested = await nestedEvents(
      ctx,
      target.region,
      s.stackName,
      [...unreadNested(earlier, s.stackName), ...mine],
      since - TAIL_SLACK_MS,
    );
    mine.push(...nested.filter((e) => e.timestamp >= since - 1000));
    const url = stackEventsUrl(ctx, target, stack?.stackId ?? ref ?? s.stackName);
    return { stack, url, mine, newestId: tail.newestId };
  }

  /** Inside the report's transaction: stores the events read, advances the mark; all of ours since `since`. */
  private store(
    d: Deployment,
    s: DeploymentStack,
    read: { mine: TailEvent[]; newestId: string | null },
    since: number,
  ) {
    const { ctx } = this;
    const rows = read.mine.map((e) => ({ ...e, deploymentId: d.id, stackName: s.stackName }));
    const stored = ctx.events.insert(rows, ctx.clock.now());
    if (read.newestId) ctx.stacks.updateRecovery(d.id, s.position, { recoveryEventId: read.newestId });
    return { stored, events: ctx.events.forDeployment(d.id, s.stackName).filter((e) => e.timestamp >= since - 1000) };
  }

  /**
   * Before any poll in this process: a recovery at once; a blind watch one pause after the failure (its reads were
   * just denied), so a restart resumes it where the pacing stood rather than hammering a denied API.
   */
  private firstDue(s: DeploymentStack): number {
    if (s.recovery !== 'blind') return 0;
    const d = this.ctx.repo.get(s.deploymentId);
    return d ? failedAt(d, s) + blindWatchPause(d, s, failedAt(d, s)) : 0;
  }
}
