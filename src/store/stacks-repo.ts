import type { Db } from './db.js';

/** Where one stack of a deployment stands; the runner reads this to decide its next action after any restart. */
export type StackStepStatus = 'pending' | 'changeset' | 'updating' | 'succeeded' | 'noop' | 'failed';

export interface ChangeSummary {
  total: number;
  add: number;
  modify: number;
  remove: number;
  /** Resources replaced (Replacement True or Conditional). */
  replacements: { logicalId: string; type: string; conditional: boolean }[];
}

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
}

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
};

export class StacksRepo {
  constructor(private readonly db: Db) {}

  /** Creates the deployment's stack rows once (position 1 first); a resumed runner finds them already there. */
  ensure(
    deploymentId: number,
    stacks: { stackName: string; region: string | null; parameters: Record<string, string> }[],
  ): DeploymentStack[] {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO deployment_stacks (deployment_id, position, stack_name, region, parameters)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      stacks.forEach((s, i) => {
        insert.run(deploymentId, i + 1, s.stackName, s.region, JSON.stringify(s.parameters));
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
}
