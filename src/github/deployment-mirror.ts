import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { DeploymentState } from '../domain/deployment-state.js';
import { clipDescription, type GitHubStatusState, mirroredStatus } from '../domain/github-deployment-status.js';
import { findTarget } from '../domain/targets.js';
import type { Db } from '../store/db.js';
import type { Deployment } from '../store/deployment-row.js';
import { GitHubDeploymentsRepo } from '../store/github-deployments-repo.js';

export interface GitHubDeploymentMirrorDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
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
 * Mirrors every Coxswain deployment in GitHub's Deployments API. `onTransition` is called inside the transaction
 * of each state change (registered with observeTransitions) and only queues a row; GitHubStatusWorker sends them.
 * GitHub being down or refusing never touches the deployment itself.
 */
export class GitHubDeploymentMirror {
  private readonly repo: GitHubDeploymentsRepo;

  constructor(private readonly deps: GitHubDeploymentMirrorDeps) {
    this.repo = new GitHubDeploymentsRepo(deps.db);
  }

  readonly onTransition = (d: Deployment, _from: DeploymentState | null, to: DeploymentState): void => {
    try {
      this.mirror(d, to);
    } catch (err) {
      // Reporting to GitHub is never a reason to fail a state change.
      logError(this.deps.logger, err, { deploymentId: d.id, state: to }, 'GitHub status not queued', 'warn');
    }
  };

  private mirror(d: Deployment, to: DeploymentState): void {
    const found = findTarget(this.deps.config, d.service, d.environment);
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
