import { randomBytes } from 'node:crypto';
import type { Deployment } from '../domain/deployment.js';
import {
  ACTIVE_STATES,
  assertTransition,
  type DeploymentState,
  sqlList,
  TERMINAL_STATES,
  WAITING_STATES,
} from '../domain/deployment-state.js';
import type { Db } from './db.js';
import { type DeploymentPatch, type DeploymentRow, fromRow, patchToSql } from './deployment-row.js';

/** The domain's fields a requester decides; NewDeployment adds the queue's options. */
type RequestedFields = 'kind' | 'service' | 'environment' | 'targetKey' | 'ref' | 'sha' | 'requestedBy' | 'channel';

export interface NewDeployment extends Pick<Deployment, RequestedFields> {
  state: 'queued' | 'pending_approval' | 'waiting_checks';
  priority?: number;
  forced?: boolean;
  rollbackOf?: number | null;
  /** Slack's trigger id (or another per-request key): a retried request returns the same deployment. */
  requestId?: string;
}

export type EnqueueResult =
  | { outcome: 'created'; deployment: Deployment }
  | { outcome: 'merged'; deployment: Deployment }
  | { outcome: 'duplicate_request'; deployment: Deployment };

const ACTIVE = sqlList(ACTIVE_STATES);
const TERMINAL = sqlList(TERMINAL_STATES);
const WAITING = sqlList(WAITING_STATES);
/** A locked target runs nothing, except a rollback under the rollback lock it set itself. */
const NOT_LOCKED = `NOT EXISTS (SELECT 1 FROM locks l WHERE l.target_key = d.target_key
  AND NOT (l.kind = 'rollback' AND d.kind = 'rollback'))`;

/** CloudFormation tokens: letter first, then letters, digits, dashes; unique across databases. */
function newToken(): string {
  return `coxswain-${randomBytes(6).toString('hex')}`;
}

