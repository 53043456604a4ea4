import type { Db } from './db.js';

export type DigestKind = 'drift' | 'health';

export interface DigestRun {
  id: number;
  kind: DigestKind;
  state: 'running' | 'completed' | 'partial';
  posted: boolean;
  startedAt: number;
  note: string | null;
}

export type StartRunResult = { ok: true; runId: number } | { ok: false; runningSince: number };

/** A run older than this is considered dead (the process died mid-run) and no longer blocks new ones. */
const STALE_RUN_MS = 60 * 60_000;

/**
 * Digest runs of both kinds: one row per run, so two overlapping runs (a schedule and a manual post)
 * cannot both start, and every Slack message of a digest has a stable key.
 */
export class DigestRunsRepo {
  constructor(private readonly db: Db) {}

  /** Starts a run unless another run of that kind is still going (IMMEDIATE: two callers cannot both win). */
  start(kind: DigestKind, now: number): StartRunResult {
    return this.db
      .transaction((): StartRunResult => {
        const running = this.db
          .prepare(
            `SELECT started_at FROM digest_runs WHERE kind = ? AND state = 'running' AND started_at > ? ORDER BY id DESC LIMIT 1`,
          )
          .get(kind, now - STALE_RUN_MS) as { started_at: number } | undefined;
        if (running) return { ok: false, runningSince: running.started_at };
        const info = this.db.prepare('INSERT INTO digest_runs (kind, started_at) VALUES (?, ?)').run(kind, now);
        return { ok: true, runId: Number(info.lastInsertRowid) };
      })
      .immediate();
  }

  /** Ends a running run; false when it was not running any more. */
  finish(runId: number, state: 'completed' | 'partial', note: string | null, now: number): boolean {
    return (
      this.db
        .prepare(`UPDATE digest_runs SET state = ?, note = ?, finished_at = ? WHERE id = ? AND state = 'running'`)
        .run(state, note, now, runId).changes === 1
    );
  }

  /** Marks a finished run as delivered to the channel (the baseline for the next digest). */
  markPosted(runId: number): boolean {
    return (
      this.db.prepare(`UPDATE digest_runs SET posted = 1 WHERE id = ? AND posted = 0 AND state != 'running'`).run(runId)
        .changes === 1
    );
  }

  /** The latest run of this kind that was posted to the channel, excluding `exceptId`. */
  lastPosted(kind: DigestKind, exceptId?: number): number | undefined {
    const row = this.db
      .prepare(`SELECT id FROM digest_runs WHERE kind = ? AND posted = 1 AND id != ? ORDER BY id DESC LIMIT 1`)
      .get(kind, exceptId ?? -1) as { id: number } | undefined;
    return row?.id;
  }

  get(runId: number): DigestRun | undefined {
    const row = this.db.prepare('SELECT * FROM digest_runs WHERE id = ?').get(runId) as
      | {
          id: number;
          kind: DigestKind;
          state: DigestRun['state'];
          posted: number;
          started_at: number;
          note: string | null;
        }
      | undefined;
    return row
      ? {
          id: row.id,
          kind: row.kind,
          state: row.state,
          posted: row.posted === 1,
          startedAt: row.started_at,
          note: row.note,
        }
      : undefined;
  }
}
