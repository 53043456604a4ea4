import type { GitHubStatusState } from '../domain/github-deployment-status.js';
import type { Db } from './db.js';

export interface GitHubDeploymentRow {
  deploymentId: number;
  repo: string;
  environment: string;
  githubId: number | null;
  githubCreated: string | null;
  logUrl: string | null;
  runId: number | null;
  deadReason: string | null;
  payload: Record<string, unknown>;
}

export interface DueStatus {
  id: number;
  deploymentId: number;
  state: GitHubStatusState;
  description: string;
  failures: number;
  createdAt: number;
}

export interface PermissionProblem {
  repo: string;
  httpStatus: number;
  message: string;
  since: number;
  lastAt: number;
}

interface Raw {
  deployment_id: number;
  repo: string;
  environment: string;
  github_id: number | null;
  github_created: string | null;
  log_url: string | null;
  run_id: number | null;
  dead_reason: string | null;
  payload: string;
}

function fromRaw(r: Raw): GitHubDeploymentRow {
  return {
    deploymentId: r.deployment_id,
    repo: r.repo,
    environment: r.environment,
    githubId: r.github_id,
    githubCreated: r.github_created,
    logUrl: r.log_url,
    runId: r.run_id,
    deadReason: r.dead_reason,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
  };
}

/**
 * The GitHub Deployments mirror's store: one row per mirrored deployment and its status queue, sent in order per
 * deployment (a status waits for every earlier one). Writes are single guarded statements.
 */
export class GitHubDeploymentsRepo {
  constructor(private readonly db: Db) {}

  /** Records that this deployment is mirrored (idempotent). */
  ensure(deploymentId: number, repo: string, environment: string, payload: unknown, now: number): void {
    this.db
      .prepare(
        `INSERT INTO github_deployments (deployment_id, repo, environment, payload, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (deployment_id) DO NOTHING`,
      )
      .run(deploymentId, repo, environment, JSON.stringify(payload), now);
  }

  get(deploymentId: number): GitHubDeploymentRow | undefined {
    const r = this.db.prepare('SELECT * FROM github_deployments WHERE deployment_id = ?').get(deploymentId) as
      | Raw
      | undefined;
    return r ? fromRaw(r) : undefined;
  }

  /** Queues one status; a state already queued for the deployment is not queued twice. */
  enqueueStatus(deploymentId: number, state: GitHubStatusState, description: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO github_statuses (deployment_id, state, description, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (deployment_id, state) DO NOTHING`,
        )
        .run(deploymentId, state, description, now, now).changes === 1
    );
  }

  /** The oldest pending status of each deployment, if it is due. */
  due(now: number, limit = 50): DueStatus[] {
    return (
      this.db
        .prepare(
          `SELECT s.* FROM github_statuses s
           WHERE s.status = 'pending' AND s.next_attempt_at <= ?
             AND s.id = (SELECT MIN(p.id) FROM github_statuses p WHERE p.deployment_id = s.deployment_id
                         AND p.status = 'pending')
           ORDER BY s.id LIMIT ?`,
        )
        .all(now, limit) as {
        id: number;
        deployment_id: number;
        state: GitHubStatusState;
        description: string;
        failures: number;
        created_at: number;
      }[]
    ).map((r) => ({
      id: r.id,
      deploymentId: r.deployment_id,
      state: r.state,
      description: r.description,
      failures: r.failures,
      createdAt: r.created_at,
    }));
  }

  statuses(deploymentId: number): { state: GitHubStatusState; status: string; lastError: string | null }[] {
    return (
      this.db
        .prepare('SELECT state, status, last_error FROM github_statuses WHERE deployment_id = ? ORDER BY id')
        .all(deploymentId) as { state: GitHubStatusState; status: string; last_error: string | null }[]
    ).map((r) => ({ state: r.state, status: r.status, lastError: r.last_error }));
  }

  markCreated(deploymentId: number, githubId: number, githubCreated: string): void {
    this.db
      .prepare(
        'UPDATE github_deployments SET github_id = ?, github_created = ? WHERE deployment_id = ? AND github_id IS NULL',
      )
      .run(githubId, githubCreated, deploymentId);
  }

  markDeploymentDead(deploymentId: number, reason: string): void {
    this.db
      .prepare('UPDATE github_deployments SET dead_reason = ? WHERE deployment_id = ? AND github_id IS NULL')
      .run(reason, deploymentId);
  }

  setLogUrl(deploymentId: number, url: string): void {
    this.db.prepare('UPDATE github_deployments SET log_url = ? WHERE deployment_id = ?').run(url, deploymentId);
  }

  markSent(id: number, now: number): void {
    this.db
      .prepare(
        `UPDATE github_statuses SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'`,
      )
      .run(now, id);
  }

