import type { CauseEvent } from '../domain/root-cause.js';
import type { Db } from './db.js';

export interface StoredEvent extends CauseEvent {
  deploymentId: number;
  stackName: string;
  physicalId: string | null;
  seenAt: number;
}

interface Row {
  event_id: string;
  deployment_id: number;
  stack_name: string;
  logical_id: string;
  physical_id: string | null;
  resource_type: string;
  status: string;
  reason: string | null;
  timestamp: number;
  seen_at: number;
}

function fromRow(r: Row): StoredEvent {
  return {
    eventId: r.event_id,
    deploymentId: r.deployment_id,
    stackName: r.stack_name,
    logicalId: r.logical_id,
    physicalId: r.physical_id,
    resourceType: r.resource_type,
    status: r.status,
    reason: r.reason,
    timestamp: r.timestamp,
    seenAt: r.seen_at,
  };
}

/** Stack events as they were read: the cause survives expired credentials and restarts. */
export class EventsRepo {
  constructor(private readonly db: Db) {}

  /** INSERT OR IGNORE: an event already stored is never stored (or reported) twice. Returns the newly stored ones. */
  insert(events: readonly Omit<StoredEvent, 'seenAt'>[], now: number): StoredEvent[] {
    const stmt = this.db.prepare(
      `INSERT OR IGNORE INTO stack_events
         (event_id, deployment_id, stack_name, logical_id, physical_id, resource_type, status, reason, timestamp, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const fresh: StoredEvent[] = [];
    this.db.transaction(() => {
      for (const e of events) {
        const changed = stmt.run(
          e.eventId,
          e.deploymentId,
          e.stackName,
          e.logicalId,
          e.physicalId,
          e.resourceType,
          e.status,
          e.reason,
          e.timestamp,
          now,
        ).changes;
        if (changed === 1) fresh.push({ ...e, seenAt: now });
      }
    })();
    return fresh;
  }

  forDeployment(deploymentId: number, stackName?: string): StoredEvent[] {
    const rows = (
      stackName
        ? this.db
            .prepare('SELECT * FROM stack_events WHERE deployment_id = ? AND stack_name = ? ORDER BY timestamp, rowid')
            .all(deploymentId, stackName)
        : this.db
            .prepare('SELECT * FROM stack_events WHERE deployment_id = ? ORDER BY timestamp, rowid')
            .all(deploymentId)
    ) as Row[];
    return rows.map(fromRow);
  }

  /** When the newest event of this deployment was read (drives adaptive polling and stall detection). */
  lastSeenAt(deploymentId: number): number | undefined {
    const r = this.db
      .prepare('SELECT MAX(seen_at) AS t FROM stack_events WHERE deployment_id = ?')
      .get(deploymentId) as {
      t: number | null;
    };
    return r.t ?? undefined;
  }
}
