/**
 * Recovery actions on a target: /rollback and the deploy_rollback button (cancel a running update, finish a failed
 * rollback, or queue a rollback deployment), plus the stall and failure buttons deploy_keep_waiting and deploy_retry.
 * A rollback is a deployment (kind rollback, higher priority, same approvals) returning to a SHA that succeeded
 * before: `rollback_of` names that deployment, whose parameters the runner reuses, without a build.
 */
import { recoveryFor } from '../adapters/cloudformation-recovery.js';
import { type ActionResult, DeploymentActions } from '../deploys/deployment-actions.js';
import { checkDeployer } from '../domain/approval-rules.js';
import { refuse } from '../domain/refusal.js';
import { parseRollbackArg } from '../domain/rollback-target.js';
import { findTarget } from '../domain/targets.js';
import { stopActive } from './cancel-update.js';
import { queueRollback } from './queue-rollback.js';
import { continuePreflight, failedStacks, recoverInPlace } from './recover-in-place.js';
import type { RollbackContext, RollbackDeps } from './rollback-context.js';

export class RollbackService {
  private readonly support: DeploymentActions;
  private readonly ctx: RollbackContext;

  constructor(private readonly deps: RollbackDeps) {
    this.support = new DeploymentActions(deps);
    this.ctx = { deps, support: this.support };
  }

  /** `/rollback <service> <environment> [sha | deployment id]`. */
  async rollbackTarget(c: {
    service: string;
    environment: string;
    user: string;
    arg?: string;
    requestId?: string;
  }): Promise<ActionResult> {
    const found = findTarget(this.deps.config, c.service, c.environment);
    if (!found.ok) return refuse(found.reason, found.message);
    const target = found.target;
    const allowed = checkDeployer(target.env, c.user, 'roll back this target');
    if (!allowed.ok) return allowed;
    const arg = parseRollbackArg(c.arg);
    if (arg.kind === 'invalid')
      return refuse('bad_argument', 'Give a commit SHA (7–40 hex characters) or a deployment id such as `#17`.');
    const active = this.deps.core.deployments.activeFor(target.key);
    if (active && arg.kind === 'none') return stopActive(this.ctx, active, target, c.user);
    return queueRollback(this.ctx, target, c.user, { arg, requestId: c.requestId });
  }

  /** The deploy_rollback button of a stall or failure reply. */
  async rollbackButton(deploymentId: number, user: string, requestId?: string): Promise<ActionResult> {
    const loaded = this.support.load(deploymentId, user, 'roll back this target');
    if (!loaded.ok) return loaded;
    const { d, target } = loaded;
    switch (d.state) {
      case 'building':
      case 'deploying':
      case 'baking':
        return stopActive(this.ctx, d, target, user);
      // The stack is updated; the service is being checked: roll back by deploying the previous good SHA.
      case 'verifying':
        return queueRollback(this.ctx, target, user, { from: d, requestId });
      case 'cancelling':
        return refuse(
          'already_cancelling',
          `Deploy #${d.id} is already being rolled back${this.support.byWhom(d.id, 'cancel_update')}.`,
        );
      case 'failed': {
        if (d.failure?.phase === 'stack_update') {
          for (const stack of failedStacks(this.ctx, d, target)) {
            const status = await this.deps.recovery.status(stack);
            const op = recoveryFor(status);
            if (status && (op === 'continue_rollback' || op === 'rollback_stack'))
              return recoverInPlace(this.ctx, d, target, stack, user, op, status);
          }
        }
        return queueRollback(this.ctx, target, user, { from: d, requestId });
      }
      case 'succeeded':
        return queueRollback(this.ctx, target, user, { from: d, requestId });
      case 'rejected':
        if (d.failure?.phase === 'preflight' && d.failure.stackName)
          return continuePreflight(this.ctx, d, target, user);
        return refuse(
          'nothing_to_roll_back',
          `Deploy #${d.id} was rejected before it changed anything, so there is nothing to roll back.`,
        );
      default:
        return refuse(
          'nothing_to_roll_back',
          `Deploy #${d.id} is ${d.state.replace('_', ' ')}: it never changed the stack, so there is nothing to roll back.`,
        );
    }
  }

  /**
   * `verify.onFailure: rollback`: a deployment that failed verification is rolled back at once, to the previous
   * good SHA under the normal rollback rules (approvals, lock), in the requester's name, recorded as automatic.
   */
  async autoRollback(deploymentId: number): Promise<ActionResult> {
    const d = this.deps.core.deployments.get(deploymentId);
    if (!d) return refuse('not_found', `Deploy #${deploymentId} not found.`);
    const found = this.deps.core.targetOf(d);
    if (!found.ok) return refuse(found.reason, found.message);
    const res = await queueRollback(this.ctx, found.target, d.requestedBy, {
      from: d,
      requestId: `auto-rollback-${d.id}`,
    });
    if (res.ok && res.deployment) {
      this.support.record(d.id, 'auto_rollback', 'coxswain', `#${res.deployment.id}`, this.deps.clock.now());
    }
    return res;
  }

  /** deploy_keep_waiting (deployment-actions.ts). */
  keepWaiting(deploymentId: number, user: string): ActionResult {
    return this.support.keepWaiting(deploymentId, user);
  }

  /** deploy_retry (deployment-actions.ts). */
  retry(deploymentId: number, user: string, requestId?: string): Promise<ActionResult> {
    return this.support.retry(deploymentId, user, requestId);
  }
}
