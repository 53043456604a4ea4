import type { Db } from './db.js';

export interface LeadTimeRow {
  deploymentId: number;
  targetKey: string;
  environment: string;
  committedAt: number;
  /** When it was verified serving (or succeeded, where the environment has no verify). */
  finishedAt: number;
}

/** Delivery figures for the health digest: commit times, lead times and verification failures. */
export class DeliveryRepo {
  constructor(private readonly db: Db) {}

  /** The commit time of a deployment's SHA, as GitHub reported it at request time (ISO 8601). */
  recordCommitTime(deploymentId: number, committedAt: string | null | undefined): void {
    const at = committedAt ? Date.parse(committedAt) : Number.NaN;
    if (!Number.isFinite(at)) return;
    this.db
      .prepare('INSERT OR IGNORE INTO deployment_commits (deployment_id, committed_at) VALUES (?, ?)')
      .run(deploymentId, at);
  }

  /** Deploys (not rollbacks) that succeeded in [from, to] and whose commit time is known. */
  leadTimes(from: number, to: number): LeadTimeRow[] {
    return this.db
      .prepare(
        `SELECT d.id AS deploymentId, d.target_key AS targetKey, d.environment, c.committed_at AS committedAt,
                d.finished_at AS finishedAt
         FROM deployments d JOIN deployment_commits c ON c.deployment_id = d.id
         WHERE d.kind = 'deploy' AND d.state = 'succeeded' AND d.finished_at >= ? AND d.finished_at <= ?
         ORDER BY d.finished_at, d.id`,
      )
      .all(from, to) as LeadTimeRow[];
  }

  /** Verifications that failed in [from, to] (deployed, but not serving or a smoke check failed). */
  verificationFailures(from: number, to: number): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM deployment_verifications
         WHERE phase = 'verify' AND outcome = 'failed' AND finished_at >= ? AND finished_at <= ?`,
      )
      .get(from, to) as { n: number };
    return row.n;
  }
}
