import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { Deployment } from '../domain/deployment.js';
import type { BlindnessRepo } from '../store/blindness-repo.js';
import type { Db } from '../store/db.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import { deploymentParent } from '../views/deployment-parent.js';
import type { SlackMessage } from '../views/slack-message.js';
import type { TargetOf } from './target-of.js';

/**
 * A thread parent's ETA for a deployment (ProgressHook.parentEtaMs): to start while queued, to finish while running,
 * undefined otherwise.
 */
export type ParentEta = (d: Deployment) => number | undefined;

export interface ThreadParentDeps {
  db: Db;
  targetOf: TargetOf;
  deployments: DeploymentsRepo;
  blindness: BlindnessRepo;
  githubWeb: string;
  etaMs?: ParentEta | undefined;
  logger?: Logger;
}

/**
 * The one way to draw a deployment's thread parent: the target's repo, the queue position and the ETA all follow
 * from the deployment's current state, so every redraw (state change, queue move, approval) shows the same facts.
 */
export class ThreadParent {
  private readonly repo: DeploymentsRepo;

  constructor(private readonly deps: ThreadParentDeps) {
    this.repo = deps.deployments;
  }

  render(d: Deployment, now: number): SlackMessage {
    // A removed target (target-of.ts): the parent is still drawn from what the row knows.
    const found = this.deps.targetOf(d);
    const repo = found.ok ? found.target.repo : { owner: 'unknown', name: d.service };
    const position = d.state === 'queued' ? this.repo.position(d) : undefined;
    const etaMs = this.eta(d);
    const pausedSince = this.deps.blindness.pausedSince(d.id);
    return deploymentParent({
      deployment: d,
      repo,
      githubWeb: this.deps.githubWeb,
      now,
      ...(position !== undefined ? { position } : {}),
      ...(etaMs !== undefined ? { etaMs } : {}),
      ...(pausedSince !== undefined ? { monitoringPausedSince: pausedSince } : {}),
    });
  }

  // An estimate is decoration: a failing one must never roll back the state change whose transaction draws it.
  private eta(d: Deployment): number | undefined {
    if (!this.deps.etaMs) return undefined;
    try {
      return this.deps.etaMs(d);
    } catch (err) {
      if (this.deps.logger) logError(this.deps.logger, err, { deploymentId: d.id }, 'parent ETA unavailable', 'warn');
      return undefined;
    }
  }
}
