import type { AuditRow } from '../store/audit-repo.js';

const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());
const seconds = (from: number | null, to: number | null) =>
  from === null || to === null ? '' : String(Math.round((to - from) / 1000));

export const CSV_COLUMNS = [
  'id',
  'kind',
  'target',
  'ref',
  'sha',
  'outcome',
  'requested_by',
  'approved_by',
  'rejected_by',
  'forced',
  'forced_by',
  'actions',
  'rollback_of',
  'requested_at',
  'started_at',
  'finished_at',
  'wait_seconds',
  'duration_seconds',
  'failure_phase',
  'root_cause',
] as const;

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditRecord(
  r: AuditRow,
): Record<(typeof CSV_COLUMNS)[number], string | number | boolean | string[] | null> {
  return {
    id: r.id,
    kind: r.kind,
    target: r.target,
    ref: r.ref,
    sha: r.sha,
    outcome: r.outcome,
    requested_by: r.requestedBy,
    approved_by: r.approvedBy,
    rejected_by: r.rejectedBy,
    forced: r.forced,
    forced_by: r.forced ? r.requestedBy : null,
    actions: r.actions,
    rollback_of: r.rollbackOf,
    requested_at: iso(r.requestedAt),
    started_at: r.startedAt === null ? null : iso(r.startedAt),
    finished_at: r.finishedAt === null ? null : iso(r.finishedAt),
    wait_seconds: r.startedAt === null ? null : Number(seconds(r.requestedAt, r.startedAt)),
    duration_seconds: r.startedAt === null || r.finishedAt === null ? null : Number(seconds(r.startedAt, r.finishedAt)),
    failure_phase: r.failurePhase,
    root_cause: r.rootCause,
  };
}

export function toCsv(rows: AuditRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const rec = auditRecord(r);
    lines.push(
      CSV_COLUMNS.map((c) => {
        const v = rec[c];
        if (v === null) return '';
        return cell(Array.isArray(v) ? v.join(' ') : String(v));
      }).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(rows: AuditRow[]): string {
  return JSON.stringify(rows.map(auditRecord), null, 2);
}
