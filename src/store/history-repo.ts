import { ACTIVE_STATES, sqlList } from '../domain/deployment-state.js';
import type { Phase, ResourceAction } from '../domain/estimates.js';
import type { ResourceEvent } from '../domain/stall.js';
import type { Db } from './db.js';

export interface ResourceDurationRow {
  resourceType: string;
  action: ResourceAction;
  durationMs: number;
}

export type StoredEvent = ResourceEvent;

export interface OpenPhase {
  phase: Phase;
  startedAt: number;
}

export interface QueueAhead {
  /** The deployment running on the target now, with its open phase when one is recorded. */
  active: { id: number; startedAt: number | null; phase: OpenPhase | undefined } | undefined;
  /** Queued deployments that will run before this one, in order. */
  ahead: number[];
}

// Pairs every *_COMPLETE of a resource with the latest matching *_IN_PROGRESS before it in the same deployment
// and stack. The stack's own row (logical id = stack name) is not a resource.
const RESOURCE_DURATIONS = `
WITH done AS (
  SELECT c.deployment_id, c.stack_name, c.logical_id, c.resource_type, c.timestamp AS ended_at,
         lower(substr(c.status, 1, instr(c.status, '_') - 1)) AS action,
         substr(c.status, 1, instr(c.status, '_') - 1) || '_IN_PROGRESS' AS start_status
  FROM stack_events c
  WHERE c.status IN ('CREATE_COMPLETE', 'UPDATE_COMPLETE', 'DELETE_COMPLETE')
    AND c.logical_id != c.stack_name AND c.timestamp >= ?
),
pairs AS (
  SELECT d.resource_type, d.action, d.ended_at,
         d.ended_at - (SELECT MAX(s.timestamp) FROM stack_events s
                       WHERE s.deployment_id = d.deployment_id AND s.stack_name = d.stack_name
                         AND s.logical_id = d.logical_id AND s.status = d.start_status
                         AND s.timestamp <= d.ended_at) AS duration
  FROM done d
),
ranked AS (
  SELECT resource_type, action, duration,
         ROW_NUMBER() OVER (PARTITION BY resource_type, action ORDER BY ended_at DESC) AS rn
  FROM pairs WHERE duration IS NOT NULL
)
SELECT resource_type AS resourceType, action, duration AS durationMs FROM ranked WHERE rn <= ?`;

/** Read-only queries over past deployments that estimates and stall detection learn from. */
export class HistoryRepo {
  constructor(private readonly db: Db) {}

  /** Durations (ms) of the last `limit` successful runs of a phase on a target, newest first. */
  phaseDurations(targetKey: string, phase: Phase, limit = 20): number[] {
    const rows = this.db
      .prepare(
        `SELECT p.ended_at - p.started_at AS ms FROM deployment_phases p
         JOIN deployments d ON d.id = p.deployment_id
         WHERE p.target_key = ? AND p.phase = ? AND p.outcome = 'succeeded' AND p.ended_at IS NOT NULL
           AND d.state = 'succeeded'
         ORDER BY p.ended_at DESC, p.id DESC LIMIT ?`,
      )
      .all(targetKey, phase, limit) as { ms: number }[];
    return rows.map((r) => r.ms);
  }

  /**
   * Per-resource durations learned across all stacks: the last `limitPerType` of each (type, action), from events
   * that ended at or after `since` (keeps the scan bounded on a large history).
   */
  resourceDurations(limitPerType = 50, since = 0): ResourceDurationRow[] {
    return this.db.prepare(RESOURCE_DURATIONS).all(since, limitPerType) as ResourceDurationRow[];
  }

  /** Resource types touched by the target's most recent successful stack update (the best guess before a change set). */
  lastResourceChanges(targetKey: string): { type: string; action: ResourceAction }[] {
    const last = this.db
      .prepare(
        `SELECT p.deployment_id AS id FROM deployment_phases p JOIN deployments d ON d.id = p.deployment_id
         WHERE p.target_key = ? AND p.phase = 'stack_update' AND p.outcome = 'succeeded' AND d.state = 'succeeded'
         ORDER BY p.ended_at DESC, p.id DESC LIMIT 1`,
      )
      .get(targetKey) as { id: number } | undefined;
    if (!last) return [];
    const rows = this.db
      .prepare(
        `SELECT resource_type AS type, lower(substr(status, 1, instr(status, '_') - 1)) AS action
         FROM stack_events
         WHERE deployment_id = ? AND logical_id != stack_name AND status IN ('CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS')
         GROUP BY stack_name, logical_id ORDER BY MIN(timestamp)`,
      )
      .all(last.id) as { type: string; action: ResourceAction }[];
    return rows;
  }

  /** Every stored event of a deployment, oldest first. */
  events(deploymentId: number): StoredEvent[] {
    return this.db
      .prepare(
        `SELECT logical_id AS logicalId, resource_type AS resourceType, stack_name AS stackName, status, timestamp,
                physical_id AS physicalId
         FROM stack_events WHERE deployment_id = ? ORDER BY timestamp, rowid`,
      )
      .all(deploymentId) as StoredEvent[];
  }

  /** The phase a deployment is in now (started, not ended), if recorded. */
  openPhase(deploymentId: number): OpenPhase | undefined {
    return this.db
      .prepare(
        `SELECT phase, started_at AS startedAt FROM deployment_phases
         WHERE deployment_id = ? AND ended_at IS NULL ORDER BY started_at DESC, id DESC LIMIT 1`,
      )
      .get(deploymentId) as OpenPhase | undefined;
  }

  /**
   * What runs before a deployment on its target: the active one and the queued ones ahead in claim order
   * (priority first, then id — the order DeploymentsRepo.claim uses). Pending approvals do not block the queue.
   */
  queueAhead(deploymentId: number): QueueAhead | undefined {
    const me = this.db.prepare('SELECT target_key, priority FROM deployments WHERE id = ?').get(deploymentId) as
      | { target_key: string; priority: number }
      | undefined;
    if (!me) return undefined;
    const active = this.db
      .prepare(
        `SELECT id, started_at AS startedAt FROM deployments
         WHERE target_key = ? AND state IN (${sqlList(ACTIVE_STATES)}) AND id != ? LIMIT 1`,
      )
      .get(me.target_key, deploymentId) as { id: number; startedAt: number | null } | undefined;
    const ahead = this.db
      .prepare(
        `SELECT id FROM deployments WHERE target_key = ? AND state = 'queued' AND id != ?
           AND (priority > ? OR (priority = ? AND id < ?))
         ORDER BY priority DESC, id`,
      )
      .all(me.target_key, deploymentId, me.priority, me.priority, deploymentId) as { id: number }[];
    return {
      active: active ? { ...active, phase: this.openPhase(active.id) } : undefined,
      ahead: ahead.map((r) => r.id),
    };
  }
}
