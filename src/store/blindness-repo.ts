import type { ErrorKind } from '../domain/error-kind.js';
import type { Db } from './db.js';

/** A running deployment whose AWS reads are failing: one row while it lasts, deleted when reads work again. */
export interface Blindness {
  deploymentId: number;
  since: number;
  lastAt: number;
  /** Consecutive failed polls. */
  failures: number;
  kind: ErrorKind;
  code: string;
  /** What cannot be read, in words ("stack `orders-prod`"). */
  what: string;
  /** Start of the current unbroken run of permission errors. */
  permissionSince: number | null;
  /** When the thread was told (the blind reply exists). */
  postedAt: number | null;
}

interface Row {
  deployment_id: number;
  since: number;
  last_at: number;
  failures: number;
  kind: ErrorKind;
  code: string;
  what: string;
  permission_since: number | null;
  posted_at: number | null;
}

const fromRow = (r: Row): Blindness => ({
  deploymentId: r.deployment_id,
  since: r.since,
  lastAt: r.last_at,
  failures: r.failures,
  kind: r.kind,
  code: r.code,
  what: r.what,
  permissionSince: r.permission_since,
  postedAt: r.posted_at,
});

export class BlindnessRepo {
  constructor(private readonly db: Db) {}

  get(deploymentId: number): Blindness | undefined {
    const r = this.db.prepare('SELECT * FROM deployment_blindness WHERE deployment_id = ?').get(deploymentId) as
      | Row
      | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** Records one more failed poll and returns the row as it now is. */
  recordFailure(deploymentId: number, at: number, f: { kind: ErrorKind; code: string; what: string }): Blindness {
    const permissionSince = f.kind === 'permission' ? at : null;
    this.db
      .prepare(
        `INSERT INTO deployment_blindness (deployment_id, since, last_at, failures, kind, code, what, permission_since)
         VALUES (@id, @at, @at, 1, @kind, @code, @what, @permissionSince)
         ON CONFLICT (deployment_id) DO UPDATE SET
           last_at = @at, failures = failures + 1, kind = @kind, code = @code, what = @what,
           permission_since = CASE WHEN @kind = 'permission' THEN COALESCE(permission_since, @at) ELSE NULL END`,
      )
      .run({ id: deploymentId, at, ...f, permissionSince });
    return this.get(deploymentId) as Blindness;
  }

  markPosted(deploymentId: number, at: number): void {
    this.db.prepare('UPDATE deployment_blindness SET posted_at = ? WHERE deployment_id = ?').run(at, deploymentId);
  }

  clear(deploymentId: number): boolean {
    return this.db.prepare('DELETE FROM deployment_blindness WHERE deployment_id = ?').run(deploymentId).changes > 0;
  }

  /** Deployments whose thread says monitoring is paused (for parents and /deploy-status). */
  pausedSince(deploymentId: number): number | undefined {
    const r = this.db
      .prepare('SELECT since FROM deployment_blindness WHERE deployment_id = ? AND posted_at IS NOT NULL')
      .get(deploymentId) as { since: number } | undefined;
    return r?.since;
  }
}
