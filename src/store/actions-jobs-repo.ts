import type { Db } from './db.js';

export interface JobDuration {
  job: string;
  durationMs: number;
}

/** Durations of GitHub Actions jobs of successful builds, per target and workflow: what per-job estimates learn from. */
export class ActionsJobsRepo {
  constructor(private readonly db: Db) {}

  /** Records a successful run's jobs once (a resumed poll records nothing twice). */
  record(deploymentId: number, targetKey: string, workflow: string, jobs: JobDuration[], now: number): void {
    const stmt = this.db.prepare(
      `INSERT INTO actions_job_runs (deployment_id, target_key, workflow, job, duration_ms, finished_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (deployment_id, job) DO NOTHING`,
    );
    this.db.transaction(() => {
      for (const j of jobs)
        stmt.run(deploymentId, targetKey, workflow, j.job, Math.max(0, Math.round(j.durationMs)), now);
    })();
  }

  /** The most recent durations of one job (newest first), at most `limit`. */
  recent(targetKey: string, workflow: string, job: string, limit = 20): number[] {
    return (
      this.db
        .prepare(
          `SELECT duration_ms FROM actions_job_runs WHERE target_key = ? AND workflow = ? AND job = ?
           ORDER BY finished_at DESC LIMIT ?`,
        )
        .all(targetKey, workflow, job, limit) as { duration_ms: number }[]
    ).map((r) => r.duration_ms);
  }
}
