/**
 * Auto-deploy (issue 16): follows `autoDeploy.branch` of each environment that has it. The head is read with a
 * conditional request every `timing.watchSeconds` (a 304 costs no rate limit); a signed push webhook only makes the
 * read happen at once. A new head is a candidate queued through DeployRequests.queueSha — the same lock gate,
 * commit-checks gate and approvals as /deploy — and supersedes older candidates that have not started.
 */

import type { GitHub } from '../adapters/github.js';
import type { BranchHeads, BranchRead } from '../adapters/github-branch.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import { ApprovalThread } from '../approvals/approval-thread.js';
import type { DeploymentCore } from '../deploys/core.js';
import type { DeployRequests } from '../deploys/requests.js';
import type { ThreadReporter } from '../deploys/thread-reporter.js';
import { allTargets, type Target } from '../domain/targets.js';
import type { AutoDeployRepo } from '../store/auto-deploy-repo.js';
import type { Db } from '../store/db.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import type { OutboxRepo } from '../store/outbox-repo.js';
import { autoDeployNote, heldHeadNote, supersededNote } from '../views/auto-deploy.js';
import { requesterFor } from '../views/requester.js';
import { type SupersedeDeps, supersede } from './transitions.js';

/** What a verified push webhook tells about a branch (display only: the head itself is read from GitHub). */
export interface PushHint {
  repo: string;
  branch: string;
  after: string;
  /** GitHub login of whoever pushed (validated). */
  pusher: string | null;
  commits: { id: string; message: string }[];
}

export type WatchOutcome =
  | 'unchanged'
  | 'same'
  | 'skipped'
  | 'queued'
  | 'held'
  | 'retry'
  | 'deployed_already'
  | 'unreadable';

/** `[skip deploy]` or `[cd skip]` anywhere in the head commit's message. */
const SKIP = /\[(skip deploy|cd skip)\]/i;
const LOGIN = /^[A-Za-z0-9-]{1,39}$/;

export interface AutoDeployerDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  heads: BranchHeads;
  github: Pick<GitHub, 'compare'>;
  requests: Pick<DeployRequests, 'queueSha'>;
  githubWeb: string;
  /** Repositories, thread reporter and lifecycle, built once (runtime.ts). */
  core: DeploymentCore;
}

export class AutoDeployer {
  private readonly autoDeploys: AutoDeployRepo;
  private readonly deployments: DeploymentsRepo;
  private readonly outbox: OutboxRepo;
  private readonly reporter: ThreadReporter;
  private readonly t: SupersedeDeps;

  constructor(private readonly deps: AutoDeployerDeps) {
    const { core } = deps;
    this.autoDeploys = core.autoDeploys;
    this.deployments = core.deployments;
    this.outbox = core.outbox;
    this.reporter = core.reporter;
    this.t = {
      clock: deps.clock,
      logger: deps.logger,
      lifecycle: core.lifecycle,
      autoDeploys: this.autoDeploys,
      approvals: core.approvals,
      approvalThread: new ApprovalThread({ db: deps.db, config: deps.config, githubWeb: deps.githubWeb, core }),
    };
  }

  targets(): Target[] {
    return allTargets(this.deps.config).filter((t) => t.env.autoDeploy);
  }

  /** One poll of every watched branch, one target after the other. */
  async tick(): Promise<void> {
    for (const target of this.targets()) {
      try {
        await this.watch(target);
      } catch (err) {
        logError(this.deps.logger, err, { target: target.key }, 'auto-deploy watch failed');
      }
    }
  }

  /** A verified push: read the pushed branch now, for every target following it. */
  async pushed(hint: PushHint): Promise<WatchOutcome[]> {
    const matching = this.targets().filter(
      (t) =>
        `${t.repo.owner}/${t.repo.name}`.toLowerCase() === hint.repo.toLowerCase() &&
        t.env.autoDeploy?.branch === hint.branch,
    );
    const out: WatchOutcome[] = [];
    for (const t of matching) out.push(await this.watch(t, hint));
    return out;
  }

  async watch(target: Target, hint?: PushHint): Promise<WatchOutcome> {
    const branch = target.env.autoDeploy!.branch;
    const now = this.deps.clock.now();
    const w = this.autoDeploys.watch(target.key);
    // A push says the head moved: ask without the ETag, so a cached 304 cannot hide it.
    const etag = !hint && w?.branch === branch ? w.etag : null;
    const read = await this.deps.heads.read(target.repo, branch, etag);
    if (read.state === 'unchanged') {
      this.autoDeploys.saveWatch(target.key, branch, now, {});
      return 'unchanged';
    }
    if (read.state !== 'head') {
      logError(this.deps.logger, read.message, { target: target.key, branch }, 'cannot read the branch head', 'warn');
      this.autoDeploys.saveWatch(target.key, branch, now, {});
      return 'unreadable';
    }
    if (w?.branch === branch && read.sha === w.handledSha) {
      this.autoDeploys.saveWatch(target.key, branch, now, { handled: { sha: read.sha, etag: read.etag } });
      return 'same';
    }
    const outcome = await this.consider(target, branch, read, hint?.after === read.sha ? hint : undefined);
    if (outcome !== 'retry') {
      this.autoDeploys.saveWatch(target.key, branch, this.deps.clock.now(), {
        handled: { sha: read.sha, etag: read.etag },
        ...(outcome === 'held' ? { red: read.sha } : {}),
      });
    }
    return outcome;
  }

