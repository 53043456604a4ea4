import type { Lock, LockKind } from '../domain/lock.js';
import type { Db } from './db.js';

export interface LockEvent {
  targetKey: string;
  action: 'lock' | 'unlock' | 'release' | 'force';
  user: string;
  reason: string | null;
  kind: LockKind | null;
  sha: string | null;
  deploymentId: number | null;
  at: number;
}

export interface BadSha {
  targetKey: string;
  sha: string;
  markedBy: string;
  markedAt: number;
  deploymentId: number | null;
}

interface LockRow {
  target_key: string;
  reason: string;
  locked_by: string;
  locked_at: number;
  kind: LockKind;
  bad_sha: string | null;
  deployment_id: number | null;
}

const lockFromRow = (r: LockRow): Lock => ({
  targetKey: r.target_key,
  reason: r.reason,
  lockedBy: r.locked_by,
  lockedAt: r.locked_at,
  kind: r.kind,
  badSha: r.bad_sha,
  deploymentId: r.deployment_id,
});

/** Target locks, the SHAs rolled back per target, and the audit of both. Every change is recorded. */
export class LocksRepo {
  constructor(private readonly db: Db) {}

  get(targetKey: string): Lock | undefined {
    const row = this.db.prepare('SELECT * FROM locks WHERE target_key = ?').get(targetKey) as LockRow | undefined;
    return row ? lockFromRow(row) : undefined;
  }

  all(): Lock[] {
    return (this.db.prepare('SELECT * FROM locks ORDER BY locked_at').all() as LockRow[]).map(lockFromRow);
  }

  /** Takes the lock unless someone holds it already; the holder is returned so the refusal can name them. */
  lock(l: Lock): { ok: true; lock: Lock } | { ok: false; held: Lock } {
    return this.db
      .transaction((): { ok: true; lock: Lock } | { ok: false; held: Lock } => {
        const inserted = this.db
          .prepare(
            `INSERT OR IGNORE INTO locks (target_key, reason, locked_by, locked_at, kind, bad_sha, deployment_id)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(l.targetKey, l.reason, l.lockedBy, l.lockedAt, l.kind, l.badSha, l.deploymentId).changes;
        if (inserted === 0) return { ok: false, held: this.get(l.targetKey)! };
        this.audit({ ...l, action: 'lock', user: l.lockedBy, sha: l.badSha, at: l.lockedAt });
        return { ok: true, lock: l };
      })
      .immediate();
  }

  /** Removes the lock; returns what was removed, or undefined when the target was not locked. */
  unlock(targetKey: string, user: string, at: number, action: 'unlock' | 'release' = 'unlock'): Lock | undefined {
    return this.db
      .transaction((): Lock | undefined => {
        const held = this.get(targetKey);
        if (!held) return undefined;
        this.db.prepare('DELETE FROM locks WHERE target_key = ? AND locked_at = ?').run(targetKey, held.lockedAt);
        this.audit({ ...held, action, user, sha: held.badSha, at });
        return held;
      })
      .immediate();
  }

  markBad(b: BadSha): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO bad_shas (target_key, sha, marked_by, marked_at, deployment_id) VALUES (?, ?, ?, ?, ?)',
      )
      .run(b.targetKey, b.sha, b.markedBy, b.markedAt, b.deploymentId);
  }

  /** Forgets the marks a rollback made, when that rollback never ran (rejected or expired). */
  unmarkBad(targetKey: string, deploymentId: number): void {
    this.db.prepare('DELETE FROM bad_shas WHERE target_key = ? AND deployment_id = ?').run(targetKey, deploymentId);
  }

  badSha(targetKey: string, sha: string): BadSha | undefined {
    const r = this.db.prepare('SELECT * FROM bad_shas WHERE target_key = ? AND sha = ?').get(targetKey, sha) as
      | { target_key: string; sha: string; marked_by: string; marked_at: number; deployment_id: number | null }
      | undefined;
    return r
      ? {
          targetKey: r.target_key,
          sha: r.sha,
          markedBy: r.marked_by,
          markedAt: r.marked_at,
          deploymentId: r.deployment_id,
        }
      : undefined;
  }

  recordForce(e: {
    targetKey: string;
    user: string;
    sha: string;
    reason: string;
    deploymentId: number | null;
    at: number;
  }) {
    this.audit({ ...e, action: 'force', kind: null });
  }

  history(targetKey: string, limit = 20): LockEvent[] {
    return this.db
      .prepare(
        `SELECT target_key AS targetKey, action, user, reason, kind, sha, deployment_id AS deploymentId, at
         FROM lock_history WHERE target_key = ? ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(targetKey, limit) as LockEvent[];
  }

  private audit(e: LockEvent): void {
    this.db
      .prepare(
        `INSERT INTO lock_history (target_key, action, user, reason, kind, sha, deployment_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.targetKey, e.action, e.user, e.reason, e.kind, e.sha, e.deploymentId, e.at);
  }
}
