import type { DriftStatus, PropertyDifference, ResourceDrift, StackDriftResult } from '../domain/drift-diff.js';
import { fingerprint, stackKey } from '../domain/drift-diff.js';
import type { Db } from './db.js';

interface StackRow {
  target_key: string;
  stack_name: string;
  region: string | null;
  stack_id: string | null;
  status: DriftStatus;
  reason: string | null;
}

interface ResourceRow {
  target_key: string;
  stack_name: string;
  logical_id: string;
  physical_id: string | null;
  resource_type: string;
  drift_status: string;
  differences: string;
}

/** Drift results per stack (target key + stack name) and resource, per run. */
export class DriftRepo {
  constructor(private readonly db: Db) {}

  /** Stores one stack's result as soon as it is known, so a run that dies midway keeps what it learned. */
  saveStack(runId: number, r: StackDriftResult, now: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO drift_stacks (run_id, target_key, stack_name, region, stack_id, status, reason, checked_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(runId, r.targetKey, r.stackName, r.region, r.stackId, r.status, r.reason, now);
      this.db
        .prepare('DELETE FROM drift_resources WHERE run_id = ? AND target_key = ? AND stack_name = ?')
        .run(runId, r.targetKey, r.stackName);
      const insert = this.db.prepare(
        `INSERT OR REPLACE INTO drift_resources (run_id, target_key, stack_name, logical_id, physical_id, resource_type,
           drift_status, differences, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const res of r.resources) {
        insert.run(
          runId,
          r.targetKey,
          r.stackName,
          res.logicalId,
          res.physicalId,
          res.resourceType,
          res.driftStatus,
          JSON.stringify(res.differences),
          fingerprint(res),
        );
      }
    })();
  }

  results(runId: number): StackDriftResult[] {
    const stacks = this.db
      .prepare('SELECT * FROM drift_stacks WHERE run_id = ? ORDER BY target_key, stack_name')
      .all(runId) as StackRow[];
    const resources = this.db
      .prepare('SELECT * FROM drift_resources WHERE run_id = ? ORDER BY target_key, stack_name, logical_id')
      .all(runId) as ResourceRow[];
    const byStack = new Map<string, ResourceDrift[]>();
    for (const r of resources) {
      const key = stackKey(r.target_key, r.stack_name);
      const list = byStack.get(key) ?? [];
      list.push({
        logicalId: r.logical_id,
        physicalId: r.physical_id,
        resourceType: r.resource_type,
        driftStatus: r.drift_status,
        differences: JSON.parse(r.differences) as PropertyDifference[],
      });
      byStack.set(key, list);
    }
    return stacks.map((s) => ({
      targetKey: s.target_key,
      stackName: s.stack_name,
      region: s.region,
      stackId: s.stack_id,
      status: s.status,
      reason: s.reason,
      resources: byStack.get(stackKey(s.target_key, s.stack_name)) ?? [],
    }));
  }
}
