import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { DeploymentCore } from '../deploys/core.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { Db } from '../store/db.js';
import { checksRejectedNote, failedChecksText, minutesText, waitingForChecksLine } from '../views/gate-replies.js';
import type { CommitGate } from './commit-gate.js';

export interface GateWatcherDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  gate: CommitGate;
  approvals: Pick<ApprovalService, 'needsApproval' | 'gatherContext' | 'request'>;
  /** Repositories and the lifecycle, built once (runtime.ts). */
  core: DeploymentCore;
}

/**
 * Deployments waiting for commit checks: asks GitHub again on every tick. Green → their turn in the queue (or the
 * approval request); a failed check, or checks still running after gates.waitMinutes → rejected with the reason.
 */
export class GateWatcher {
  constructor(private readonly deps: GateWatcherDeps) {}

  private get lifecycle() {
    return this.deps.core.lifecycle;
  }

  async tick(): Promise<void> {
    for (const d of this.deps.core.deployments.inState('waiting_checks')) {
      try {
        await this.recheck(d);
      } catch (err) {
        logError(this.deps.logger, err, { deploymentId: d.id }, 'commit checks recheck failed');
      }
    }
  }

  private async recheck(d: Deployment): Promise<void> {
    const found = this.deps.core.targetOf(d);
    if (!found.ok || !found.target.env.gates) {
      // The gate was removed from the config meanwhile: nothing left to wait for.
      await this.proceed(d, found.ok ? found.target : undefined);
      return;
    }
    const target = found.target;
    const waitMinutes = found.target.env.gates.waitMinutes;
    const result = await this.deps.gate.check(target, d.sha);
    const timedOut = this.deps.clock.now() >= d.createdAt + waitMinutes * 60_000;
    if (result.state === 'passed') return void (await this.proceed(d, target));
    if (result.state === 'failed') {
      const list = failedChecksText(result.failed);
      this.lifecycle.checksRejected(
        d,
        `checks failed: ${list.replace(/ — <[^>]*>/g, '')}`,
        checksRejectedNote(`its checks failed — ${list}.`),
      );
      return;
    }
    if (result.state === 'pending') {
      const line = waitingForChecksLine(result.pending);
      if (!timedOut) return this.lifecycle.checksStillPending(d, line);
      const waited = minutesText(waitMinutes);
      this.lifecycle.checksRejected(
        d,
        `checks still pending after ${waited}: ${line.replace(/^waiting for checks: /, '')}`,
        checksRejectedNote(
          `its checks were still running after ${waited} (\`gates.waitMinutes\`): ${line.replace(/^waiting for checks: /, '')}.`,
        ),
      );
      return;
    }
    logError(this.deps.logger, result.message, { deploymentId: d.id }, 'cannot read commit checks; retrying', 'warn');
    if (timedOut) {
      this.lifecycle.checksRejected(
        d,
        'commit checks unreadable',
        checksRejectedNote(`GitHub did not answer: ${result.message}`),
      );
    }
  }

  private async proceed(d: Deployment, target: Target | undefined): Promise<void> {
    const { approvals } = this.deps;
    if (target && approvals.needsApproval(target)) {
      // GitHub is asked for the commit list before the transaction, as /deploy does.
      const context = await approvals.gatherContext(target, d.sha);
      this.lifecycle.checksPassed(d, 'pending_approval', (next) => approvals.request(next, context));
      return;
    }
    this.lifecycle.checksPassed(d, 'queued');
  }

  /** Production loop: a tick every `everyMs` (default 15 s); returns a stop function. */
  start(everyMs = 15_000): () => void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.tick().finally(() => {
        busy = false;
      });
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
