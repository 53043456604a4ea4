import type { Deployment } from '../domain/deployment.js';
import { sqlList, WAITING_STATES } from '../domain/deployment-state.js';
import type { Db } from './db.js';
import { type DeploymentRow, fromRow } from './deployment-row.js';

export interface BranchWatch {
  targetKey: string;
  branch: string;
  etag: string | null;
  handledSha: string | null;
  redSha: string | null;
  checkedAt: number | null;
}

export interface AutoDeployRow {
  deploymentId: number;
  targetKey: string;
  branch: string;
  source: 'poll' | 'webhook';
  pusher: string | null;
  commits: number;
  supersededBy: number | null;
}

const WAITING = sqlList(WAITING_STATES);

/** Branch heads being watched, auto-deploy candidates, and webhook deliveries already taken. */
export class AutoDeployRepo {
  constructor(private readonly db: Db) {}

  watch(targetKey: string): BranchWatch | undefined {
    const r = this.db
      .prepare(
        `SELECT target_key AS targetKey, branch, etag, handled_sha AS handledSha, red_sha AS redSha, checked_at AS checkedAt
         FROM branch_watches WHERE target_key = ?`,
      )
      .get(targetKey) as BranchWatch | undefined;
    return r;
  }

  /** Records a poll; `handled` moves the head acted on (and its ETag) forward, `red` notes a reported red head. */
  saveWatch(
    targetKey: string,
    branch: string,
    now: number,
    o: { handled?: { sha: string; etag: string | null }; red?: string },
  ): void {
    this.db
      .prepare(
        `INSERT INTO branch_watches (target_key, branch, etag, handled_sha, red_sha, checked_at, updated_at)
         VALUES (@key, @branch, @etag, @sha, @red, @now, @now)
         ON CONFLICT (target_key) DO UPDATE SET
           branch = excluded.branch,
           etag = CASE WHEN @sha IS NULL THEN etag ELSE excluded.etag END,
           handled_sha = COALESCE(excluded.handled_sha, handled_sha),
           red_sha = COALESCE(excluded.red_sha, red_sha),
           checked_at = excluded.checked_at, updated_at = excluded.updated_at`,
      )
      .run({
        key: targetKey,
        branch,
        etag: o.handled?.etag ?? null,
        sha: o.handled?.sha ?? null,
        red: o.red ?? null,
        now,
      });
  }

  record(r: Omit<AutoDeployRow, 'supersededBy'>, now: number): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO auto_deploys (deployment_id, target_key, branch, source, pusher, commits, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.deploymentId, r.targetKey, r.branch, r.source, r.pusher, r.commits, now);
  }

  get(deploymentId: number): AutoDeployRow | undefined {
    return this.db
      .prepare(
        `SELECT deployment_id AS deploymentId, target_key AS targetKey, branch, source, pusher, commits,
                superseded_by AS supersededBy
         FROM auto_deploys WHERE deployment_id = ?`,
      )
      .get(deploymentId) as AutoDeployRow | undefined;
  }

  /** Older auto-deploy candidates of the target that have not started: what a newer head supersedes. */
  waitingBefore(targetKey: string, deploymentId: number): Deployment[] {
    return (
      this.db
        .prepare(
          `SELECT d.* FROM deployments d JOIN auto_deploys a ON a.deployment_id = d.id
           WHERE a.target_key = ? AND d.id < ? AND d.state IN (${WAITING}) ORDER BY d.id`,
        )
        .all(targetKey, deploymentId) as DeploymentRow[]
    ).map(fromRow);
  }

  markSuperseded(deploymentId: number, by: number): void {
    this.db.prepare('UPDATE auto_deploys SET superseded_by = ? WHERE deployment_id = ?').run(by, deploymentId);
  }

  /** The newest auto-deploy candidate of a target still waiting or running (for the health digest). */
  latest(targetKey: string): Deployment | undefined {
    const row = this.db
      .prepare(
        `SELECT d.* FROM deployments d JOIN auto_deploys a ON a.deployment_id = d.id
         WHERE a.target_key = ? ORDER BY d.id DESC LIMIT 1`,
      )
      .get(targetKey) as DeploymentRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Takes a webhook delivery id once; false when it was seen before (a replay). Old ids are forgotten. */
  takeDelivery(id: string, now: number, keepMs: number): boolean {
    return this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM webhook_deliveries WHERE received_at < ?').run(now - keepMs);
        return (
          this.db
            .prepare('INSERT OR IGNORE INTO webhook_deliveries (delivery_id, received_at) VALUES (?, ?)')
            .run(id, now).changes === 1
        );
      })
      .immediate();
  }
}
