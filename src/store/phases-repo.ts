import type { Phase } from '../domain/estimates.js';
import type { Db } from './db.js';

export type PhaseOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface PhaseRecord {
  deploymentId: number;
  targetKey: string;
  phase: Phase;
  startedAt: number;
  endedAt: number | null;
  outcome: PhaseOutcome | null;
}

/** Phase timings per deployment: the history estimates learn from. One row per (deployment, phase). */
export class PhasesRepo {
  // Read on every /deploy-status: prepared once.
  private readonly openStmt;

  constructor(private readonly db: Db) {
    this.openStmt = db.prepare(
      'SELECT phase FROM deployment_phases WHERE deployment_id = ? AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1',
    );
  }

  /** The phase a deployment is in now (the newest one not ended), if any. */
  openPhase(deploymentId: number): Phase | undefined {
    return (this.openStmt.get(deploymentId) as { phase: Phase } | undefined)?.phase;
  }

  /** Idempotent: a resumed runner keeps the original start time. */
  start(deploymentId: number, targetKey: string, phase: Phase, now: number): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO deployment_phases (deployment_id, target_key, phase, started_at) VALUES (?, ?, ?, ?)',
      )
      .run(deploymentId, targetKey, phase, now);
  }

  /** Ends a phase once; a second call does not move its end time. */
  end(deploymentId: number, phase: Phase, outcome: PhaseOutcome, now: number): void {
    this.db
      .prepare(
        'UPDATE deployment_phases SET ended_at = ?, outcome = ? WHERE deployment_id = ? AND phase = ? AND ended_at IS NULL',
      )
      .run(now, outcome, deploymentId, phase);
  }

  /** Ends whatever phase is still open (a failure ends the phase it happened in). */
  endOpen(deploymentId: number, outcome: PhaseOutcome, now: number): void {
    this.db
      .prepare('UPDATE deployment_phases SET ended_at = ?, outcome = ? WHERE deployment_id = ? AND ended_at IS NULL')
      .run(now, outcome, deploymentId);
  }

  forDeployment(deploymentId: number): PhaseRecord[] {
    return this.db
      .prepare(
        `SELECT deployment_id AS deploymentId, target_key AS targetKey, phase, started_at AS startedAt,
                  ended_at AS endedAt, outcome FROM deployment_phases WHERE deployment_id = ? ORDER BY started_at, id`,
      )
      .all(deploymentId) as PhaseRecord[];
  }
}