  markRetry(id: number, nextAttemptAt: number, error: string): void {
    this.db
      .prepare(
        `UPDATE github_statuses SET failures = failures + 1, next_attempt_at = ?, last_error = ?
         WHERE id = ? AND status = 'pending'`,
      )
      .run(nextAttemptAt, error, id);
  }

  markDead(id: number, reason: string): void {
    this.db
      .prepare(`UPDATE github_statuses SET status = 'dead', last_error = ? WHERE id = ? AND status = 'pending'`)
      .run(reason, id);
  }

  /** Claims an Actions run for a deployment; false when another deployment owns it (run_id is UNIQUE). */
  claimRun(deploymentId: number, runId: number): boolean {
    const owner = this.db.prepare('SELECT deployment_id FROM github_deployments WHERE run_id = ?').get(runId) as
      | { deployment_id: number }
      | undefined;
    if (owner) return owner.deployment_id === deploymentId;
    return (
      this.db
        .prepare('UPDATE github_deployments SET run_id = ? WHERE deployment_id = ? AND run_id IS NULL')
        .run(runId, deploymentId).changes === 1
    );
  }

  /** Runs of this repo already claimed by a deployment. */
  claimedRuns(repo: string): Set<number> {
    const rows = this.db
      .prepare('SELECT run_id FROM github_deployments WHERE repo = ? AND run_id IS NOT NULL')
      .all(repo) as { run_id: number }[];
    return new Set(rows.map((r) => r.run_id));
  }

  /** Other deployments of the same repo and SHA still looking for their run (building, no run claimed yet). */
  othersAwaitingRun(
    deploymentId: number,
    repo: string,
    sha: string,
  ): { id: number; service: string; environment: string }[] {
    return this.db
      .prepare(
        `SELECT d.id, d.service, d.environment FROM github_deployments g JOIN deployments d ON d.id = g.deployment_id
         WHERE g.repo = ? AND d.sha = ? AND g.deployment_id != ? AND g.run_id IS NULL AND d.state = 'building'`,
      )
      .all(repo, sha, deploymentId) as { id: number; service: string; environment: string }[];
  }

  setRunProgress(deploymentId: number, progress: unknown): void {
    this.db
      .prepare('UPDATE github_deployments SET run_progress = ? WHERE deployment_id = ?')
      .run(JSON.stringify(progress), deploymentId);
  }

  runProgress<T>(deploymentId: number): T | undefined {
    const r = this.db
      .prepare('SELECT run_progress FROM github_deployments WHERE deployment_id = ?')
      .get(deploymentId) as { run_progress: string | null } | undefined;
    return r?.run_progress ? (JSON.parse(r.run_progress) as T) : undefined;
  }

  /** Remembers a refused token for a repo; true only the first time (so it is logged once). */
  flagPermission(repo: string, httpStatus: number, message: string, now: number): boolean {
    const inserted =
      this.db
        .prepare(
          `INSERT INTO github_permission_problems (repo, http_status, message, first_at, last_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (repo) DO NOTHING`,
        )
        .run(repo, httpStatus, message, now, now).changes === 1;
    if (!inserted) {
      this.db
        .prepare('UPDATE github_permission_problems SET http_status = ?, message = ?, last_at = ? WHERE repo = ?')
        .run(httpStatus, message, now, repo);
    }
    return inserted;
  }

  /** GitHub accepted a write for this repo again: the flag goes; true when there was one. */
  clearPermission(repo: string): boolean {
    return this.db.prepare('DELETE FROM github_permission_problems WHERE repo = ?').run(repo).changes === 1;
  }
}

/**
 * For the doctor (issue 12) and /deploy-status: repos whose GitHub token was refused (401/403/404) when mirroring
 * deployments, oldest first. Empty when every repo's last write went through.
 */
export function githubPermissionProblems(db: Db): PermissionProblem[] {
  return (
    db.prepare('SELECT * FROM github_permission_problems ORDER BY first_at, repo').all() as {
      repo: string;
      http_status: number;
      message: string;
      first_at: number;
      last_at: number;
    }[]
  ).map((r) => ({ repo: r.repo, httpStatus: r.http_status, message: r.message, since: r.first_at, lastAt: r.last_at }));
}
