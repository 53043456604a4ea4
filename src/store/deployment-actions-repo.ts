import type { Db } from './db.js';

export interface DeploymentAction {
  deploymentId: number;
  action:
    | 'keep_waiting'
    | 'cancel_update'
    | 'continue_rollback'
    | 'rollback_stack'
    | 'retry'
    | 'rollback'
    | 'force_checks'
    | 'auto_rollback';
  user: string;
  detail: string | null;
  at: number;
  /** The stack the action acted on, when it acted on one (recoveries); null/absent otherwise and on older rows. */
  stackName?: string | null;
}

/** Who pressed which stall/failure button and what it did: the audit behind "who chose to wait". */
export class DeploymentActionsRepo {
  constructor(private readonly db: Db) {}

  record(a: DeploymentAction): void {
    this.db
      .prepare(
        'INSERT INTO deployment_actions (deployment_id, action, user, detail, at, stack_name) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(a.deploymentId, a.action, a.user, a.detail, a.at, a.stackName ?? null);
  }

  of(deploymentId: number): DeploymentAction[] {
    return this.db
      .prepare(
        `SELECT deployment_id AS deploymentId, action, user, detail, at, stack_name AS stackName FROM deployment_actions
         WHERE deployment_id = ? ORDER BY at, id`,
      )
      .all(deploymentId) as DeploymentAction[];
  }

  /** When someone last chose this action (e.g. keep waiting: the stall clock restarts there). */
  lastAt(deploymentId: number, action: DeploymentAction['action']): DeploymentAction | undefined {
    return this.db
      .prepare(
        `SELECT deployment_id AS deploymentId, action, user, detail, at, stack_name AS stackName FROM deployment_actions
         WHERE deployment_id = ? AND action = ? ORDER BY at DESC, id DESC LIMIT 1`,
      )
      .get(deploymentId, action) as DeploymentAction | undefined;
  }
}
