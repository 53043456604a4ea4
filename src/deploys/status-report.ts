/**
 * The read side behind /deploy-status and /rollback's hint: gathers, per target, what runs, what waits and what
 * finished lately, and hands it to the pure view. Never writes.
 */
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { type Refusal, type Result, refuse } from '../domain/refusal.js';
import { allTargets, findTarget, type Target } from '../domain/targets.js';
import type { LockService } from '../locks/lock-service.js';
import type { Repos } from '../store/repos.js';
import type { SlackMessage } from '../views/slack-message.js';
import { deployStatus, type TargetStatus } from '../views/status.js';
import { threadKeys } from '../views/thread-keys.js';

export interface StatusReportDeps {
  config: Config;
  /** The shared repositories (the core's). */
  repos: Pick<Repos, 'deployments' | 'outbox' | 'phases' | 'blindness'>;
  clock: Clock;
  githubWeb: string;
  /** Shows each target's lock ("locked by @x since …: reason"). */
  locks?: Pick<LockService, 'statusLine'>;
}

export type StatusResult = { ok: true; message: SlackMessage } | Refusal;

const TEAM_DOMAIN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class StatusReport {
  private readonly deployments: Repos['deployments'];
  private readonly outbox: Repos['outbox'];
  private readonly blindness: Repos['blindness'];

  constructor(private readonly deps: StatusReportDeps) {
    this.deployments = deps.repos.deployments;
    this.outbox = deps.repos.outbox;
    this.blindness = deps.repos.blindness;
  }

  /**
   * Status of every target, one service's targets, or one target. `teamDomain` (from the command) lets the view
   * link each deployment's thread.
   */
  build(filter: { service?: string; environment?: string }, teamDomain?: string): StatusResult {
    const targets = this.select(filter);
    if (!targets.ok) return targets;
    const web = teamDomain && TEAM_DOMAIN.test(teamDomain) ? `https://${teamDomain}.slack.com` : undefined;
    const message = deployStatus({
      targets: targets.targets.map((t) => this.statusOf(t, web)),
      deadLetters: this.outbox.deadCount(),
      now: this.deps.clock.now(),
      githubWeb: this.deps.githubWeb,
    });
    return { ok: true, message };
  }

  /** The SHA of the target's last successful deployment, for /rollback's hint. */
  lastGoodSha(target: Target): string | undefined {
    return this.deployments.lastSucceeded(target.key)?.sha;
  }

  private select(filter: { service?: string; environment?: string }): Result<{ targets: Target[] }> {
    const { config } = this.deps;
    if (!filter.service) return { ok: true, targets: allTargets(config) };
    if (filter.environment) {
      const found = findTarget(config, filter.service, filter.environment);
      return found.ok ? { ok: true, targets: [found.target] } : refuse(found.reason, found.message);
    }
    const svc = config.services[filter.service];
    if (!svc || !Object.hasOwn(config.services, filter.service)) {
      // Reuse findTarget's refusal: it suggests the closest service and lists them all.
      const found = findTarget(config, filter.service, '');
      return found.ok ? refuse('unknown_service', 'Unknown service.') : refuse(found.reason, found.message);
    }
    return { ok: true, targets: allTargets(config).filter((t) => t.service === filter.service) };
  }

  private statusOf(t: Target, slackWeb: string | undefined): TargetStatus {
    const threadUrl = (id: number): string | undefined => {
      if (!slackWeb) return undefined;
      const row = this.outbox.postedAt(threadKeys.parent(id));
      return row ? `${slackWeb}/archives/${row.channel}/p${row.ts.replace('.', '')}` : undefined;
    };
    const active = this.deployments.activeFor(t.key);
    const queue = this.deployments.queueOf(t.key);
    const aheadOffset = active ? 1 : 0;
    const status: TargetStatus = {
      service: t.service,
      environment: t.environment,
      channel: t.channel,
      repo: t.repo,
      queue: queue.map((d, i) => ({ deployment: d, position: i + 1 + aheadOffset, threadUrl: threadUrl(d.id) })),
      recent: this.deployments.recentFinished(t.key, 5),
    };
    const lock = this.deps.locks?.statusLine(t.key);
    if (lock) status.lock = lock;
    if (active) {
      const phase = this.deps.repos.phases.openPhase(active.id);
      status.active = { deployment: active, phase, threadUrl: threadUrl(active.id) };
      const pausedSince = this.blindness.pausedSince(active.id);
      if (pausedSince !== undefined) status.active.monitoringPausedSince = pausedSince;
    }
    return status;
  }
}
