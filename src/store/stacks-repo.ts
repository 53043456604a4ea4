import type { ChangeSummary } from '../domain/change-summary.js';
import type { Db } from './db.js';

/** Where one stack of a deployment stands; the runner reads this to decide its next action after any restart. */
export type StackStepStatus = 'pending' | 'changeset' | 'updating' | 'succeeded' | 'noop' | 'failed';

export interface DeploymentStack {
  deploymentId: number;
  position: number;
  stackName: string;
  region: string | null;
  parameters: Record<string, string>;
  changeSetName: string | null;
  changeSetId: string | null;
  changes: ChangeSummary | null;
  status: StackStepStatus;
  stackStatus: string | null;
  lastEventId: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Mode template: the https S3 URL of the template the build produced (reused by a rollback). */
  templateUrl: string | null;
  /** CREATE for a stack that did not exist yet, else UPDATE (null until the change set is made). */
  changeSetType: 'CREATE' | 'UPDATE' | null;
  /** Mode build: the ClientRequestToken of the tool's operation being followed. */
  opToken: string | null;
  /**
   * A recovery (ContinueUpdateRollback/RollbackStack) started after the deployment failed; 'blind': the deployment
   * was failed because the stack could not be read, and its update is still watched for the real outcome.
   */
  recovery: RecoveryMark | null;
  recoveryEventId: string | null;
  /** When the recovery being watched was clicked (deployment_actions.at); for a blind watch, the update's start. */
  recoveryActionAt: number | null;
}

export type RecoveryMark = 'watching' | 'blind' | 'done';

interface Row {
  deployment_id: number;
  position: number;
  stack_name: string;
  region: string | null;
  parameters: string;
  change_set_name: string | null;
  change_set_id: string | null;
  changes: string | null;
  status: StackStepStatus;
  stack_status: string | null;
  last_event_id: string | null;
  started_at: number | null;
  finished_at: number | null;
  template_url: string | null;
  change_set_type: 'CREATE' | 'UPDATE' | null;
  op_token: string | null;
  recovery: RecoveryMark | null;
  recovery_event_id: string | null;
  recovery_action_at: number | null;
}

function fromRow(r: Row): DeploymentStack {
  return {
    deploymentId: r.deployment_id,
    position: r.position,
    stackName: r.stack_name,
    region: r.region,
    parameters: JSON.parse(r.parameters) as Record<string, string>,
    changeSetName: r.change_set_name,
    changeSetId: r.change_set_id,
    changes: r.changes ? (JSON.parse(r.changes) as ChangeSummary) : null,
    status: r.status,
    stackStatus: r.stack_status,
    lastEventId: r.last_event_id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    templateUrl: r.template_url,
    changeSetType: r.change_set_type,
    opToken: r.op_token,
    recovery: r.recovery,
    recoveryEventId: r.recovery_event_id,
    recoveryActionAt: r.recovery_action_at,
  };
}

export interface StackPatch {
  changeSetName?: string;
  changeSetId?: string;
  changes?: ChangeSummary;
  status?: StackStepStatus;
  stackStatus?: string;
  lastEventId?: string;
  startedAt?: number;
  finishedAt?: number;
  templateUrl?: string;
  changeSetType?: 'CREATE' | 'UPDATE';
  opToken?: string;
  recovery?: RecoveryMark;
  recoveryEventId?: string;
}

const COLUMNS: Record<keyof StackPatch, string> = {
  changeSetName: 'change_set_name',
  changeSetId: 'change_set_id',
  changes: 'changes',
  status: 'status',
  stackStatus: 'stack_status',
  lastEventId: 'last_event_id',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  templateUrl: 'template_url',
  changeSetType: 'change_set_type',
  opToken: 'op_token',
  recovery: 'recovery',
  recoveryEventId: 'recovery_event_id',
};

export interface NewStack {
  stackName: string;
  region: string | null;
  parameters: Record<string, string>;
  templateUrl?: string | null;
}

export class StacksRepo {
  constructor(private readonly db: Db) {}

