import type { Db } from './db.js';

export type LoopPhase = 'bake' | 'verify';
export type LoopOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface LoopRecord {
  deploymentId: number;
  phase: LoopPhase;
  startedAt: number;
  until: number;
  polls: number;
  lastSeen: string | null;
  outcome: LoopOutcome | null;
  finishedAt: number | null;
}

const SELECT = `SELECT deployment_id AS deploymentId, phase, started_at AS startedAt, until, polls, last_seen AS lastSeen,
  outcome, finished_at AS finishedAt FROM deployment_verifications`;

/** The bake window and the verification of each deployment: when they started, until when, what was seen. */
export class VerificationsRepo {
  constructor(private readonly db: Db) {}

  /** Idempotent: a resumed runner keeps the original start and deadline. */
  start(deploymentId: number, phase: LoopPhase, now: number, until: number): LoopRecord {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO deployment_verifications (deployment_id, phase, started_at, until) VALUES (?, ?, ?, ?)',
      )
      .run(deploymentId, phase, now, until);
    return this.get(deploymentId, phase)!;
  }

  get(deploymentId: number, phase: LoopPhase): LoopRecord | undefined {
    return this.db.prepare(`${SELECT} WHERE deployment_id = ? AND phase = ?`).get(deploymentId, phase) as
      | LoopRecord
      | undefined;
  }

  /** One more poll and what it saw; only while the phase is open. */
  polled(deploymentId: number, phase: LoopPhase, seen: string): void {
    this.db
      .prepare(
        `UPDATE deployment_verifications SET polls = polls + 1, last_seen = ?
         WHERE deployment_id = ? AND phase = ? AND outcome IS NULL`,
      )
      .run(seen.slice(0, 500), deploymentId, phase);
  }

  finish(deploymentId: number, phase: LoopPhase, outcome: LoopOutcome, now: number): void {
    this.db
      .prepare(
        `UPDATE deployment_verifications SET outcome = ?, finished_at = ?
         WHERE deployment_id = ? AND phase = ? AND outcome IS NULL`,
      )
      .run(outcome, now, deploymentId, phase);
  }

  /** Ends whatever is still open (a cancel or a failure elsewhere). */
  finishOpen(deploymentId: number, outcome: LoopOutcome, now: number): void {
    this.db
      .prepare(
        'UPDATE deployment_verifications SET outcome = ?, finished_at = ? WHERE deployment_id = ? AND outcome IS NULL',
      )
      .run(outcome, now, deploymentId);
  }
}
