import { isRetryableAwsError } from '../adapters/aws-errors.js';
import { logError } from '../app/log-error.js';
import type { PollContext, StepOutcome } from '../deploys/poll-context.js';
import { isActive } from '../domain/deployment-state.js';
import { BlindMonitor } from './blind-monitor.js';
import { stepBuild } from './build.js';
import { stepCancel } from './cancel.js';
import { stepStacks } from './change-set.js';
import { nextPollDelay, transientBackoff } from './polling.js';
import { failDeployment, type RunContext } from './run-context.js';
import { stepVerify } from './verify.js';

export interface RunnerOptions {
  githubWeb: string;
  /**
   * Called after every poll of an active (or just finished) deployment, outside any transaction. The progress
   * reply (threadKeys.progress) and stall detection hang here; errors thrown are logged, never fail the deploy.
   */
  onPoll?: (ctx: PollContext) => void;
}

/**
 * Advances one deployment by one step. Resumable by construction: each step reads only persisted state
 * (deployment row, stack rows, stored events) and AWS, so a crash at any point continues correctly.
 */
export class DeploymentRunner {
  /** Consecutive transient errors per deployment; only shapes the back-off, never progress. */
  private readonly transient = new Map<number, number>();
  private readonly blind: BlindMonitor;

  constructor(
    private readonly ctx: RunContext,
    private readonly options: RunnerOptions,
  ) {
    this.blind = new BlindMonitor(ctx);
  }

  async advance(id: number): Promise<StepOutcome | 'transient_error'> {
    const { ctx } = this;
    const d = ctx.repo.get(id);
    if (!d || !isActive(d.state)) return 'done';
    const found = ctx.targetOf(d);
    if (!found.ok) {
      return failDeployment(ctx, d, { phase: 'internal', reason: found.message });
    }
    const pollMs = ctx.config.timing.pollSeconds * 1000;
    let outcome: StepOutcome | 'transient_error';
    try {
      const target = found.target;
      outcome =
        d.state === 'building'
          ? await stepBuild(ctx, d, target, { githubWeb: this.options.githubWeb })
          : d.state === 'cancelling'
            ? await stepCancel(ctx, d, target)
            : d.state === 'verifying'
              ? await stepVerify(ctx, d, target)
              : await stepStacks(ctx, d, target);
      this.transient.delete(id);
      this.blind.recovered(d);
    } catch (err) {
      const n = (this.transient.get(id) ?? 0) + 1;
      this.transient.set(id, n);
      const delay = transientBackoff(pollMs, n);
      const level = isRetryableAwsError(err) ? 'warn' : 'error';
      logError(
        ctx.logger,
        err,
        { deploymentId: id, retryInMs: delay, consecutive: n },
        'poll error; retrying (never a deploy failure)',
        level,
      );
      if (this.blind.failed(d, err)) {
        this.transient.delete(id);
        this.notify(id, 'done');
        return 'done';
      }
      ctx.repo.update(id, d.state, ctx.clock.now(), { nextPollAt: ctx.clock.now() + delay });
      this.notify(id, 'transient_error');
      return 'transient_error';
    }
    if (outcome !== 'done') {
      const now = ctx.clock.now();
      const lastChange = Math.max(ctx.events.lastSeenAt(id) ?? 0, d.startedAt ?? 0);
      const fresh = ctx.repo.get(id);
      // Verifying polls the service every pollSeconds, as configured: no quiet-time slow-down.
      const delay =
        fresh?.state === 'verifying'
          ? pollMs
          : nextPollDelay({ pollMs, progressed: outcome === 'progressed', quietMs: now - lastChange });
      if (fresh) ctx.repo.update(id, fresh.state, now, { nextPollAt: now + delay });
    } else {
      this.transient.delete(id);
    }
    this.notify(id, outcome);
    return outcome;
  }

  private notify(id: number, outcome: PollContext['outcome']): void {
    if (!this.options.onPoll) return;
    const deployment = this.ctx.repo.get(id);
    if (!deployment) return;
    try {
      this.options.onPoll({ deployment, stacks: this.ctx.stacks.list(id), now: this.ctx.clock.now(), outcome });
    } catch (err) {
      logError(this.ctx.logger, err, { deploymentId: id }, 'onPoll hook failed');
    }
  }
}
