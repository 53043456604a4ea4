/**
 * Recovery actions on a target: /rollback and the deploy_rollback button (cancel a running update, finish a failed
 * rollback, or queue a rollback deployment), plus the stall and failure buttons deploy_keep_waiting and deploy_retry.
 * A rollback is a deployment (kind rollback, higher priority, same approvals) returning to a SHA that succeeded
 * before: `rollback_of` names that deployment, whose parameters the runner reuses, without a build.
 */
import type { RecoveryOp, StackRecovery } from '../adapters/cloudformation-recovery.js';
import { recoveryFor } from '../adapters/cloudformation-recovery.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { DeploymentCore } from '../deploys/core.js';
import {
  type ActionResult,
  DeploymentActions,
  type Enqueued,
  ROLLBACK_PRIORITY,
} from '../deploys/deployment-actions.js';
import { checkDeployer } from '../domain/approval-rules.js';
import { refuse } from '../domain/refusal.js';
import { chooseRollbackTarget, parseRollbackArg } from '../domain/rollback-target.js';
import { findTarget, type Target } from '../domain/targets.js';
import type { LockService } from '../locks/lock-service.js';
import type { Db } from '../store/db.js';
import type { Deployment } from '../store/deployment-row.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { actionNotes } from '../views/failure-actions.js';

export { type ActionResult, ROLLBACK_PRIORITY } from '../deploys/deployment-actions.js';

export interface RollbackDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  approvals: ApprovalService;
  locks: LockService;
  recovery: StackRecovery;
  githubWeb: string;
  core: DeploymentCore;
}

/** The one CloudFormation stack a cancel or in-place recovery acts on. */
interface StackChoice {
  stackName: string;
  region: string | undefined;
}

export class RollbackService {
  private readonly support: DeploymentActions;

  constructor(private readonly deps: RollbackDeps) {
    this.support = new DeploymentActions(deps);
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
    if (active && arg.kind === 'none') return this.stopActive(active, target, c.user);
    return this.queueRollback(target, c.user, { arg, requestId: c.requestId });
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
        return this.stopActive(d, target, user);
      // The stack is updated; the service is being checked: roll back by deploying the previous good SHA.
      case 'verifying':
        return this.queueRollback(target, user, { from: d, requestId });
      case 'cancelling':
        return {
          ok: false,
          reason: 'already_cancelling',
          message: `Deploy #${d.id} is already being rolled back${this.support.byWhom(d.id, 'cancel_update')}.`,
        };
      case 'failed': {
        if (d.failure?.phase === 'stack_update') {
          for (const stack of this.failedStacks(d, target)) {
            const status = await this.deps.recovery.status(stack);
            const op = recoveryFor(status);
            if (status && (op === 'continue_rollback' || op === 'rollback_stack'))
              return this.recoverInPlace(d, target, stack, user, op, status);
          }
        }
        return this.queueRollback(target, user, { from: d, requestId });
      }
      case 'succeeded':
        return this.queueRollback(target, user, { from: d, requestId });
      case 'rejected':
        if (d.failure?.phase === 'preflight' && d.failure.stackName) return this.continuePreflight(d, target, user);
        return {
          ok: false,
          reason: 'nothing_to_roll_back',
          message: `Deploy #${d.id} was rejected before it changed anything, so there is nothing to roll back.`,
        };
      default:
        return {
          ok: false,
          reason: 'nothing_to_roll_back',
          message: `Deploy #${d.id} is ${d.state.replace('_', ' ')}: it never changed the stack, so there is nothing to roll back.`,
        };
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
    const res = await this.queueRollback(found.target, d.requestedBy, { from: d, requestId: `auto-rollback-${d.id}` });
    if (res.ok && res.deployment) {
      this.support.record(d.id, 'auto_rollback', 'coxswain', `#${res.deployment.id}`, this.deps.clock.now());
    }
    return res;
  }

