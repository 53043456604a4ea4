/** What the rollback actions share: their dependencies and the deployment-actions plumbing (record, note, enqueue). */
import type { StackRecovery } from '../adapters/cloudformation-recovery.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { DeploymentCore } from '../deploys/core.js';
import type { DeploymentActions } from '../deploys/deployment-actions.js';
import type { Target } from '../domain/targets.js';
import type { LockService } from '../locks/lock-service.js';
import type { Db } from '../store/db.js';
import type { DeploymentStack } from '../store/stacks-repo.js';

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

export interface RollbackContext {
  deps: RollbackDeps;
  support: DeploymentActions;
}

/** The one CloudFormation stack a cancel or in-place recovery acts on. */
export interface StackChoice {
  stackName: string;
  region: string | undefined;
}

export function choice(row: DeploymentStack, target: Target): StackChoice {
  return { stackName: row.stackName, region: row.region ?? target.region };
}
