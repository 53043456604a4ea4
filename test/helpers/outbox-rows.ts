import type { Db } from '../../src/store/db.js';
import type { SlackMessage } from '../../src/views/slack-message.js';

/**
 * The tests' reader of what the app queued for Slack: outbox entries joined with their logical message, oldest
 * first. Read-only SQL over the real schema (001-core), so tests check the blocks' content the outbox will deliver.
 */
export interface OutboxEntry {
  key: string;
  op: 'post' | 'update';
  channel: string;
  threadKey: string | null;
  deploymentId: number | null;
  state: 'pending' | 'sending' | 'sent' | 'dead';
  /** The JSON the outbox will send, as stored. */
  payload: string;
  message: SlackMessage;
}

export interface OutboxFilter {
  key?: string;
  threadKey?: string;
  deploymentId?: number;
}

export function outboxEntries(db: Db, where: OutboxFilter = {}): OutboxEntry[] {
  const clauses: string[] = [];
  const args: (string | number)[] = [];
  if (where.key !== undefined) {
    clauses.push('o.message_key = ?');
    args.push(where.key);
  }
  if (where.threadKey !== undefined) {
    clauses.push('m.thread_key = ?');
    args.push(where.threadKey);
  }
  if (where.deploymentId !== undefined) {
    clauses.push('m.deployment_id = ?');
    args.push(where.deploymentId);
  }
  const rows = db
    .prepare(
      `SELECT o.message_key AS key, o.op, m.channel, m.thread_key AS threadKey, m.deployment_id AS deploymentId,
              o.state, o.payload
       FROM outbox o JOIN slack_messages m ON m.key = o.message_key
       ${clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY o.id`,
    )
    .all(...args) as Omit<OutboxEntry, 'message'>[];
  return rows.map((r) => ({ ...r, message: JSON.parse(r.payload) as SlackMessage }));
}

/** The newest payload queued for one message key. */
export function lastPayload(db: Db, key: string): { op: string; payload: SlackMessage } | undefined {
  const last = outboxEntries(db, { key }).at(-1);
  return last ? { op: last.op, payload: last.message } : undefined;
}

/** Every payload posted into a thread, as one string for substring checks. */
export function threadPayloads(db: Db, parentKey: string): string {
  return outboxEntries(db, { threadKey: parentKey })
    .map((e) => e.payload)
    .join();
}

/** Entries not yet delivered (or given up on). */
export function undelivered(db: Db): number {
  return outboxEntries(db).filter((e) => e.state === 'pending' || e.state === 'sending').length;
}
