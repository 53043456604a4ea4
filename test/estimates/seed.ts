import type { Phase, ResourceAction } from '../../src/domain/estimates.js';
import type { Db } from '../../src/store/db.js';

const SEC = 1000;
let seq = 0;

export interface SeedResource {
  logicalId: string;
  type: string;
  action?: ResourceAction;
  /** Seconds after the stack update started. */
  startS?: number;
  durationS: number;
}

export interface SeedDeployment {
  targetKey: string;
  state?: 'succeeded' | 'failed' | 'queued' | 'pending_approval' | 'building' | 'deploying';
  at: number;
  priority?: number;
  /** Durations in seconds of finished phases, run back to back from `at`. */
  phases?: Partial<Record<Phase, number>>;
  /** A phase still running, started right after the finished ones (or at `openAt`). */
  open?: Phase;
  openAt?: number;
  /** Resources of the (finished) stack update, each with an IN_PROGRESS and a COMPLETE event. */
  resources?: SeedResource[];
}

/** Inserts a deployment with its phases and stack events, the way the runner records them. Returns its id. */
export function addDeployment(db: Db, d: SeedDeployment): number {
  const state = d.state ?? 'succeeded';
  const [service, environment] = d.targetKey.split('/') as [string, string];
  const waiting = state === 'queued' || state === 'pending_approval';
  const terminal = state === 'succeeded' || state === 'failed';
  const total = Object.values(d.phases ?? {}).reduce((a, b) => a + b, 0) * SEC;
  const id = Number(
    db
      .prepare(
        `INSERT INTO deployments (kind, service, environment, target_key, ref, sha, requested_by, state, priority, token,
           channel, created_at, started_at, finished_at, updated_at)
         VALUES ('deploy', ?, ?, ?, 'main', 'abc1234def', 'U01', ?, ?, ?, 'C0DEPLOYS', ?, ?, ?, ?)`,
      )
      .run(
        service,
        environment,
        d.targetKey,
        state,
        d.priority ?? 0,
        `coxswain-test-${++seq}`,
        d.at,
        waiting ? null : d.at,
        terminal ? d.at + total : null,
        d.at,
      ).lastInsertRowid,
  );
  const outcome = state === 'failed' ? 'failed' : 'succeeded';
  let t = d.at;
  for (const phase of ['build', 'changeset', 'stack_update'] as const) {
    const s = d.phases?.[phase];
    if (s === undefined) continue;
    addPhase(db, id, d.targetKey, phase, t, t + s * SEC, outcome);
    if (phase === 'stack_update') {
      for (const r of d.resources ?? []) {
        const verb = (r.action ?? 'update').toUpperCase();
        const start = t + (r.startS ?? 0) * SEC;
        addEvent(db, id, { logicalId: r.logicalId, type: r.type, status: `${verb}_IN_PROGRESS`, at: start });
        addEvent(db, id, {
          logicalId: r.logicalId,
          type: r.type,
          status: `${verb}_COMPLETE`,
          at: start + r.durationS * SEC,
        });
      }
    }
    t += s * SEC;
  }
  if (d.open) addPhase(db, id, d.targetKey, d.open, d.openAt ?? t, null, null);
  return id;
}

export function addPhase(
  db: Db,
  deploymentId: number,
  targetKey: string,
  phase: Phase,
  startedAt: number,
  endedAt: number | null,
  outcome: string | null,
): void {
  db.prepare(
    'INSERT INTO deployment_phases (deployment_id, target_key, phase, started_at, ended_at, outcome) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(deploymentId, targetKey, phase, startedAt, endedAt, outcome);
}

export function addEvent(
  db: Db,
  deploymentId: number,
  e: { logicalId: string; type: string; status: string; at: number; stackName?: string },
): void {
  db.prepare(
    `INSERT INTO stack_events (event_id, deployment_id, stack_name, logical_id, resource_type, status, timestamp, seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(`ev-${++seq}`, deploymentId, e.stackName ?? 'app-stack', e.logicalId, e.type, e.status, e.at, e.at);
}