  /** Creates the deployment's stack rows once (position 1 first); a resumed runner finds them already there. */
  ensure(deploymentId: number, stacks: NewStack[]): DeploymentStack[] {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO deployment_stacks (deployment_id, position, stack_name, region, parameters, template_url)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      stacks.forEach((s, i) => {
        insert.run(deploymentId, i + 1, s.stackName, s.region, JSON.stringify(s.parameters), s.templateUrl ?? null);
      });
    })();
    return this.list(deploymentId);
  }

  list(deploymentId: number): DeploymentStack[] {
    return (
      this.db
        .prepare('SELECT * FROM deployment_stacks WHERE deployment_id = ? ORDER BY position')
        .all(deploymentId) as Row[]
    ).map(fromRow);
  }

  get(deploymentId: number, position: number): DeploymentStack | undefined {
    const row = this.db
      .prepare('SELECT * FROM deployment_stacks WHERE deployment_id = ? AND position = ?')
      .get(deploymentId, position) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Updates one stack row, guarded on the step status the caller read (false = someone else moved it). */
  update(deploymentId: number, position: number, expected: StackStepStatus, patch: StackPatch): boolean {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [k, v] of Object.entries(patch) as [keyof StackPatch, unknown][]) {
      if (v === undefined) continue;
      sets.push(`${COLUMNS[k]} = ?`);
      values.push(k === 'changes' ? JSON.stringify(v) : v);
    }
    if (sets.length === 0) return true;
    return (
      this.db
        .prepare(
          `UPDATE deployment_stacks SET ${sets.join(', ')} WHERE deployment_id = ? AND position = ? AND status = ?`,
        )
        .run(...values, deploymentId, position, expected).changes === 1
    );
  }

  /** Failed deployments whose stacks a recovery is being watched for (resumable: the mark is in the row). */
  recovering(): DeploymentStack[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM deployment_stacks WHERE recovery IN ('watching', 'blind') ORDER BY deployment_id, position`,
        )
        .all() as Row[]
    ).map(fromRow);
  }

  /**
   * Recovery clicks (ContinueUpdateRollback / RollbackStack, recorded in deployment_actions by the button) on failed
   * deployments that no stack row has picked up yet, each with the one stack row it acted on: the row the click
   * names, or (older clicks recorded without a stack) the deployment's first failed row. Mode build can leave several
   * failed rows; only the one acted on is watched.
   */
  unwatchedRecoveries(since: number): { stack: DeploymentStack; actionAt: number; op: string; user: string }[] {
    const rows = this.db
      .prepare(
        `SELECT s.*, a.at AS action_at, a.action AS action_op, a.user AS action_user
           FROM deployment_actions a
           JOIN deployments d ON d.id = a.deployment_id AND d.state = 'failed'
           JOIN deployment_stacks s ON s.deployment_id = a.deployment_id
            AND (s.stack_name = a.stack_name
                 OR (a.stack_name IS NULL AND s.position = (
                       SELECT min(f.position) FROM deployment_stacks f
                        WHERE f.deployment_id = a.deployment_id AND f.status = 'failed')))
          WHERE a.action IN ('continue_rollback', 'rollback_stack') AND a.at >= ?
            AND (s.recovery_action_at IS NULL OR s.recovery_action_at < a.at)
          ORDER BY a.at, a.id`,
      )
      .all(since) as (Row & { action_at: number; action_op: string; action_user: string })[];
    return rows.map((r) => ({ stack: fromRow(r), actionAt: r.action_at, op: r.action_op, user: r.action_user }));
  }

  /** Starts watching a recovery; guarded so that one click is picked up exactly once. */
  markRecovering(deploymentId: number, position: number, actionAt: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE deployment_stacks SET recovery = 'watching', recovery_action_at = ?, recovery_event_id = last_event_id
           WHERE deployment_id = ? AND position = ? AND (recovery_action_at IS NULL OR recovery_action_at < ?)`,
        )
        .run(actionAt, deploymentId, position, actionAt).changes === 1
    );
  }

  /**
   * Keeps watching a running update after its deployment was failed for blindness: from the last event read, with
   * the update's start as the floor for its events. Only rows whose update had started; a recovery click later
   * takes the row over (markRecovering: the click is newer than the update's start).
   */
  markBlindWatch(deploymentId: number): DeploymentStack[] {
    this.db
      .prepare(
        `UPDATE deployment_stacks SET recovery = 'blind', recovery_action_at = started_at, recovery_event_id = last_event_id
         WHERE deployment_id = ? AND status = 'updating' AND started_at IS NOT NULL AND recovery IS NULL`,
      )
      .run(deploymentId);
    return this.list(deploymentId).filter((s) => s.recovery === 'blind');
  }

  /** Guarded on the recovery mark rather than the step status (the step stays failed). */
  updateRecovery(deploymentId: number, position: number, patch: { recovery?: RecoveryMark; recoveryEventId?: string }) {
    return (
      this.db
        .prepare(
          `UPDATE deployment_stacks SET recovery = COALESCE(?, recovery), recovery_event_id = COALESCE(?, recovery_event_id)
           WHERE deployment_id = ? AND position = ? AND recovery IN ('watching', 'blind')`,
        )
        .run(patch.recovery ?? null, patch.recoveryEventId ?? null, deploymentId, position).changes === 1
    );
  }
}
