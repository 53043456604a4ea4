/**
 * The read side behind the App Home tab: per target, what runs, what waits (positions, ETAs), the lock, the last
 * failure, and the approvals the viewing user may act on now, checked with the same rules as the thread's buttons.
 * Never writes; the Home view itself is pure (views/app-home.ts).
 */
import type { HomeView } from '@slack/types';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { approvalPolicy, checkApprove } from '../domain/approval-rules.js';
import type { Deployment } from '../domain/deployment.js';
import { allTargets, type Target } from '../domain/targets.js';
import type { LockService } from '../locks/lock-service.js';
import type { Repos } from '../store/repos.js';
import { appHome, type HomeTarget } from '../views/app-home.js';

export interface HomeDashboardDeps {
  repos: Pick<Repos, 'deployments' | 'approvals'>;
  config: Config;
  clock: Clock;
  githubWeb: string;
  locks: Pick<LockService, 'get'>;
  /** The estimator's ETA: to start while queued, to finish while running (ProgressHook.parentEtaMs). */
  etaMs?: (d: Deployment) => number | undefined;
}

export class HomeDashboard {
  constructor(private readonly deps: HomeDashboardDeps) {}

  private get deployments() {
    return this.deps.repos.deployments;
  }

  /** The Home tab as `userId` sees it now. */
  build(userId: string): HomeView {
    return appHome({
      userId,
      targets: allTargets(this.deps.config).map((t) => this.targetOf(t, userId)),
      githubWeb: this.deps.githubWeb,
      now: this.deps.clock.now(),
    });
  }

  private targetOf(t: Target, userId: string): HomeTarget {
    const eta = (d: Deployment) => this.deps.etaMs?.(d);
    const active = this.deployments.activeFor(t.key);
    const queue = this.deployments.queueOf(t.key);
    const offset = active ? 1 : 0;
    const last = this.deployments.recentFinished(t.key, 1)[0];
    const lock = this.deps.locks.get(t.key);
    const current = this.deployments.lastSucceeded(t.key);
    return {
      service: t.service,
      environment: t.environment,
      repo: t.repo,
      ...(current ? { current } : {}),
      ...(active ? { active: withEta({ deployment: active }, eta(active)) } : {}),
      queue: queue.map((d, i) => withEta({ deployment: d, position: i + 1 + offset }, eta(d))),
      ...(lock ? { lock: { by: lock.lockedBy, reason: lock.reason, since: lock.lockedAt, kind: lock.kind } } : {}),
      approvals: queue.filter((d) => this.canApprove(t, d, userId)),
      ...(last?.state === 'failed' ? { lastFailure: last } : {}),
    };
  }

  /** Whether `userId` could approve this deployment by clicking now (the click re-checks everything). */
  private canApprove(t: Target, d: Deployment, userId: string): boolean {
    if (d.state !== 'pending_approval') return false;
    const req = this.deps.repos.approvals.get(d.id);
    if (req?.outcome !== 'pending') return false;
    if (this.deps.repos.approvals.decisions(d.id).some((x) => x.user === userId)) return false;
    return checkApprove(approvalPolicy(t.env), { user: userId, requestedBy: d.requestedBy, deploymentSha: req.sha }).ok;
  }
}

function withEta<T extends object>(o: T, etaMs: number | undefined): T & { etaMs?: number } {
  return etaMs === undefined ? o : { ...o, etaMs };
}
