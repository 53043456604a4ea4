import { awsErrorCode, awsErrorMessage, classifyAwsError } from '../adapters/aws-errors.js';
import { blindVerdict } from '../domain/blind-monitor.js';
import { BLIND_WATCH_HOURS } from '../domain/blind-watch.js';
import type { Deployment } from '../domain/deployment.js';
import type { BlindnessRepo } from '../store/blindness-repo.js';
import type { OutboxRepo } from '../store/outbox-repo.js';
import { blindClearedReply, blindFailureReason, blindReply } from '../views/blind.js';
import { blindWatchingReply } from '../views/blind-watch.js';
import { threadKeys } from '../views/thread-keys.js';
import { failDeployment, type RunContext } from './run-context.js';

/** The name of the one reply (threadKeys.reply) that tells a deployment's thread its monitoring is paused. */
export const BLIND_REPLY = 'monitoring-paused';

/**
 * Tells a deployment's thread when its AWS reads keep failing (one reply, updated in place), clears it when they
 * work again, and ends the deployment only for an IAM deny that outlasts timing.blindFailMinutes. The stack itself
 * is never touched: CloudFormation goes on without us.
 */
export class BlindMonitor {
  private readonly repo: BlindnessRepo;
  private readonly outbox: OutboxRepo;

  constructor(private readonly ctx: RunContext) {
    this.repo = ctx.blindness;
    this.outbox = ctx.outbox;
  }

  /** A poll of `d` threw `err`. Returns true when the deployment was failed because of it. */
  failed(d: Deployment, err: unknown): boolean {
    const { ctx } = this;
    const now = ctx.clock.now();
    const kind = classifyAwsError(err);
    const code = awsErrorCode(err);
    const b = this.repo.recordFailure(d.id, now, { kind, code, what: this.what(d) });
    const verdict = blindVerdict({
      now,
      since: b.since,
      failures: b.failures,
      kind,
      permissionSince: b.permissionSince,
      stallMs: ctx.config.timing.stallMinutes * 60_000,
      failMs: ctx.config.timing.blindFailMinutes * 60_000,
    });
    if (verdict === 'quiet') return false;
    if (verdict === 'fail' && d.state !== 'cancelling') {
      const reason = blindFailureReason(ctx.config.timing.blindFailMinutes, awsErrorMessage(err));
      const failMinutes = ctx.config.timing.blindFailMinutes;
      failDeployment(ctx, d, { phase: 'monitoring', reason }, { inTx: () => this.stopped(d, failMinutes, code) });
      return true;
    }
    const first = b.postedAt === null;
    const message = blindReply({ deploymentId: d.id, what: b.what, since: b.since, now, kind, code });
    // In whole minutes: most polls change nothing visible, and then nothing is queued for Slack.
    const key = threadKeys.reply(d.id, BLIND_REPLY);
    if (!first && JSON.stringify(this.outbox.latest(key)) === JSON.stringify(message)) return false;
    ctx.db.transaction(() => {
      ctx.reporter.upsertReply(d, BLIND_REPLY, message);
      if (first) {
        this.repo.markPosted(d.id, now);
        ctx.reporter.parent(d);
      }
    })();
    if (first)
      ctx.logger.error({ deploymentId: d.id, kind, code, since: b.since }, 'monitoring paused: AWS reads fail');
    return false;
  }

  /** A poll of `d` worked: clears the blindness, saying so in the thread if it had been told. */
  recovered(d: Deployment): void {
    const { ctx } = this;
    const b = this.repo.get(d.id);
    if (!b) return;
    const now = ctx.clock.now();
    ctx.db.transaction(() => {
      this.repo.clear(d.id);
      if (b.postedAt === null) return;
      ctx.reporter.upsertReply(d, BLIND_REPLY, blindClearedReply({ deploymentId: d.id, blindMs: now - b.since }));
      const fresh = ctx.repo.get(d.id);
      if (fresh) ctx.reporter.parent(fresh);
    })();
    if (b.postedAt !== null) ctx.logger.info({ deploymentId: d.id, blindMs: now - b.since }, 'monitoring resumed');
  }

  /**
   * In the failing transaction: the running updates stay watched for their real outcome (RecoveryWatcher, mark
   * 'blind'), and the blind reply says the deployment is failed and what is still watched.
   */
  private stopped(d: Deployment, minutes: number, code: string): void {
    this.repo.clear(d.id);
    const watched = this.ctx.stacks.markBlindWatch(d.id).map((s) => s.stackName);
    const message = blindWatchingReply({ deploymentId: d.id, minutes, code, watched, watchHours: BLIND_WATCH_HOURS });
    this.ctx.reporter.upsertReply(d, BLIND_REPLY, message);
  }

  private what(d: Deployment): string {
    if (d.state === 'building') return `CodeBuild build${d.buildId ? ` \`${d.buildId}\`` : ''}`;
    const names = this.ctx.stacks.list(d.id).map((s) => `\`${s.stackName}\``);
    return names.length === 1 ? `stack ${names[0]}` : names.length > 1 ? `stacks ${names.join(', ')}` : 'stack';
  }
}
