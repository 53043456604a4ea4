import type { Failure } from '../domain/deployment.js';
import type { Db } from './db.js';

/** One deployment as the audit trail shows it: who asked, who approved or forced, what ran, how it ended. */
export interface AuditRow {
  id: number;
  kind: string;
  target: string;
  ref: string;
  sha: string;
  outcome: string;
  requestedBy: string;
  approvedBy: string[];
  rejectedBy: string[];
  forced: boolean;
  /** Button decisions taken on it (retry, roll back, continue rollback…), "action by user". */
  actions: string[];
  rollbackOf: number | null;
  requestedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  failurePhase: string | null;
  rootCause: string | null;
}

export interface AuditFilter {
  /** Requested at or after (epoch ms). */
  since?: number;
  targetKey?: string;
}

interface Raw {
  id: number;
  kind: string;
  target_key: string;
  ref: string;
  sha: string;
  state: string;
  requested_by: string;
  forced: number;
  rollback_of: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  failure: string | null;
  approved: string | null;
  rejected: string | null;
  actions: string | null;
}

function rootCause(f: Failure | null): string | null {
  if (!f) return null;
  const where = [f.stackName, f.logicalId, f.resourceType && `(${f.resourceType})`, f.status].filter(Boolean).join(' ');
  return where ? `${where}: ${f.reason}` : f.reason;
}

/** Read-only export of every deployment with its human decisions (`coxswain history`). */
export class AuditRepo {
  constructor(private readonly db: Db) {}

  list(filter: AuditFilter = {}): AuditRow[] {
    const rows = this.db
      .prepare(
        `SELECT d.id, d.kind, d.target_key, d.ref, d.sha, d.state, d.requested_by, d.forced, d.rollback_of,
                d.created_at, d.started_at, d.finished_at, d.failure,
                (SELECT group_concat(a.user, ' ') FROM (SELECT user FROM approvals WHERE deployment_id = d.id AND decision = 'approve' ORDER BY at) a) AS approved,
                (SELECT group_concat(a.user, ' ') FROM (SELECT user FROM approvals WHERE deployment_id = d.id AND decision = 'reject' ORDER BY at) a) AS rejected,
                (SELECT group_concat(x.action || ' by ' || x.user, '; ') FROM (SELECT action, user FROM deployment_actions WHERE deployment_id = d.id ORDER BY at, id) x) AS actions
         FROM deployments d
         WHERE d.created_at >= @since AND (@target IS NULL OR d.target_key = @target)
         ORDER BY d.created_at, d.id`,
      )
      .all({ since: filter.since ?? 0, target: filter.targetKey ?? null }) as Raw[];
    return rows.map((r) => {
      const failure = r.failure ? (JSON.parse(r.failure) as Failure) : null;
      return {
        id: r.id,
        kind: r.kind,
        target: r.target_key,
        ref: r.ref,
        sha: r.sha,
        outcome: r.state,
        requestedBy: r.requested_by,
        approvedBy: r.approved ? r.approved.split(' ') : [],
        rejectedBy: r.rejected ? r.rejected.split(' ') : [],
        forced: r.forced === 1,
        actions: r.actions ? r.actions.split('; ') : [],
        rollbackOf: r.rollback_of,
        requestedAt: r.created_at,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        failurePhase: failure?.phase ?? null,
        rootCause: rootCause(failure),
      };
    });
  }
}
