import type { Decision } from '../domain/approval-rules.js';
import type { CompareResult } from '../domain/compare.js';
import type { ChangeSetSummary } from '../domain/stateful-resources.js';
import type { Db } from './db.js';

export interface ApprovalContext {
  currentSha?: string | undefined;
  commits?: CompareResult | null | undefined;
  changes?: ChangeSetSummary | null | undefined;
}

export type ApprovalOutcome = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

export interface ApprovalRequest {
  deploymentId: number;
  sha: string;
  messageKey: string;
  /** What the request showed (commits, change set), kept to redraw the reply after a decision. */
  context: ApprovalContext;
  requestedAt: number;
  expiresAt: number;
  outcome: ApprovalOutcome;
  decidedBy: string | null;
  decidedAt: number | null;
}

interface RequestRow {
  deployment_id: number;
  sha: string;
  message_key: string;
  context: string;
  requested_at: number;
  expires_at: number;
  outcome: ApprovalOutcome;
  decided_by: string | null;
  decided_at: number | null;
}

function fromRow(r: RequestRow): ApprovalRequest {
  return {
    deploymentId: r.deployment_id,
    sha: r.sha,
    messageKey: r.message_key,
    context: JSON.parse(r.context) as ApprovalContext,
    requestedAt: r.requested_at,
    expiresAt: r.expires_at,
    outcome: r.outcome,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

/** Approval requests and the decisions people made on them. Callers wrap multi-step changes in a transaction. */
export class ApprovalsRepo {
  constructor(private readonly db: Db) {}

  /** Opens the request for a deployment; false when one already exists (a retried request opens nothing new). */
  open(r: Omit<ApprovalRequest, 'outcome' | 'decidedBy' | 'decidedAt'>): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO approval_requests (deployment_id, sha, message_key, context, requested_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(r.deploymentId, r.sha, r.messageKey, JSON.stringify(r.context), r.requestedAt, r.expiresAt).changes === 1
    );
  }

  /** Replaces what the request shows (e.g. the change set once it is known); only while it is pending. */
  setContext(deploymentId: number, context: ApprovalContext): boolean {
    return (
      this.db
        .prepare(`UPDATE approval_requests SET context = ? WHERE deployment_id = ? AND outcome = 'pending'`)
        .run(JSON.stringify(context), deploymentId).changes === 1
    );
  }

  get(deploymentId: number): ApprovalRequest | undefined {
    const row = this.db.prepare('SELECT * FROM approval_requests WHERE deployment_id = ?').get(deploymentId) as
      | RequestRow
      | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Records one person's decision; false when that person already decided on this deployment. */
  record(deploymentId: number, d: Decision): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO approvals (deployment_id, sha, user, decision, at) VALUES (?, ?, ?, ?, ?)')
        .run(deploymentId, d.sha, d.user, d.decision, d.at).changes === 1
    );
  }

  decisions(deploymentId: number): Decision[] {
    return this.db
      .prepare('SELECT user, decision, sha, at FROM approvals WHERE deployment_id = ? ORDER BY at, id')
      .all(deploymentId) as Decision[];
  }

  /** Settles a pending request. Guarded: false when another click or the expiry job settled it first. */
  close(deploymentId: number, outcome: Exclude<ApprovalOutcome, 'pending'>, by: string | null, at: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE approval_requests SET outcome = ?, decided_by = ?, decided_at = ?
           WHERE deployment_id = ? AND outcome = 'pending'`,
        )
        .run(outcome, by, at, deploymentId).changes === 1
    );
  }

  /** Pending requests whose time is up, oldest first. */
  due(now: number, limit = 100): ApprovalRequest[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM approval_requests WHERE outcome = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
        )
        .all(now, limit) as RequestRow[]
    ).map(fromRow);
  }
}
