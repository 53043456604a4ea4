import type { GitHubDeploymentsApi, GitHubWriteResult } from '../adapters/github-deployments.js';
import type { SlackPermalinks } from '../adapters/slack-permalink.js';
import type { Clock } from '../app/clock.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import { TickLoop } from '../app/tick-loop.js';
import type { TargetOf } from '../deploys/target-of.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from '../domain/backoff.js';
import { isTerminal } from '../domain/deployment-state.js';
import { classifyGitHubError, clipDescription } from '../domain/github-deployment-status.js';
import type { DueStatus, GitHubDeploymentRow } from '../store/github-deployments-repo.js';
import type { Repos } from '../store/repos.js';
import { threadKeys } from '../views/thread-keys.js';

export interface GitHubStatusWorkerDeps {
  repos: Pick<Repos, 'githubDeployments' | 'deployments' | 'outbox'>;
  /** A deployment's target (deploys/target-of.ts): a removed one has no environment URL or workflow. */
  targetOf: TargetOf;
  clock: Clock;
  logger: Logger;
  api: GitHubDeploymentsApi;
  /** For log_url (the Slack thread); without it statuses carry no log link. */
  permalinks?: SlackPermalinks | undefined;
  backoff?: BackoffPolicy;
  /** Statuses older than this are dropped (default 24 h): GitHub is a mirror, not the record. */
  maxAgeMs?: number;
  random?: () => number;
  intervalMs?: number;
}

type Failed = Extract<GitHubWriteResult<unknown>, { ok: false }>;

/** How long a status waits for its Slack thread to be posted (for log_url) before it goes without. */
export const LINK_WAIT_MS = 30_000;

/**
 * Sends the GitHub status queue: per deployment in order (creating the GitHub deployment first), retrying 5xx and
 * network errors with the outbox's backoff, dropping what GitHub refuses. A refused token (401/403/404) is logged
 * once per repo and flagged (githubPermissionProblems) until a write for that repo goes through again.
 */
export class GitHubStatusWorker extends TickLoop {
  private readonly repo: Repos['githubDeployments'];
  private readonly deployments: Repos['deployments'];

  constructor(private readonly deps: GitHubStatusWorkerDeps) {
    super({ intervalMs: deps.intervalMs ?? 1000, logger: deps.logger, failed: 'GitHub status tick failed' });
    this.repo = deps.repos.githubDeployments;
    this.deployments = deps.repos.deployments;
  }

  protected async runTick(): Promise<void> {
    for (const s of this.repo.due(this.deps.clock.now())) {
      try {
        await this.send(s);
      } catch (err) {
        this.retry(s, String(err));
      }
    }
  }

  private async send(s: DueStatus): Promise<void> {
    const now = this.deps.clock.now();
    const g = this.repo.get(s.deploymentId);
    const d = this.deployments.get(s.deploymentId);
    if (!g || !d) return this.repo.markDead(s.id, 'deployment not found');
    if (now - s.createdAt > (this.deps.maxAgeMs ?? 24 * 3_600_000)) {
      this.deps.logger.warn({ deploymentId: d.id, state: s.state }, 'GitHub status dropped: not sent within 24 h');
      return this.repo.markDead(s.id, 'not sent within 24 h');
    }
    if (g.deadReason) return this.repo.markDead(s.id, `GitHub deployment not created: ${g.deadReason}`);
    const found = this.deps.targetOf(d);
    const env = found.ok ? found.target.env : undefined;
    const [owner = '', name = ''] = g.repo.split('/');
    const repoId = { owner, name };
    let githubId = g.githubId;
    if (
      githubId === null &&
      found.ok &&
      found.target.build?.workflow &&
      (isTerminal(d.state) || d.state === 'cancelling')
    ) {
      // Creating it now would start the workflow (the build, maybe a cdk deploy) of a deployment that is over.
      const reason = `not created: the deployment was already ${d.state}`;
      this.repo.markDeploymentDead(d.id, reason);
      return this.repo.markDead(s.id, reason);
    }
    if (githubId === null) {
      const r = await this.deps.api.createDeployment(repoId, {
        sha: d.sha,
        environment: d.environment,
        description: clipDescription(`Coxswain #${d.id}: ${d.kind} ${d.sha.slice(0, 7)} to ${d.environment}`),
        payload: g.payload,
        production: env?.production ?? false,
        transient: env?.transient ?? false,
      });
      if (!r.ok) return this.failed(s, g, r, true);
      this.repo.markCreated(d.id, r.value.id, r.value.createdAt);
      githubId = r.value.id;
      this.deps.logger.info({ deploymentId: d.id, githubDeployment: githubId }, 'GitHub deployment created');
    }
    // The thread parent is on its way to Slack: wait a little so the status can link to it.
    if (!g.logUrl && this.parentPending(d.id) && now - s.createdAt < LINK_WAIT_MS) return;
    const logUrl = g.logUrl ?? (await this.permalink(d.id));
    const r = await this.deps.api.createStatus(repoId, githubId, {
      state: s.state,
      description: s.description,
      logUrl,
      environmentUrl: env?.url,
    });
    if (!r.ok) return this.failed(s, g, r, false);
    this.repo.markSent(s.id, this.deps.clock.now());
    if (this.repo.clearPermission(g.repo)) this.deps.logger.info({ repo: g.repo }, 'GitHub accepts deployments again');
  }

  private parentPending(deploymentId: number): boolean {
    if (!this.deps.permalinks) return false;
    const key = threadKeys.parent(deploymentId);
    return this.deps.repos.outbox.has(key) && !this.deps.repos.outbox.postedAt(key);
  }

  /** The Slack thread's permalink once its parent is posted; a Slack problem only costs the link. */
  private async permalink(deploymentId: number): Promise<string | undefined> {
    if (!this.deps.permalinks) return undefined;
    const m = this.deps.repos.outbox.postedAt(threadKeys.parent(deploymentId));
    if (!m) return undefined;
    try {
      const url = await this.deps.permalinks.permalink(m.channel, m.ts);
      if (url) this.repo.setLogUrl(deploymentId, url);
      return url;
    } catch (err) {
      logError(this.deps.logger, err, { deploymentId }, 'Slack permalink unavailable', 'warn');
      return undefined;
    }
  }

  private failed(s: DueStatus, g: GitHubDeploymentRow, r: Failed, creating: boolean): void {
    const kind = classifyGitHubError(r.status, r.headers);
    const log = { deploymentId: s.deploymentId, repo: g.repo, state: s.state, error: r.message };
    if (kind === 'retry') {
      this.retry(s, r.message);
      return;
    }
    if (kind === 'permission') {
      const first = this.repo.flagPermission(g.repo, r.status ?? 0, r.message, this.deps.clock.now());
      if (first) {
        this.deps.logger.error(
          log,
          'GitHub refused the token for deployments: it needs Deployments write (and Actions read for workflow builds)',
        );
      }
    } else {
      this.deps.logger.warn(log, 'GitHub refused the deployment write; dropped');
    }
    if (creating) this.repo.markDeploymentDead(s.deploymentId, r.message);
    this.repo.markDead(s.id, r.message);
  }

  private retry(s: DueStatus, error: string): void {
    const delay = backoffDelay(s.failures + 1, this.deps.backoff ?? DEFAULT_BACKOFF, this.deps.random ?? Math.random);
    this.repo.markRetry(s.id, this.deps.clock.now() + delay, error);
    if (s.failures === 0)
      this.deps.logger.warn({ deploymentId: s.deploymentId, error }, 'GitHub status will be retried');
  }
}
