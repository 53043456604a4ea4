import type { SlackMessage } from '../views/slack-message.js';
import type { Db } from './db.js';

export interface OutboxEntry {
  id: number;
  messageKey: string;
  op: 'post' | 'update';
  payload: SlackMessage;
  state: 'pending' | 'sending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  channel: string;
  threadKey: string | null;
  ts: string | null;
  deploymentId: number | null;
}

interface OutboxJoinRow {
  id: number;
  message_key: string;
  op: 'post' | 'update';
  payload: string;
  state: OutboxEntry['state'];
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  channel: string;
  thread_key: string | null;
  ts: string | null;
  deployment_id: number | null;
}

export function fromOutboxRow(r: OutboxJoinRow): OutboxEntry {
  return {
    id: r.id,
    messageKey: r.message_key,
    op: r.op,
    payload: JSON.parse(r.payload) as SlackMessage,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    channel: r.channel,
    threadKey: r.thread_key,
    ts: r.ts,
    deploymentId: r.deployment_id,
  };
}

export const OUTBOX_SELECT = `SELECT o.*, m.channel, m.thread_key, m.ts, m.deployment_id
  FROM outbox o JOIN slack_messages m ON m.key = o.message_key`;

export interface PostInput {
  /** Stable logical key, e.g. "d17:parent"; a second post with the same key is ignored. */
  key: string;
  channel: string;
  /** Key of the parent message when this is a thread reply. */
  threadKey?: string;
  deploymentId?: number;
  message: SlackMessage;
}

/**
 * The write side of the Slack outbox. Call it inside the transaction of the state change it reports,
 * so a message exists if and only if the change happened.
 */
export class OutboxRepo {
  // Read on every /deploy-status and many thread writes: prepared once.
  private readonly hasStmt;
  private readonly deadStmt;
  private readonly latestStmt;
  private readonly postedStmt;

  constructor(private readonly db: Db) {
    this.hasStmt = db.prepare('SELECT 1 FROM slack_messages WHERE key = ?');
    this.deadStmt = db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'dead'`);
    this.latestStmt = db.prepare('SELECT payload FROM outbox WHERE message_key = ? ORDER BY id DESC LIMIT 1');
    this.postedStmt = db.prepare('SELECT channel, ts FROM slack_messages WHERE key = ? AND ts IS NOT NULL');
  }

  /** Queues a new message. Returns false when a message with that key already exists (never posted twice). */
  post(input: PostInput, now: number): boolean {
    return this.db.transaction(() => {
      const inserted = this.db
        .prepare(
          'INSERT OR IGNORE INTO slack_messages (key, deployment_id, channel, thread_key, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(input.key, input.deploymentId ?? null, input.channel, input.threadKey ?? null, now).changes;
      if (inserted === 0) return false;
      this.db
        .prepare(
          `INSERT INTO outbox (message_key, op, payload, next_attempt_at, created_at) VALUES (?, 'post', ?, ?, ?)`,
        )
        .run(input.key, JSON.stringify(input.message), now, now);
      return true;
    })();
  }

  /**
   * Replaces the content of an existing message. Coalesces: while the post or an earlier update is still
   * waiting, its payload is replaced instead of queueing another write, so only the newest content is sent.
   */
  update(key: string, message: SlackMessage, now: number): boolean {
    return this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM slack_messages WHERE key = ?').get(key);
      if (!exists) return false;
      const payload = JSON.stringify(message);
      const waiting = this.db
        // A post that was already attempted may have reached Slack: its content is settled, so update after it.
        .prepare(
          `SELECT id FROM outbox WHERE message_key = ? AND state = 'pending' AND (op = 'update' OR attempts = 0)
           AND id = (SELECT MAX(id) FROM outbox WHERE message_key = ?)`,
        )
        .get(key, key) as { id: number } | undefined;
      if (waiting) {
        this.db.prepare('UPDATE outbox SET payload = ? WHERE id = ?').run(payload, waiting.id);
      } else {
        this.db
          .prepare(
            `INSERT INTO outbox (message_key, op, payload, next_attempt_at, created_at) VALUES (?, 'update', ?, ?, ?)`,
          )
          .run(key, payload, now, now);
      }
      return true;
    })();
  }

  /** Posts the message if it is new, otherwise updates it in place. */
  upsert(input: PostInput, now: number): void {
    if (!this.post(input, now)) this.update(input.key, input.message, now);
  }

  /** The newest content queued for a message (what Slack shows once the outbox has sent it). */
  latest(key: string): SlackMessage | undefined {
    const r = this.db.prepare('SELECT payload FROM outbox WHERE message_key = ? ORDER BY id DESC LIMIT 1').get(key) as
      | { payload: string }
      | undefined;
    return r ? (JSON.parse(r.payload) as SlackMessage) : undefined;
  }

  /** The newest payload queued for a message, as stored (the progress reply compares it after a restart). */
  latestPayload(key: string): string | undefined {
    const r = this.latestStmt.get(key) as { payload: string } | undefined;
    return r?.payload;
  }

  /** Where Slack put a posted message (channel and ts), or undefined while it is not posted yet. */
  postedAt(key: string): { channel: string; ts: string } | undefined {
    return this.postedStmt.get(key) as { channel: string; ts: string } | undefined;
  }

  has(key: string): boolean {
    return this.hasStmt.get(key) !== undefined;
  }

  /** Messages not delivered yet (pending or being sent): what a shutdown waits for. */
  undeliveredCount(): number {
    return (
      this.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'sending')`).get() as { n: number }
    ).n;
  }

  deadCount(): number {
    return (this.deadStmt.get() as { n: number }).n;
  }
}
