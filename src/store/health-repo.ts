import type { FinishedDeployment } from '../domain/health-metrics.js';
import type { Db } from './db.js';

export interface DeployedVersion {
  deploymentId: number;
  sha: string;
  finishedAt: number;
}

export interface QueueDepth {
  queued: number;
  pendingApproval: number;
}

/** Read-only queries behind the health digest (deployments, deployment_phases, outbox). */
export class HealthRepo {
  constructor(private readonly db: Db) {}

  /** Deployments that ended in [from, to]: succeeded, failed or cancelled (rejected/expired never ran). */
  finishedBetween(from: number, to: number): FinishedDeployment[] {
    return (
      this.db
        .prepare(
          `SELECT id, kind, target_key, state, started_at, finished_at FROM deployments
           WHERE state IN ('succeeded', 'failed', 'cancelled') AND finished_at >= ? AND finished_at <= ?
           ORDER BY finished_at, id`,
        )
        .all(from, to) as {
        id: number;
        kind: FinishedDeployment['kind'];
        target_key: string;
        state: FinishedDeployment['state'];
        started_at: number | null;
        finished_at: number;
      }[]
    ).map((r) => ({
      id: r.id,
      kind: r.kind,
      targetKey: r.target_key,
      state: r.state,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }));
  }

  /** What runs on each target now: its last succeeded deployment, whenever it was. */
  deployedVersions(): Map<string, DeployedVersion> {
    const rows = this.db
      .prepare(
        `SELECT d.target_key, d.id, d.sha, d.finished_at FROM deployments d
         WHERE d.id = (SELECT s.id FROM deployments s WHERE s.target_key = d.target_key AND s.state = 'succeeded'
                       ORDER BY s.finished_at DESC, s.id DESC LIMIT 1)`,
      )
      .all() as { target_key: string; id: number; sha: string; finished_at: number }[];
    return new Map(rows.map((r) => [r.target_key, { deploymentId: r.id, sha: r.sha, finishedAt: r.finished_at }]));
  }

  queueDepth(): Map<string, QueueDepth> {
    const rows = this.db
      .prepare(
        `SELECT target_key, SUM(state IN ('queued', 'waiting_checks')) AS queued, SUM(state = 'pending_approval') AS pending
         FROM deployments WHERE state IN ('queued', 'waiting_checks', 'pending_approval') GROUP BY target_key`,
      )
      .all() as { target_key: string; queued: number; pending: number }[];
    return new Map(rows.map((r) => [r.target_key, { queued: r.queued, pendingApproval: r.pending }]));
  }

  /** Slack messages the outbox gave up on: nobody reads a dead-letter folder, so the digest shows them. */
  deadLetters(): { count: number; oldestAt: number | null } {
    const r = this.db
      .prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE state = 'dead'`)
      .get() as { n: number; oldest: number | null };
    return { count: r.n, oldestAt: r.oldest };
  }

  /** Targets held by a lock right now (manual or after a rollback), oldest first. */
  locks(): { targetKey: string; by: string; reason: string; since: number }[] {
    return (
      this.db.prepare('SELECT target_key, locked_by, reason, locked_at FROM locks ORDER BY locked_at').all() as {
        target_key: string;
        locked_by: string;
        reason: string;
        locked_at: number;
      }[]
    ).map((r) => ({ targetKey: r.target_key, by: r.locked_by, reason: r.reason, since: r.locked_at }));
  }

  /** Durations of phases that succeeded in [from, to], for "where does the time go". */
  phaseDurations(from: number, to: number): { phase: string; ms: number }[] {
    return this.db
      .prepare(
        `SELECT phase, ended_at - started_at AS ms FROM deployment_phases
         WHERE outcome = 'succeeded' AND ended_at >= ? AND ended_at <= ? ORDER BY phase, id`,
      )
      .all(from, to) as { phase: string; ms: number }[];
  }
}
