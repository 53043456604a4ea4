import type { Deployment, Failure } from '../domain/deployment.js';
import type { DeploymentKind, DeploymentState } from '../domain/deployment-state.js';

export interface DeploymentRow {
  id: number;
  kind: DeploymentKind;
  service: string;
  environment: string;
  target_key: string;
  ref: string;
  sha: string;
  requested_by: string;
  state: DeploymentState;
  priority: number;
  token: string;
  channel: string;
  wait_reason: string | null;
  build_id: string | null;
  build_log_url: string | null;
  failure: string | null;
  summary: string | null;
  forced: number;
  rollback_of: number | null;
  worker_id: string | null;
  heartbeat_at: number | null;
  next_poll_at: number | null;
  stalled_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export function fromRow(r: DeploymentRow): Deployment {
  return {
    id: r.id,
    kind: r.kind,
    service: r.service,
    environment: r.environment,
    targetKey: r.target_key,
    ref: r.ref,
    sha: r.sha,
    requestedBy: r.requested_by,
    state: r.state,
    priority: r.priority,
    token: r.token,
    channel: r.channel,
    waitReason: r.wait_reason,
    buildId: r.build_id,
    buildLogUrl: r.build_log_url,
    failure: r.failure ? (JSON.parse(r.failure) as Failure) : null,
    summary: r.summary,
    forced: r.forced === 1,
    rollbackOf: r.rollback_of,
    workerId: r.worker_id,
    heartbeatAt: r.heartbeat_at,
    nextPollAt: r.next_poll_at,
    stalledAt: r.stalled_at,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    updatedAt: r.updated_at,
  };
}

/** Columns a transition may set besides the state; the names are fixed here, never user input. */
export interface DeploymentPatch {
  waitReason?: string | null;
  buildId?: string | null;
  buildLogUrl?: string | null;
  failure?: Failure | null;
  summary?: string | null;
  workerId?: string | null;
  heartbeatAt?: number | null;
  nextPollAt?: number | null;
  stalledAt?: number | null;
  startedAt?: number | null;
  finishedAt?: number | null;
}

const COLUMNS: Record<keyof DeploymentPatch, string> = {
  waitReason: 'wait_reason',
  buildId: 'build_id',
  buildLogUrl: 'build_log_url',
  failure: 'failure',
  summary: 'summary',
  workerId: 'worker_id',
  heartbeatAt: 'heartbeat_at',
  nextPollAt: 'next_poll_at',
  stalledAt: 'stalled_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
};

export function patchToSql(patch: DeploymentPatch): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [k, v] of Object.entries(patch) as [keyof DeploymentPatch, unknown][]) {
    if (v === undefined) continue;
    sets.push(`${COLUMNS[k]} = ?`);
    values.push(k === 'failure' && v !== null ? JSON.stringify(v) : v);
  }
  return { sets, values };
}