  /**
   * "Continue rollback" on a deployment the stack-state preflight refused (UPDATE_ROLLBACK_FAILED): finishes the
   * stack's earlier rollback. The deployment's SHA is not marked bad and the target is not locked: it never ran.
   */
  private async continuePreflight(d: Deployment, target: Target, user: string): Promise<ActionResult> {
    const stack = { stackName: d.failure!.stackName!, region: target.region };
    const status = await this.deps.recovery.status(stack);
    if (status !== 'UPDATE_ROLLBACK_FAILED') {
      return {
        ok: false,
        reason: 'not_rollback_failed',
        message: `\`${stack.stackName}\` is ${status ?? 'gone'} now, not UPDATE_ROLLBACK_FAILED: nothing to continue; deploy again.`,
      };
    }
    const res = await this.deps.recovery.recover({ ...stack, token: d.token }, ['continue_rollback'], status);
    if (!res.ok)
      return refuse('recovery_failed', `Could not continue the rollback of \`${stack.stackName}\`: ${res.message}`);
    const now = this.deps.clock.now();
    this.deps.db.transaction(() => {
      this.support.record(d.id, 'continue_rollback', user, res.status, now, stack.stackName);
      this.support.note(d, `continue_rollback-${now}`, actionNotes.continueRollback(user, stack.stackName), now);
    })();
    this.deps.logger.info({ deploymentId: d.id, user, stack: stack.stackName }, 'preflight: ContinueUpdateRollback');
    return {
      ok: true,
      message: `ContinueUpdateRollback started on \`${stack.stackName}\`; deploy again once it is UPDATE_ROLLBACK_COMPLETE.`,
      deployment: d,
    };
  }

  /** deploy_keep_waiting (deployment-actions.ts). */
  keepWaiting(deploymentId: number, user: string): ActionResult {
    return this.support.keepWaiting(deploymentId, user);
  }

  /** deploy_retry (deployment-actions.ts). */
  retry(deploymentId: number, user: string, requestId?: string): Promise<ActionResult> {
    return this.support.retry(deploymentId, user, requestId);
  }

  private async stopActive(d: Deployment, target: Target, user: string): Promise<ActionResult> {
    const now = this.deps.clock.now();
    if (d.state === 'building') {
      // The stack was not touched yet: the runner stops the build when it sees `cancelling`.
      const moved = this.deps.core.lifecycle.beginCancel(d, 'building', {
        user,
        detail: 'build',
        note: actionNotes.buildCancelling(user),
        at: now,
      });
      if (!moved) return refuse('moved_on', `Deploy #${d.id} moved on before your click; look at its thread.`);
      return { ok: true, message: `Cancelling deploy #${d.id}.`, deployment: moved };
    }
    const stack = this.updatingStack(d, target);
    const res = await this.deps.recovery.recover({ ...stack, token: d.token }, ['cancel_update']);
    if (!res.ok) return refuse('recovery_failed', `Could not cancel deploy #${d.id}: ${res.message}`);
    const moved = this.deps.core.lifecycle.beginCancel(d, d.state === 'baking' ? 'baking' : 'deploying', {
      user,
      detail: res.status,
      note: actionNotes.cancelling(user, stack.stackName),
      at: now,
    });
    if (!moved)
      return {
        ok: false,
        reason: 'already_cancelling',
        message: `Deploy #${d.id} is already being rolled back${this.support.byWhom(d.id, 'cancel_update')}.`,
      };
    this.deps.logger.info({ deploymentId: d.id, user, stack: stack.stackName }, 'CancelUpdateStack requested');
    return {
      ok: true,
      message: `Cancelling the update of \`${stack.stackName}\`; CloudFormation rolls it back.`,
      deployment: moved,
    };
  }

  private async recoverInPlace(
    d: Deployment,
    target: Target,
    stack: StackChoice,
    user: string,
    op: RecoveryOp,
    status: string,
  ): Promise<ActionResult> {
    const res = await this.deps.recovery.recover({ ...stack, token: d.token }, [op], status);
    if (!res.ok) return refuse('recovery_failed', `Could not roll back \`${stack.stackName}\`: ${res.message}`);
    const now = this.deps.clock.now();
    const action = op === 'continue_rollback' ? 'continue_rollback' : 'rollback_stack';
    this.deps.db.transaction(() => {
      // With the stack, so the recovery watcher follows this stack only (mode build can leave several failed).
      this.support.record(d.id, action, user, res.status, now, stack.stackName);
      this.deps.locks.lockForRollback(target, { user, badSha: d.sha, deploymentId: d.id });
      const note =
        op === 'continue_rollback'
          ? actionNotes.continueRollback(user, stack.stackName)
          : actionNotes.rollbackStack(user, stack.stackName);
      this.support.note(d, `${action}-${now}`, note, now);
    })();
    this.deps.logger.info(
      { deploymentId: d.id, user, op, status: res.status, stack: stack.stackName },
      'stack recovery requested',
    );
    return {
      ok: true,
      message: `\`${stack.stackName}\` was ${res.status}: ${op === 'continue_rollback' ? 'ContinueUpdateRollback' : 'RollbackStack'} started.`,
      deployment: d,
    };
  }

