import type { LearnedDuration, LearnedSource } from '../domain/aws-history.js';
import type { Phase } from '../domain/estimates.js';
import type { Db } from './db.js';
import type { ResourceDurationRow } from './history-repo.js';

/** Durations learned from AWS's own history of a target (see domain/aws-history.ts), with their source. */
export class LearnedHistoryRepo {
  constructor(private readonly db: Db) {}

  /** Stores what was learned; rows already known (same source id) are skipped. Returns how many are new. */
  record(targetKey: string, source: LearnedSource, rows: readonly LearnedDuration[], now: number): number {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO learned_durations
         (target_key, source, source_id, phase, resource_type, action, duration_ms, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction(() => {
      let added = 0;
      for (const r of rows) {
        added += insert.run(
          targetKey,
          source,
          r.sourceId,
          r.phase,
          r.resourceType,
          r.action,
          Math.round(r.durationMs),
          Math.round(r.endedAt),
        ).changes;
      }
      this.db
        .prepare(
          'INSERT INTO learned_targets (target_key, learned_at) VALUES (?, ?) ON CONFLICT (target_key) DO UPDATE SET learned_at = excluded.learned_at',
        )
        .run(targetKey, now);
      return added;
    })();
  }

  /** When the target was last learned from AWS (undefined: never). */
  learnedAt(targetKey: string): number | undefined {
    const r = this.db.prepare('SELECT learned_at FROM learned_targets WHERE target_key = ?').get(targetKey) as
      | { learned_at: number }
      | undefined;
    return r?.learned_at;
  }

  /** The last `limit` learned durations of a whole phase on a target, newest first. */
  phaseDurations(targetKey: string, phase: Phase, limit = 20): number[] {
    const rows = this.db
      .prepare(
        `SELECT duration_ms AS ms FROM learned_durations WHERE target_key = ? AND phase = ?
         ORDER BY ended_at DESC, id DESC LIMIT ?`,
      )
      .all(targetKey, phase, limit) as { ms: number }[];
    return rows.map((r) => r.ms);
  }

  /** Learned per-resource durations across all targets: the last `limitPerType` of each (type, action). */
  resourceDurations(limitPerType = 50, since = 0): ResourceDurationRow[] {
    return this.db
      .prepare(
        `SELECT resourceType, action, durationMs FROM (
           SELECT resource_type AS resourceType, action, duration_ms AS durationMs,
                  ROW_NUMBER() OVER (PARTITION BY resource_type, action ORDER BY ended_at DESC, id DESC) AS rn
           FROM learned_durations WHERE resource_type IS NOT NULL AND ended_at >= ?)
         WHERE rn <= ?`,
      )
      .all(since, limitPerType) as ResourceDurationRow[];
  }
}