export class DeploymentsRepo {
  // Hot statements, prepared once per repository (the worker and /deploy-status run them on every tick/request).
  private readonly byId;
  private readonly claimableStmt;
  private readonly busyStmt;
  private readonly headStmt;
  private readonly lockedStmt;
  private readonly queueStmt;
  private readonly activeForStmt;
  private readonly activeStmt;
  private readonly recentStmt;
  private readonly lastGoodStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM deployments WHERE id = ?');
    this.claimableStmt = db.prepare(
      `SELECT d.* FROM deployments d
       WHERE d.state = 'queued'
         AND NOT EXISTS (SELECT 1 FROM deployments a WHERE a.target_key = d.target_key AND a.state IN (${ACTIVE}))
         AND d.id = (SELECT q.id FROM deployments q WHERE q.target_key = d.target_key AND q.state = 'queued'
                     ORDER BY q.priority DESC, q.id LIMIT 1)
         AND ${NOT_LOCKED}
       ORDER BY d.priority DESC, d.id`,
    );
    this.busyStmt = db.prepare(`SELECT 1 FROM deployments WHERE target_key = ? AND state IN (${ACTIVE}) LIMIT 1`);
    this.headStmt = db.prepare(
      `SELECT id FROM deployments WHERE target_key = ? AND state = 'queued' ORDER BY priority DESC, id LIMIT 1`,
    );
    this.lockedStmt = db.prepare(`SELECT 1 FROM deployments d WHERE d.id = ? AND NOT (${NOT_LOCKED})`);
    this.queueStmt = db.prepare(
      `SELECT * FROM deployments WHERE target_key = ? AND state IN (${WAITING}) ORDER BY priority DESC, id`,
    );
    this.activeForStmt = db.prepare(`SELECT * FROM deployments WHERE target_key = ? AND state IN (${ACTIVE}) LIMIT 1`);
    this.activeStmt = db.prepare(`SELECT * FROM deployments WHERE state IN (${ACTIVE}) ORDER BY id`);
    this.recentStmt = db.prepare(
      `SELECT * FROM deployments WHERE target_key = ? AND state IN (${TERMINAL}) ORDER BY finished_at DESC, id DESC LIMIT ?`,
    );
    this.lastGoodStmt = db.prepare(
      `SELECT * FROM deployments WHERE target_key = ? AND state = 'succeeded' AND id < ? ORDER BY finished_at DESC, id DESC LIMIT 1`,
    );
  }

  get(id: number): Deployment | undefined {
    const row = this.byId.get(id) as DeploymentRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /**
   * Queues a deployment, merging it into a waiting one for the same target, kind and SHA.
   * Runs in one IMMEDIATE transaction so two concurrent requests cannot both create.
   */
  enqueue(input: NewDeployment, now: number): EnqueueResult {
    return this.db
      .transaction((): EnqueueResult => {
        if (input.requestId) {
          const seen = this.db
            .prepare('SELECT deployment_id FROM command_requests WHERE request_id = ?')
            .get(input.requestId) as { deployment_id: number } | undefined;
          const existing = seen ? this.get(seen.deployment_id) : undefined;
          if (existing) return { outcome: 'duplicate_request', deployment: existing };
        }
        const same = this.db
          .prepare(
            `SELECT * FROM deployments WHERE target_key = ? AND sha = ? AND kind = ? AND state IN (${WAITING})
             ORDER BY id LIMIT 1`,
          )
          .get(input.targetKey, input.sha, input.kind) as DeploymentRow | undefined;
        let result: EnqueueResult;
        if (same) {
          result = { outcome: 'merged', deployment: fromRow(same) };
        } else {
          const info = this.db
            .prepare(
              `INSERT INTO deployments (kind, service, environment, target_key, ref, sha, requested_by, state, priority,
                 token, channel, forced, rollback_of, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              input.kind,
              input.service,
              input.environment,
              input.targetKey,
              input.ref,
              input.sha,
              input.requestedBy,
              input.state,
              input.priority ?? 0,
              newToken(),
              input.channel,
              input.forced ? 1 : 0,
              input.rollbackOf ?? null,
              now,
              now,
            );
          result = { outcome: 'created', deployment: this.get(Number(info.lastInsertRowid))! };
        }
        if (input.requestId) {
          this.db
            .prepare('INSERT INTO command_requests (request_id, deployment_id, created_at) VALUES (?, ?, ?)')
            .run(input.requestId, result.deployment.id, now);
        }
        return result;
      })
      .immediate();
  }

  /**
   * Applies one state transition as a guarded UPDATE. Returns the updated deployment, or undefined when the
   * deployment was no longer in `from` (a lost race: the caller must not act on it).
   */
  transition(
    id: number,
    from: DeploymentState,
    to: DeploymentState,
    now: number,
    patch: DeploymentPatch = {},
  ): Deployment | undefined {
    assertTransition(from, to);
    const full: DeploymentPatch = { ...patch };
    if (TERMINAL_STATES.includes(to) && full.finishedAt === undefined) full.finishedAt = now;
    if (TERMINAL_STATES.includes(to)) full.workerId = null;
    const { sets, values } = patchToSql(full);
    const run = () =>
      this.db
        .prepare(
          `UPDATE deployments SET state = ?, updated_at = ?${sets.map((s) => `, ${s}`).join('')} WHERE id = ? AND state = ?`,
        )
        .run(to, now, ...values, id, from);
    // Metrics and the GitHub mirror of the change are the lifecycle's effects (deploys/lifecycle.ts), not the store's.
    return this.db.transaction(() => (run().changes === 1 ? this.get(id) : undefined)).immediate();
  }

  /** Updates columns without changing state, guarded on the state the caller believes it is in. */
  update(id: number, expected: DeploymentState, now: number, patch: DeploymentPatch): boolean {
    const { sets, values } = patchToSql(patch);
    if (sets.length === 0) return true;
    return (
      this.db
        .prepare(`UPDATE deployments SET updated_at = ?, ${sets.join(', ')} WHERE id = ? AND state = ?`)
        .run(now, ...values, id, expected).changes === 1
    );
  }

  /** The first waiting deployment of each free, unlocked target: candidates to start. */
  claimable(): Deployment[] {
    return (this.claimableStmt.all() as DeploymentRow[]).map(fromRow);
  }

  /**
   * Starts a queued deployment if it is still the head of its target's queue, the target is free and not locked
   * (a rollback may pass its own rollback lock). One IMMEDIATE transaction: this, not any in-memory flag, is what keeps one operation per target.
   */
  claim(id: number, to: 'building' | 'deploying', workerId: string, now: number): Deployment | undefined {
    return this.db
      .transaction((): Deployment | undefined => {
        const d = this.get(id);
        if (d?.state !== 'queued') return undefined;
        if (this.busyStmt.get(d.targetKey)) return undefined;
        const head = this.headStmt.get(d.targetKey) as { id: number };
        if (head.id !== id) return undefined;
        if (this.lockedStmt.get(id)) return undefined;
        return this.transition(id, 'queued', to, now, {
          workerId,
          heartbeatAt: now,
          startedAt: now,
          waitReason: null,
          nextPollAt: now,
        });
      })
      .immediate();
  }

  /** Every deployment in one state, oldest first (e.g. those waiting for commit checks). */
  inState(state: DeploymentState): Deployment[] {
    return (this.db.prepare('SELECT * FROM deployments WHERE state = ? ORDER BY id').all(state) as DeploymentRow[]).map(
      fromRow,
    );
  }

  active(): Deployment[] {
    return (this.activeStmt.all() as DeploymentRow[]).map(fromRow);
  }

  /** Waiting deployments of one target in the order they will run (position 1 first). */
  queueOf(targetKey: string): Deployment[] {
    return (this.queueStmt.all(targetKey) as DeploymentRow[]).map(fromRow);
  }

  activeFor(targetKey: string): Deployment | undefined {
    const row = this.activeForStmt.get(targetKey) as DeploymentRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** 1-based position among queued deployments of the target, counting the active one as ahead. */
  position(d: Deployment): number {
    const ahead = this.queueOf(d.targetKey).findIndex((q) => q.id === d.id);
    return Math.max(ahead, 0) + (this.activeFor(d.targetKey) ? 1 : 0) + 1;
  }

  recentFinished(targetKey: string, limit: number): Deployment[] {
    return (this.recentStmt.all(targetKey, limit) as DeploymentRow[]).map(fromRow);
  }

  lastSucceeded(targetKey: string, beforeId?: number): Deployment | undefined {
    const row = this.lastGoodStmt.get(targetKey, beforeId ?? Number.MAX_SAFE_INTEGER) as DeploymentRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Deployments whose heartbeat is older than `staleBefore`, or held by another (dead) worker. */
  resumable(workerId: string, staleBefore: number): Deployment[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM deployments WHERE state IN (${ACTIVE})
             AND (worker_id IS NULL OR (worker_id != ? AND (heartbeat_at IS NULL OR heartbeat_at < ?)))
           ORDER BY id`,
        )
        .all(workerId, staleBefore) as DeploymentRow[]
    ).map(fromRow);
  }

  /** Takes over a deployment whose worker went silent; guarded on the old worker and heartbeat. */
  adopt(d: Deployment, workerId: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE deployments SET worker_id = ?, heartbeat_at = ?, updated_at = ?
           WHERE id = ? AND state = ? AND worker_id IS ? AND heartbeat_at IS ?`,
        )
        .run(workerId, now, now, d.id, d.state, d.workerId, d.heartbeatAt).changes === 1
    );
  }

  heartbeat(ids: number[], workerId: string, now: number): void {
    const stmt = this.db.prepare('UPDATE deployments SET heartbeat_at = ? WHERE id = ? AND worker_id = ?');
    this.db.transaction(() => {
      for (const id of ids) stmt.run(now, id, workerId);
    })();
  }

  /** The first success of `sha` on a target (promotion's proof, promotion/promotion-gate.ts). */
  firstSucceeded(targetKey: string, sha: string): Deployment | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM deployments WHERE target_key = ? AND sha = ? AND state = 'succeeded' ORDER BY finished_at LIMIT 1`,
      )
      .get(targetKey, sha) as DeploymentRow | undefined;
    return row ? fromRow(row) : undefined;
  }
}