  /**
   * The stack a cancel stops: the deployment's row being updated; else the row the runner is on (a change set it may
   * have just executed), so the refusal names the right stack. The target's first stack only when there are no rows.
   */
  private updatingStack(d: Deployment, target: Target): StackChoice {
    const rows = this.deps.core.stacks.list(d.id);
    const row =
      rows.find((r) => r.status === 'updating') ??
      rows.find((r) => r.status !== 'succeeded' && r.status !== 'noop') ??
      rows.at(-1);
    return row ? this.choice(row, target) : { stackName: target.stack.name, region: target.region };
  }

  /**
   * The stacks a recovery may act on, in deploy order: the deployment's failed rows (mode build can fail several),
   * else the row the failure names; the target's first stack only when the deployment has no rows.
   */
  private failedStacks(d: Deployment, target: Target): StackChoice[] {
    const rows = this.deps.core.stacks.list(d.id);
    if (rows.length === 0) return [{ stackName: target.stack.name, region: target.region }];
    const failed = rows.filter((r) => r.status === 'failed');
    const named = rows.filter((r) => r.stackName === d.failure?.stackName);
    return (failed.length > 0 ? failed : named).map((r) => this.choice(r, target));
  }

  private choice(row: DeploymentStack, target: Target): StackChoice {
    return { stackName: row.stackName, region: row.region ?? target.region };
  }

  private async queueRollback(
    target: Target,
    user: string,
    c: { from?: Deployment; arg?: ReturnType<typeof parseRollbackArg>; requestId?: string | undefined },
  ): Promise<ActionResult> {
    const history = this.deps.core.deployments
      .recentFinished(target.key, 200)
      .map((d) => ({ ...d, failurePhase: d.failure?.phase ?? null }));
    const arg = c.arg && c.arg.kind !== 'invalid' ? c.arg : undefined;
    const from = c.from ? { ...c.from, failurePhase: c.from.failure?.phase ?? null } : undefined;
    const choice = chooseRollbackTarget({
      targetKey: target.key,
      history,
      ...(from ? { from } : {}),
      ...(arg ? { arg } : {}),
      lookup: (id) => {
        const d = this.deps.core.deployments.get(id);
        return d ? { ...d, failurePhase: d.failure?.phase ?? null } : undefined;
      },
    });
    if (!choice.ok) return refuse(choice.reason, choice.message);
    const { to, from: bad } = choice;
    const needsApproval = this.deps.approvals.needsApproval(target);
    const context = needsApproval ? await this.deps.approvals.gatherContext(target, to.sha) : {};
    const now = this.deps.clock.now();
    const res = this.deps.db.transaction((): Enqueued => {
      const e = this.support.enqueue(
        target,
        {
          kind: 'rollback',
          ref: to.ref,
          sha: to.sha,
          user,
          priority: ROLLBACK_PRIORITY,
          rollbackOf: to.id,
          requestId: c.requestId,
        },
        context,
        now,
      );
      if (!e.merged) {
        this.deps.locks.lockForRollback(target, { user, badSha: bad.sha, deploymentId: e.deployment.id });
        this.support.record(bad.id, 'rollback', user, `#${e.deployment.id} → ${to.sha}`, now);
        this.support.note(
          bad,
          `rollback-${e.deployment.id}`,
          actionNotes.rollbackQueued(user, e.deployment.id, bad.sha, to.sha, needsApproval),
          now,
        );
      }
      return e;
    })();
    const locked = this.deps.locks.queuedNotice(target, res.deployment.id);
    const base = res.merged
      ? `Rollback #${res.deployment.id} to ${to.sha.slice(0, 7)} is already queued; you joined it.`
      : `Queued rollback #${res.deployment.id} of \`${target.key}\` from ${bad.sha.slice(0, 7)} to ${to.sha.slice(0, 7)} (deploy #${to.id})${needsApproval ? '; it needs approval' : ''}.`;
    return { ok: true, message: locked ? `${base}\n${locked.text}` : base, deployment: res.deployment };
  }
}
