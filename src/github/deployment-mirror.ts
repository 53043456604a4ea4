import type { Clock } from '../app/clock.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { TargetOf } from '../deploys/target-of.js';
import type { Deployment } from '../domain/deployment.js';
import type { DeploymentState } from '../domain/deployment-state.js';
import { clipDescription, type GitHubStatusState, mirroredStatus } from '../domain/github-deployment-status.js';
import type { Db } from '../store/db.js';
import type { GitHubDeploymentsRepo } from '../store/github-deployments-repo.js';

export interface GitHubDeploymentMirrorDeps {
  db: Db;
  targetOf: TargetOf;
  clock: Clock;
  logger: Logger;
  githubDeployments: GitHubDeploymentsRepo;
}

const short = (sha: string) => sha.slice(0, 7);

function describe(d: Deployment, state: GitHubStatusState): string {
  const what = d.kind === 'rollback' ? `rollback to ${short(d.sha)}` : short(d.sha);
  switch (state) {
    case 'queued':
      return `Coxswain #${d.id}: ${what} queued (requested by ${d.requestedBy})`;
    case 'in_progress':
      if (d.state === 'baking') return `Coxswain #${d.id}: ${what} deployed, watching its alarms`;
      if (d.state === 'verifying') return `Coxswain #${d.id}: ${what} deployed, verifying it serves`;
      return `Coxswain #${d.id}: deploying ${what}`;
    case 'success':
      return `Coxswain #${d.id}: ${d.summary === 'no changes' ? `no changes, ${what} is live` : `${what} deployed`}`;
    case 'inactive':
      return `Coxswain #${d.id}: ${d.state}${d.summary ? ` (${d.summary})` : ''}`;
    default:
      return `Coxswain #${d.id}: ${d.summary ?? 'failed'}`;
  }
}

/**
 * Mirrors every Coxswain deployment in GitHub's Deployments API. `record` is one of the lifecycle's effects
 * (deploys/lifecycle.ts): called inside the transaction of each state change and of a new deployment, it only
 * queues a row; GitHubStatusWorker sends them. GitHub being down or refusing never touches the deployment itself.
 */
export class GitHubDeploymentMirror {
  private readonly repo: GitHubDeploymentsRepo;

  constructor(private readonly deps: GitHubDeploymentMirrorDeps) {
    this.repo = deps.githubDeployments;
  }

  /** `d` has just entered `to` (a new deployment: its first state), in the caller's transaction. */
  record(d: Deployment, to: DeploymentState): void {
    try {
      // A savepoint: a half-queued status is undone with the error, the state change itself stays.
      this.deps.db.transaction(() => this.mirror(d, to))();
    } catch (err) {
      // Reporting to GitHub is never a reason to fail a state change.
      logError(this.deps.logger, err, { deploymentId: d.id, state: to }, 'GitHub status not queued', 'warn');
    }
  }

  private mirror(d: Deployment, to: DeploymentState): void {
    // A target that left the config (target-of.ts) is history: nothing more is mirrored for it.
    const found = this.deps.targetOf(d);
    if (!found.ok || !found.target.githubDeployments) return;
    const t = found.target;
    const m = mirroredStatus({ state: to, workflowBuild: !!t.build?.workflow, failurePhase: d.failure?.phase });
    if (!m) return;
    const now = this.deps.clock.now();
    if (m.creates) {
      const payload = {
        coxswain: {
          deploymentId: d.id,
          kind: d.kind,
          requestedBy: d.requestedBy,
          ref: d.ref,
          // Workflow builds: false when Coxswain reuses an earlier build (a rollback), so the workflow can skip it.
          ...(t.build?.workflow ? { build: to === 'building' } : {}),
        },
      };
      this.repo.ensure(d.id, `${t.repo.owner}/${t.repo.name}`, d.environment, payload, now);
    } else if (!this.repo.get(d.id)) {
      return;
    }
    this.repo.enqueueStatus(d.id, m.state, clipDescription(describe(d, m.state)), now);
  }
}
