import type { SlackMessage } from '../views/slack-message.js';
import type { Db } from './db.js';
import { type DeadLetter, DeadLetterRepo, type RequeueResult } from './dead-letter-repo.js';

/** An outbox entry as the delivery worker sees it, with what ordering and recovery need. */
export interface DueEntry {
  id: number;
  messageKey: string;
  op: 'post' | 'update';
  payload: SlackMessage;
  attempts: number;
  failures: number;
  needsLookup: boolean;
  createdAt: number;
  channel: string;
  threadKey: string | null;
  /** ts of this entry's message, once posted. */
  ts: string | null;
  /** ts of the thread parent, for replies. */
  parentTs: string | null;
}

interface DueRow {
  id: number;
  message_key: string;
  op: 'post' | 'update';
  payload: string;
  attempts: number;
  failures: number;
  needs_lookup: number;
  created_at: number;
  channel: string;
  thread_key: string | null;
  ts: string | null;
  parent_ts: string | null;
}

const PARENT_PREFIX = 'parent not delivered: ';

/**
 * Due and unblocked, oldest first. A reply waits for its parent's ts and for every earlier post of its thread;
 * an update waits for its message's ts and for every earlier write of that message.
 */
const DUE_SQL = `
SELECT o.id, o.message_key, o.op, o.payload, o.attempts, o.failures, o.needs_lookup, o.created_at,
       m.channel, m.thread_key, m.ts, p.ts AS parent_ts
  FROM outbox o
  JOIN slack_messages m ON m.key = o.message_key
  LEFT JOIN slack_messages p ON p.key = m.thread_key
 WHERE o.state = 'pending' AND o.next_attempt_at <= @now
   AND (o.op = 'update' OR m.thread_key IS NULL OR p.ts IS NOT NULL)
   AND (o.op = 'post' OR m.ts IS NOT NULL)
   AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.message_key = o.message_key AND e.id < o.id
                      AND e.state IN ('pending', 'sending'))
   AND (o.op = 'update' OR m.thread_key IS NULL OR NOT EXISTS (
         SELECT 1 FROM slack_messages s JOIN outbox e ON e.message_key = s.key
          WHERE s.thread_key = m.thread_key AND e.op = 'post' AND e.id < o.id AND e.state IN ('pending', 'sending')))
 ORDER BY o.id
 LIMIT @limit`;

/** Pending entries whose own post, or whose thread parent's post, is dead: they can never be delivered. */
const ORPHANS_SQL = `
SELECT o.id, d.id AS cause, d.dead_reason AS cause_reason
  FROM outbox o
  JOIN slack_messages m ON m.key = o.message_key
  JOIN outbox d ON d.op = 'post' AND d.state = 'dead'
              AND (d.message_key = o.message_key OR (o.op = 'post' AND d.message_key = m.thread_key))
 WHERE o.state = 'pending' AND d.id <> o.id`;

/** The read/claim/mark side of the Slack outbox. Every state change is a guarded UPDATE. */
export class OutboxDeliveryRepo {
  /** `dead`: the dead letter it moves entries to (store/repos.ts passes the shared one). */
  constructor(
    private readonly db: Db,
    private readonly dead: DeadLetterRepo = new DeadLetterRepo(db),
  ) {}

  due(now: number, limit = 500): DueEntry[] {
    return (this.db.prepare(DUE_SQL).all({ now, limit }) as DueRow[]).map((r) => ({
      id: r.id,
      messageKey: r.message_key,
      op: r.op,
      payload: JSON.parse(r.payload) as SlackMessage,
      attempts: r.attempts,
      failures: r.failures,
      needsLookup: r.needs_lookup === 1,
      createdAt: r.created_at,
      channel: r.channel,
      threadKey: r.thread_key,
      ts: r.ts,
      parentTs: r.parent_ts,
    }));
  }

  /** After a crash, entries left `sending` go back to pending; a post among them may exist in Slack: look first. */
  recoverInFlight(now: number): number {
    return this.db
      .prepare(
        `UPDATE outbox SET state = 'pending', sending_at = NULL, next_attempt_at = MIN(next_attempt_at, @now),
           needs_lookup = CASE WHEN op = 'post' THEN 1 ELSE needs_lookup END
         WHERE state = 'sending'`,
      )
      .run({ now }).changes;
  }

  /** Older pending updates of a message that has a newer update: only the newest content is worth sending. */
  supersedeUpdates(): number {
    return this.db
      .prepare(
        `UPDATE outbox SET state = 'sent', superseded_by = (
           SELECT MAX(n.id) FROM outbox n WHERE n.message_key = outbox.message_key AND n.op = 'update'
              AND n.state IN ('pending', 'sending', 'sent'))
         WHERE op = 'update' AND state = 'pending' AND EXISTS (
           SELECT 1 FROM outbox n WHERE n.message_key = outbox.message_key AND n.op = 'update' AND n.id > outbox.id
              AND n.state IN ('pending', 'sending', 'sent'))`,
      )
      .run().changes;
  }