  private async consider(
    target: Target,
    branch: string,
    head: Extract<BranchRead, { state: 'head' }>,
    hint: PushHint | undefined,
  ): Promise<WatchOutcome> {
    const log = this.deps.logger.child({ target: target.key, sha: head.sha, branch });
    if (SKIP.test(head.message)) {
      log.info('head commit asks to skip the deploy');
      return 'skipped';
    }
    const running = this.deployments.activeFor(target.key) ?? this.deployments.lastSucceeded(target.key);
    if (running?.sha === head.sha) return 'deployed_already';

    const login = hint?.pusher ?? (head.author && LOGIN.test(head.author) ? head.author : null);
    const users = this.deps.config.github.users;
    const requestedBy = requesterFor(login, users);
    const commits = await this.commitsSince(target, running?.sha, head, hint);
    const note = autoDeployNote({
      sha: head.sha,
      branch,
      repo: target.repo,
      githubWeb: this.deps.githubWeb,
      commits,
      who: {
        slackUser: requestedBy.startsWith('github:') ? undefined : requestedBy,
        login,
        verb: hint ? 'pushed' : 'authored',
      },
    });
    const result = await this.deps.requests.queueSha(
      target,
      branch,
      head.sha,
      {
        service: target.service,
        environment: target.environment,
        ref: branch,
        forced: false,
        userId: requestedBy,
        requestId: `auto:${target.key}:${head.sha}`,
      },
      {
        committedAt: head.committedAt,
        inTx: (d) => {
          const now = this.deps.clock.now();
          this.autoDeploys.record(
            {
              deploymentId: d.id,
              targetKey: target.key,
              branch,
              source: hint ? 'webhook' : 'poll',
              pusher: login,
              commits: commits.count ?? 0,
            },
            now,
          );
          this.reporter.reply(d, 'auto-deploy', note);
          for (const older of this.autoDeploys.waitingBefore(target.key, d.id)) {
            supersede(this.t, older, d, supersededNote({ id: d.id, sha: d.sha }, branch));
          }
        },
      },
    );
    if (result.ok) {
      log.info({ deploymentId: result.deployment.id, outcome: result.outcome }, 'auto-deploy candidate queued');
      return 'queued';
    }
    if (result.reason === 'checks_error' || result.reason === 'github_error') {
      log.warn({ reason: result.reason }, 'auto-deploy gate unreadable; trying again next poll');
      return 'retry';
    }
    this.reportHeld(target, branch, head.sha, result.message);
    log.warn({ reason: result.reason }, 'branch head not auto-deployed');
    return 'held';
  }

  /** A red (or otherwise refused) head is said once in the environment's channel, not once per poll. */
  private reportHeld(target: Target, branch: string, sha: string, reason: string): void {
    if (this.autoDeploys.watch(target.key)?.redSha === sha) return;
    this.outbox.post(
      {
        key: `auto:${target.key}:${sha}:held`,
        channel: target.channel,
        message: heldHeadNote({
          target: target.key,
          sha,
          branch,
          repo: target.repo,
          githubWeb: this.deps.githubWeb,
          reason: reason.replace(/^:[a-z_]+:\s*/, ''),
        }),
      },
      this.deps.clock.now(),
    );
  }

  /** The commits this head brings over what the target runs; the push's own list when GitHub cannot compare. */
  private async commitsSince(
    target: Target,
    base: string | undefined,
    head: { sha: string; message: string },
    hint: PushHint | undefined,
  ): Promise<{ count: number | undefined; messages: string[]; base?: string }> {
    const fallback = hint
      ? { count: hint.commits.length, messages: hint.commits.map((c) => c.message).reverse() }
      : { count: undefined, messages: [head.message] };
    if (!base) return fallback;
    try {
      const c = await this.deps.github.compare(target.repo, base, head.sha);
      // Newest first: the head's message is the one people recognise.
      return { count: c.aheadBy, messages: c.commits.map((x) => x.message).reverse(), base };
    } catch (err) {
      this.deps.logger.warn(
        { target: target.key, err: String(err) },
        'cannot compare commits for the auto-deploy note',
      );
      return fallback;
    }
  }

  /** Production loop: a poll every `timing.watchSeconds`; returns a stop function. */
  start(): () => void {
    if (this.targets().length === 0) return () => {};
    let busy = false;
    const run = () => {
      if (busy) return;
      busy = true;
      void this.tick().finally(() => {
        busy = false;
      });
    };
    // A first read at start: a head pushed while Coxswain was down is seen at once, not after a full interval.
    run();
    const timer = setInterval(run, this.deps.config.timing.watchSeconds * 1000);
    timer.unref();
    return () => clearInterval(timer);
  }
}
