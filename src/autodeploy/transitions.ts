/**
 * What superseding an auto-deploy candidate adds (issue 16): the guarded transition and its thread writes are the
 * lifecycle's (`Lifecycle.supersede`); this closes the candidate's open approval request in the same transaction.
 */

import type { Clock } from '../app/clock.js';
import type { Logger } from '../app/logger.js';
import type { ApprovalThread } from '../approvals/approval-thread.js';
import type { Lifecycle } from '../deploys/lifecycle.js';
import type { Deployment } from '../domain/deployment.js';
import type { ApprovalsRepo } from '../store/approvals-repo.js';
import type { AutoDeployRepo } from '../store/auto-deploy-repo.js';
import type { SlackMessage } from '../views/slack-message.js';

export interface SupersedeDeps {
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  autoDeploys: AutoDeployRepo;
  approvals: ApprovalsRepo;
  approvalThread: ApprovalThread;
}

/** waiting_checks | pending_approval | queued → superseded by `by`; false when it started meanwhile (lost race). */
export function supersede(t: SupersedeDeps, d: Deployment, by: Deployment, note: SlackMessage): boolean {
  const moved = t.lifecycle.supersede(d, by, note, (next) => {
    t.autoDeploys.markSuperseded(d.id, by.id);
    if (d.state !== 'pending_approval') return;
    // Its approval request closes with it: the buttons are replaced, nobody approves a deployment that will not run.
    const now = t.clock.now();
    const req = t.approvals.get(d.id);
    const target = t.approvalThread.targetOf(next);
    if (req && target.ok && t.approvals.close(d.id, 'cancelled', null, now)) {
      t.approvalThread.settle(next, target.target, req, { outcome: 'cancelled', at: now }, [], now);
    }
  });
  if (moved) t.logger.info({ deploymentId: d.id, by: by.id }, 'auto-deploy candidate superseded');
  return moved;
}
