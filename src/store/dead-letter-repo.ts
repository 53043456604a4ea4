/**
 * The outbox's dead letter: what could not be delivered, read for the delivery worker's logs and the
 * `coxswain outbox` CLI, and put back in the queue (with what died because of it) once the cause is fixed.
 */
import type { SlackMessage } from '../views/slack-message.js';
import type { Db } from './db.js';

/** A dead outbox entry, with why it died and (for a cascade) the entry it died because of. */
export interface DeadLetter {
  id: number;
  messageKey: string;
  op: 'post' | 'update';
  channel: string;
  deploymentId: number | null;
  attempts: number;
  reason: string;
  cause: number | null;
  createdAt: number;
  deadAt: number | null;
  text: string;
}

export type RequeueResult = { ok: true; ids: number[] } | { ok: false; message: string };

export class DeadLetterRepo {
  constructor(private readonly db: Db) {}

  list(): DeadLetter[] {
    return this.deadWhere(`o.state = 'dead'`, []);
  }

  /**
   * Puts a dead entry back in the queue with a fresh age, together with everything that died because of it.
   * Refused when it died because of another entry that is still dead: requeue that one instead.
   */
  requeue(id: number, now: number): RequeueResult {
    return this.db.transaction((): RequeueResult => {
      const row = this.db.prepare('SELECT state, dead_cause FROM outbox WHERE id = ?').get(id) as
        | { state: string; dead_cause: number | null }
        | undefined;
      if (!row) return { ok: false, message: `No outbox entry #${id}.` };
      if (row.state !== 'dead') return { ok: false, message: `Entry #${id} is ${row.state}, not dead.` };
      const cause = row.dead_cause
        ? (this.db.prepare('SELECT state FROM outbox WHERE id = ?').get(row.dead_cause) as
            | { state: string }
            | undefined)
        : undefined;
      if (cause?.state === 'dead') {
        return {
          ok: false,
          message: `Entry #${id} waits for #${row.dead_cause}, which is dead: requeue #${row.dead_cause} (that requeues #${id} too).`,
        };
      }
      const ids: number[] = [];
      let frontier = [id];
      for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
        ids.push(...frontier);
        const marks = frontier.map(() => '?').join(',');
        frontier = (
          this.db
            .prepare(`SELECT id FROM outbox WHERE state = 'dead' AND dead_cause IN (${marks})`)
            .all(...frontier) as { id: number }[]
        ).map((r) => r.id);
      }
      const revive = this.db.prepare(
        `UPDATE outbox SET state = 'pending', next_attempt_at = ?, age_from = ?, failures = 0, dead_reason = NULL,
           dead_at = NULL, dead_cause = NULL WHERE id = ? AND state = 'dead'`,
      );
      for (const i of ids) revive.run(now, now, i);
      return { ok: true, ids };
    })();
  }

  requeueAll(now: number): number {
    return this.db
      .prepare(
        `UPDATE outbox SET state = 'pending', next_attempt_at = ?, age_from = ?, failures = 0, dead_reason = NULL,
           dead_at = NULL, dead_cause = NULL WHERE state = 'dead'`,
      )
      .run(now, now).changes;
  }

  byIds(ids: number[]): DeadLetter[] {
    if (ids.length === 0) return [];
    return this.deadWhere(`o.id IN (${ids.map(() => '?').join(',')})`, ids);
  }

  private deadWhere(where: string, params: number[]): DeadLetter[] {
    const rows = this.db
      .prepare(
        `SELECT o.id, o.message_key, o.op, o.payload, o.attempts, o.dead_reason, o.dead_cause, o.created_at, o.dead_at,
                m.channel, m.deployment_id
           FROM outbox o JOIN slack_messages m ON m.key = o.message_key WHERE ${where} ORDER BY o.id`,
      )
      .all(...params) as {
      id: number;
      message_key: string;
      op: 'post' | 'update';
      payload: string;
      attempts: number;
      dead_reason: string | null;
      dead_cause: number | null;
      created_at: number;
      dead_at: number | null;
      channel: string;
      deployment_id: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      messageKey: r.message_key,
      op: r.op,
      channel: r.channel,
      deploymentId: r.deployment_id,
      attempts: r.attempts,
      reason: r.dead_reason ?? 'unknown',
      cause: r.dead_cause,
      createdAt: r.created_at,
      deadAt: r.dead_at,
      text: (JSON.parse(r.payload) as SlackMessage).text,
    }));
  }
}
