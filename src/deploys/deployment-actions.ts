/**
 * The stall and failure buttons that are not rollbacks (deploy_keep_waiting, deploy_retry), and what every
 * deployment action shares: loading and authorizing the deployment, queueing a new one with its parent and
 * approval request, recording who did what, and noting it in the thread. Used by RollbackService.
 */

import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import { checkDeployer } from '../domain/approval-rules.js';
import type { Deployment } from '../domain/deployment.js';
import { type Result, refuse } from '../domain/refusal.js';
import type { Target } from '../domain/targets.js';
import type { LockService } from '../locks/lock-service.js';
import type { Db } from '../store/db.js';
import type { DeploymentAction } from '../store/deployment-actions-repo.js';
import { actionNotes } from '../views/failure-actions.js';
import type { SlackMessage } from '../views/slack-message.js';
import { threadKeys } from '../views/thread-keys.js';
import type { DeploymentCore } from './core.js';

/** Rollbacks go ahead of normal deploys queued for the same target. */
export const ROLLBACK_PRIORITY = 100;

export type ActionResult = Result<{ message: string; deployment?: Deployment }>;

export type Enqueued = { deployment: Deployment; merged: boolean };

export interface DeploymentActionDeps {
  db: Db;
  config: Config;
  clock: Clock;
  approvals: ApprovalService;
  locks: LockService;
  githubWeb: string;
  core: DeploymentCore;
}

export class DeploymentActions {
  constructor(private readonly deps: DeploymentActionDeps) {}

  /** deploy_keep_waiting: clears the stall once and says who chose to wait; the runner restarts its stall clock. */
  keepWaiting(deploymentId: number, user: string): ActionResult {
    const loaded = this.load(deploymentId, user, 'act on this deployment');
    if (!loaded.ok) return loaded;
    const now = this.deps.clock.now();
    return this.deps.db
      .transaction((): ActionResult => {
        const d = this.deps.core.deployments.get(deploymentId)!;
        if (d.state !== 'building' && d.state !== 'deploying')
          return refuse('wrong_state', `Deploy #${d.id} is ${d.state.replace('_', ' ')}; nothing is waiting.`);
        if (d.stalledAt === null)
          return refuse(
            'not_stalled',
            `Deploy #${d.id} is not stalled now${this.byWhom(d.id, 'keep_waiting', 'chose to keep waiting')}.`,
          );
        if (!this.deps.core.deployments.update(d.id, d.state, now, { stalledAt: null }))
          return refuse('moved_on', `Deploy #${d.id} just changed state; try again.`);
        this.record(d.id, 'keep_waiting', user, null, now);
        this.note(d, `keep-waiting-${now}`, actionNotes.keepWaiting(user, this.deps.config.timing.stallMinutes), now);
        return { ok: true, message: `OK, waiting on deploy #${d.id}.`, deployment: d };
      })
      .immediate();
  }

  /** deploy_retry: queues the same SHA again as a new deployment (with the approvals a deploy needs). */
  async retry(deploymentId: number, user: string, requestId?: string): Promise<ActionResult> {
    const loaded = this.load(deploymentId, user, 'deploy to this target');
    if (!loaded.ok) return loaded;
    const { d, target } = loaded;
    if (!['failed', 'cancelled', 'expired'].includes(d.state)) {
      return refuse(
        'wrong_state',
        `Deploy #${d.id} is ${d.state.replace('_', ' ')}; only a failed or cancelled deployment can be retried.`,
      );
    }
    const gate = this.deps.locks.gate(target, d.sha, { user, forced: false });
    if (!gate.ok) return refuse(gate.reason, gate.message);
    const context = this.deps.approvals.needsApproval(target)
      ? await this.deps.approvals.gatherContext(target, d.sha)
      : {};
    const now = this.deps.clock.now();
    const res = this.deps.db.transaction((): Enqueued => {
      const e = this.enqueue(
        target,
        {
          kind: 'deploy',
          ref: d.ref,
          sha: d.sha,
          user,
          priority: d.kind === 'rollback' ? ROLLBACK_PRIORITY : 0,
          rollbackOf: d.rollbackOf,
          requestId,
        },
        context,
        now,
      );
      if (!e.merged) this.record(d.id, 'retry', user, `#${e.deployment.id}`, now);
      this.note(d, `retry-${e.deployment.id}`, actionNotes.retried(user, e.deployment.id, d.sha, e.merged), now);
      return e;
    })();
    const locked = this.deps.locks.queuedNotice(target, res.deployment.id);
    const base = res.merged
      ? `Joined deploy #${res.deployment.id}, already queued for the same commit.`
      : `Queued deploy #${res.deployment.id} to retry.`;
    return { ok: true, message: locked ? `${base}\n${locked.text}` : base, deployment: res.deployment };
  }

  enqueue(
    target: Target,
    n: {
      kind: 'deploy' | 'rollback';
      ref: string;
      sha: string;
      user: string;
      priority: number;
      rollbackOf: number | null;
      requestId?: string | undefined;
    },
    context: Awaited<ReturnType<ApprovalService['gatherContext']>>,
    now: number,
  ): Enqueued {
    const pending = this.deps.approvals.needsApproval(target);
    const r = this.deps.core.lifecycle.enqueue(
      {
        kind: n.kind,
        service: target.service,
        environment: target.environment,
        targetKey: target.key,
        ref: n.ref,
        sha: n.sha,
        requestedBy: n.user,
        channel: target.channel,
        state: pending ? 'pending_approval' : 'queued',
        priority: n.priority,
        rollbackOf: n.rollbackOf,
        ...(n.requestId ? { requestId: n.requestId } : {}),
      },
      now,
    );
    if (r.outcome === 'created') {
      const d = r.deployment;
      const parent = this.deps.core.parents.render(d, now);
      this.deps.core.outbox.post(
        { key: threadKeys.parent(d.id), channel: d.channel, deploymentId: d.id, message: parent },
        now,
      );
      if (pending) this.deps.approvals.request(d, context);
    }
    return { deployment: r.deployment, merged: r.outcome !== 'created' };
  }

  load(id: number, user: string, what: string): Result<{ d: Deployment; target: Target }> {
    const d = this.deps.core.deployments.get(id);
    if (!d) return refuse('not_found', `There is no deployment #${id}.`);
    const found = this.deps.core.targetOf(d);
    if (!found.ok) return refuse(found.reason, found.message);
    const allowed = checkDeployer(found.target.env, user, what);
    if (!allowed.ok) return allowed;
    return { ok: true, d, target: found.target };
  }

  record(
    deploymentId: number,
    action: DeploymentAction['action'],
    user: string,
    detail: string | null,
    at: number,
    stackName?: string,
  ) {
    this.deps.core.actions.record({ deploymentId, action, user, detail, at, ...(stackName ? { stackName } : {}) });
  }

  byWhom(id: number, action: DeploymentAction['action'], verb = 'asked'): string {
    const last = this.deps.core.actions.lastAt(id, action);
    return last ? ` (<@${last.user}> ${verb})` : '';
  }

  /** A reply in the deployment's thread, when that thread exists. */
  note(d: Deployment, name: string, message: SlackMessage, now: number): void {
    if (!this.deps.core.outbox.has(threadKeys.parent(d.id))) return;
    this.deps.core.outbox.post(
      {
        key: threadKeys.reply(d.id, name),
        channel: d.channel,
        threadKey: threadKeys.parent(d.id),
        deploymentId: d.id,
        message,
      },
      now,
    );
  }
}