  /** Claims an entry before calling Slack, committed on its own, so a crash afterwards is visible as `sending`. */
  markSending(id: number, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET state = 'sending', attempts = attempts + 1, sending_at = ? WHERE id = ? AND state = 'pending'`,
        )
        .run(now, id).changes === 1
    );
  }

  /** Delivered (or found already delivered): stores a post's ts on its message, once. */
  markSent(id: number, ts: string | null, now: number): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE outbox SET state = 'sent', sent_at = ?, sending_at = NULL, needs_lookup = 0
           WHERE id = ? AND state IN ('pending', 'sending')`,
        )
        .run(now, id).changes;
      if (changed === 1 && ts) {
        this.db
          .prepare(
            `UPDATE slack_messages SET ts = ? WHERE ts IS NULL AND key = (SELECT message_key FROM outbox WHERE id = ? AND op = 'post')`,
          )
          .run(ts, id);
      }
      return changed === 1;
    })();
  }

  /** Back to pending until `nextAttemptAt`. `failure` counts toward the backoff; `mayExist` forces a lookup first. */
  markRetry(id: number, r: { nextAttemptAt: number; error: string; failure: boolean; mayExist: boolean }): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET state = 'pending', sending_at = NULL, next_attempt_at = @next, last_error = @error,
             failures = failures + @failure, needs_lookup = MAX(needs_lookup, @mayExist)
           WHERE id = @id AND state IN ('pending', 'sending')`,
        )
        .run({ id, next: r.nextAttemptAt, error: r.error, failure: r.failure ? 1 : 0, mayExist: r.mayExist ? 1 : 0 })
        .changes === 1
    );
  }

  /** Dead-letters an entry and everything that waits on it. Returns every entry that died, the first one first. */
  markDead(id: number, reason: string, now: number): DeadLetter[] {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE outbox SET state = 'dead', dead_reason = ?, dead_at = ?, sending_at = NULL
           WHERE id = ? AND state IN ('pending', 'sending')`,
        )
        .run(reason, now, id).changes;
      if (changed === 0) return [];
      return [...this.deadByIds([id]), ...this.cascade(now)];
    })();
  }

  /** Pending entries past their maximum age go to the dead letter (with what last went wrong). */
  expire(now: number, maxAgeMs: number): DeadLetter[] {
    return this.db.transaction(() => {
      const old = this.db
        .prepare(`SELECT id, last_error FROM outbox WHERE state = 'pending' AND COALESCE(age_from, created_at) < ?`)
        .all(now - maxAgeMs) as { id: number; last_error: string | null }[];
      const dead: DeadLetter[] = [];
      for (const o of old) {
        const reason = `expired: not delivered within ${formatAge(maxAgeMs)}${o.last_error ? ` (last error: ${o.last_error})` : ''}`;
        dead.push(...this.markDead(o.id, reason, now));
      }
      return dead;
    })();
  }

  /** Kills what waits on a dead post (bounded: threads are at most parent → reply → its updates). */
  cascade(now: number): DeadLetter[] {
    return this.db.transaction(() => {
      const ids: number[] = [];
      const kill = this.db.prepare(
        `UPDATE outbox SET state = 'dead', dead_reason = ?, dead_cause = ?, dead_at = ? WHERE id = ? AND state = 'pending'`,
      );
      for (let round = 0; round < 5; round++) {
        const orphans = this.db.prepare(ORPHANS_SQL).all() as { id: number; cause: number; cause_reason: string }[];
        if (orphans.length === 0) break;
        for (const o of orphans) {
          const root = o.cause_reason.startsWith(PARENT_PREFIX) ? o.cause_reason : `${PARENT_PREFIX}${o.cause_reason}`;
          if (kill.run(root, o.cause, now, o.id).changes === 1) ids.push(o.id);
        }
      }
      return this.deadByIds(ids);
    })();
  }

  /** HTTP 429 holds still running: "method channel" → until. */
  activeHolds(now: number): Map<string, number> {
    this.db.prepare('DELETE FROM slack_rate_limits WHERE until_at <= ?').run(now);
    const rows = this.db.prepare('SELECT method, channel, until_at FROM slack_rate_limits').all() as {
      method: string;
      channel: string;
      until_at: number;
    }[];
    return new Map(rows.map((r) => [holdKey(r.method, r.channel), r.until_at]));
  }

  hold(method: string, channel: string, until: number): void {
    this.db
      .prepare(
        `INSERT INTO slack_rate_limits (method, channel, until_at) VALUES (?, ?, ?)
         ON CONFLICT (method, channel) DO UPDATE SET until_at = MAX(until_at, excluded.until_at)`,
      )
      .run(method, channel, until);
  }

  listDead(): DeadLetter[] {
    return this.dead.list();
  }

  requeue(id: number, now: number): RequeueResult {
    return this.dead.requeue(id, now);
  }

  requeueAll(now: number): number {
    return this.dead.requeueAll(now);
  }

  private deadByIds(ids: number[]): DeadLetter[] {
    return this.dead.byIds(ids);
  }
}

function formatAge(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

export function holdKey(method: string, channel: string): string {
  return `${method} ${channel}`;
}
