/**
 * The state change auto-deploy adds (issue 16): a newer branch head supersedes an older candidate that has not
 * started. One named function doing the guarded transition, its approval clean-up and its thread writes, meant to
 * move into the lifecycle module as it is. Call it inside the transaction that queues the newer candidate.
 */
import type { Clock } from '../app/clock.js';
import type { Logger } from '../app/logger.js';
import type { ApprovalThread } from '../approvals/approval-thread.js';
import type { ThreadReporter } from '../deploys/thread-reporter.js';
import type { WAITING_STATES } from '../domain/deployment-state.js';
import type { ApprovalsRepo } from '../store/approvals-repo.js';
import type { AutoDeployRepo } from '../store/auto-deploy-repo.js';
import type { Deployment } from '../store/deployment-row.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import type { SlackMessage } from '../views/slack-message.js';

export interface SupersedeDeps {
  clock: Clock;
  logger: Logger;
  repo: DeploymentsRepo;
  autoDeploys: AutoDeployRepo;
  approvals: ApprovalsRepo;
  approvalThread: ApprovalThread;
  reporter: ThreadReporter;
}

/** waiting_checks | pending_approval | queued → superseded by `by`; false when it started meanwhile (lost race). */
export function supersede(t: SupersedeDeps, d: Deployment, by: Deployment, note: SlackMessage): boolean {
  const now = t.clock.now();
  const from = d.state as (typeof WAITING_STATES)[number];
  const next = t.repo.transition(d.id, from, 'superseded', now, {
    summary: `superseded by #${by.id}`,
    waitReason: null,
  });
  if (!next) return false;
  t.autoDeploys.markSuperseded(d.id, by.id);
  if (from === 'pending_approval') {
    // Its approval request closes with it: the buttons are replaced, nobody approves a deployment that will not run.
    const req = t.approvals.get(d.id);
    if (req && t.approvals.close(d.id, 'cancelled', null, now)) {
      t.approvalThread.settle(next, t.approvalThread.targetOf(next), req, { outcome: 'cancelled', at: now }, [], now);
    }
  }
  t.reporter.reply(next, 'superseded', note);
  t.reporter.stateChanged(next);
  t.logger.info({ deploymentId: d.id, by: by.id }, 'auto-deploy candidate superseded');
  return true;
}
