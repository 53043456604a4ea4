import { ACTIVE_STATES, sqlList, WAITING_STATES } from '../domain/deployment-state.js';
import type { Db } from './db.js';

export interface WaitingRow {
  target: string;
  state: string;
  n: number;
  oldest: number;
}

export interface OutboxSummary {
  depth: number;
  oldest: number | null;
  dead: number;
}

/** The aggregate reads behind /metrics' scrape-time gauges (statements prepared once, read per scrape). */
export class GaugesRepo {
  private readonly waitingStmt;
  private readonly activeStmt;
  private readonly outboxStmt;

  constructor(db: Db) {
    this.waitingStmt = db.prepare(
      `SELECT target_key AS target, state, COUNT(*) AS n, MIN(created_at) AS oldest FROM deployments
       WHERE state IN (${sqlList(WAITING_STATES)}) GROUP BY target_key, state`,
    );
    this.activeStmt = db.prepare(
      `SELECT target_key AS target, COUNT(*) AS n FROM deployments WHERE state IN (${sqlList(ACTIVE_STATES)}) GROUP BY target_key`,
    );
    this.outboxStmt = db.prepare(
      `SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'sending')) AS depth,
              MIN(created_at) FILTER (WHERE state IN ('pending', 'sending')) AS oldest,
              COUNT(*) FILTER (WHERE state = 'dead') AS dead
       FROM outbox`,
    );
  }

  /** Waiting deployments per target and state, with the oldest one's creation time. */
  waiting(): WaitingRow[] {
    return this.waitingStmt.all() as WaitingRow[];
  }

  /** Building, deploying or cancelling deployments per target. */
  active(): { target: string; n: number }[] {
    return this.activeStmt.all() as { target: string; n: number }[];
  }

  outbox(): OutboxSummary {
    return this.outboxStmt.get() as OutboxSummary;
  }
}
