import type { AwsBudget } from '../adapters/aws-budget.js';
import type { AwsClients } from '../adapters/aws-clients.js';
import { CloudFormationAdapter } from '../adapters/cloudformation.js';
import { EarlyValidationReader } from '../adapters/cloudformation-validation.js';
import { CloudWatchLogsAdapter } from '../adapters/cloudwatch-logs.js';
import { CodeBuildAdapter } from '../adapters/codebuild.js';
import { createOctokit } from '../adapters/github.js';
import { type GitHubActionsApi, OctokitActions } from '../adapters/github-actions.js';
import { FetchProbe, type HttpProbe } from '../adapters/http-probe.js';
import { S3TemplateObjects } from '../adapters/s3-template-version.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { DeploymentCore } from '../deploys/core.js';
import type { PollContext } from '../deploys/poll-context.js';
import type { ThreadReporter } from '../deploys/thread-reporter.js';
import { isInProgress } from '../domain/cfn-status.js';
import type { Deployment } from '../domain/deployment.js';
import { type Preflight, preflightStack } from '../domain/stack-preflight.js';
import { observedTick, type TickObserver } from '../metrics/instrument.js';
import type { Db } from '../store/db.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import { preflightNote } from '../views/preflight-replies.js';
import { rollbackReuseReply } from '../views/thread-replies.js';
import { DeploymentRunner } from './deployment-runner.js';
import { needsBuild, rollbackSource } from './plan.js';
import { RecoveryWatcher } from './recovery.js';
import type { AutoRollback, RunContext } from './run-context.js';

export interface DeployWorkerDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  aws: AwsClients;
  budget: AwsBudget;
  /** Unique per process (e.g. hostname + pid + random): deployments it runs carry it. */
  workerId: string;
  githubWeb: string;
  /** GitHub Actions for workflow builds; runtime passes the shared Octokit (default: an anonymous one). */
  actions?: GitHubActionsApi;
  /**
   * Single-process deployments: on the first tick, adopt every active deployment of another worker id at once
   * (a restart) instead of waiting for its heartbeat to go stale. Leave off when several workers share the DB.
   */
  adoptAllAtStart?: boolean;
  /** Repositories, thread reporter and lifecycle, built once (runtime.ts). */
  core: DeploymentCore;
  /** Seam for the progress reply and stall detection (see DeploymentRunner). */
  onPoll?: (ctx: PollContext) => void;
  /** HTTP to the deployed service (verify); default fetch with 5 s per request. */
  probe?: HttpProbe;
  /** `verify.onFailure: rollback` (runtime: RollbackService.autoRollback). */
  autoRollback?: AutoRollback;
  /** Loop period of start(); default 1 s. */
  intervalMs?: number;
  /** Told after every tick of the production loop (metrics and /readyz liveness). */
  onTick?: TickObserver;
}

/**
 * Claims queued deployments (one per target, FIFO, targets in parallel), adopts orphans from dead workers,
 * and advances the active deployments it owns. Tests call tick() directly with a FakeClock.
 */
export class DeployWorker {
  readonly runner: DeploymentRunner;
  private readonly repo: DeploymentsRepo;
  private readonly reporter: ThreadReporter;
  private readonly cfn: CloudFormationAdapter;
  private readonly ctx: RunContext;
  private readonly recovery: RecoveryWatcher;
  private readonly inFlight = new Set<number>();
  private firstTick = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly deps: DeployWorkerDeps) {
    this.repo = deps.core.deployments;
    this.reporter = deps.core.reporter;
    this.cfn = new CloudFormationAdapter(deps.aws, deps.budget);
    const ctx: RunContext = {
      db: deps.db,
      config: deps.config,
      clock: deps.clock,
      logger: deps.logger,
      repo: this.repo,
      stacks: deps.core.stacks,
      events: deps.core.events,
      phases: deps.core.phases,
      blindness: deps.core.blindness,
      outbox: deps.core.outbox,
      githubDeployments: deps.core.githubDeployments,
      actionsJobs: deps.core.actionsJobs,
      reporter: this.reporter,
      lifecycle: deps.core.lifecycle,
      targetOf: deps.core.targetOf,
      codebuild: new CodeBuildAdapter(deps.aws, deps.budget),
      logs: new CloudWatchLogsAdapter(deps.aws, deps.budget),
      actions: deps.actions ?? new OctokitActions(createOctokit({ logger: deps.logger })),
      cfn: this.cfn,
      s3: new S3TemplateObjects(deps.aws, deps.budget),
      validation: new EarlyValidationReader(deps.aws, deps.budget),
      verifications: deps.core.verifications,
      probe: deps.probe ?? new FetchProbe(),
      ...(deps.autoRollback ? { autoRollback: deps.autoRollback } : {}),
    };
    this.ctx = ctx;
    this.recovery = new RecoveryWatcher(ctx);
    this.runner = new DeploymentRunner(ctx, {
      githubWeb: deps.githubWeb,
      ...(deps.onPoll ? { onPoll: deps.onPoll } : {}),
    });
  }

  private get pollMs(): number {
    return this.deps.config.timing.pollSeconds * 1000;
  }

  async tick(): Promise<void> {
    this.adoptOrphans();
    await this.claimQueued();
    await this.advanceOwned();
    await this.recovery.tick();
  }

  /** Resume after a restart or kill -9: a stale heartbeat (> 3 polls + 30 s) makes a deployment ours. */
  private adoptOrphans(): void {
    const now = this.deps.clock.now();
    const staleBefore =
      this.firstTick && this.deps.adoptAllAtStart ? Number.MAX_SAFE_INTEGER : now - (3 * this.pollMs + 30_000);
    this.firstTick = false;
    for (const d of this.repo.resumable(this.deps.workerId, staleBefore)) {
      if (this.repo.adopt(d, this.deps.workerId, now)) {
        this.repo.update(d.id, d.state, now, { nextPollAt: now });
        this.deps.logger.info({ deploymentId: d.id, from: d.workerId, state: d.state }, 'deployment adopted');
      }
    }
  }

  /** Starts the head of each free target unless its stack is busy with an operation Coxswain did not start. */
  private async claimQueued(): Promise<void> {
    const candidates = this.repo.claimable();
    await Promise.all(candidates.map((d) => this.tryClaim(d)));
  }

  private async tryClaim(d: Deployment): Promise<void> {
    const found = this.deps.core.targetOf(d);
    if (!found.ok) {
      this.deps.core.lifecycle.abandon(d, found.message);
      return;
    }
    const target = found.target;
    // Every stack of the target must be free: an operation Coxswain did not start on any of them holds the queue.
    let busy: { name: string; status: string } | undefined;
    let refused: { name: string; check: Extract<Preflight, { ok: false }> } | undefined;
    try {
      const statuses = await Promise.all(
        target.stacks.map(async (s) => ({
          name: s.name,
          status: (await this.cfn.describeStack(target.region, s.name))?.status,
        })),
      );
      // Preflight first: REVIEW_IN_PROGRESS and DELETE_IN_PROGRESS are "in progress" but never end in an update.
      for (const s of statuses) {
        const check = preflightStack(s.name, s.status);
        if (!check.ok && !refused) refused = { name: s.name, check };
      }
      busy = statuses.find((s): s is { name: string; status: string } => isInProgress(s.status));
    } catch (err) {
      logError(this.deps.logger, err, { deploymentId: d.id }, 'cannot check stack before starting; retrying', 'warn');
      return;
    }
    const now = this.deps.clock.now();
    if (refused) {
      const { name, check } = refused;
      this.deps.core.lifecycle.preflightRejected(
        d,
        { phase: 'preflight', reason: check.reason, status: check.status, stackName: name },
        preflightNote(d.id, check.reason, check.offer === 'continue_rollback'),
      );
      return;
    }
    if (busy) {
      const reason = `stack ${busy.name} is ${busy.status} (started outside Coxswain)`;
      if (d.waitReason === reason) return;
      this.deps.db
        .transaction(() => {
          if (!this.repo.update(d.id, 'queued', now, { waitReason: reason })) return;
          const next = this.repo.get(d.id);
          if (next) this.reporter.stateChanged(next);
        })
        .immediate();
      return;
    }
    const build = needsBuild(this.ctx, d, target);
    this.deps.core.lifecycle.claim(d, build ? 'building' : 'deploying', this.deps.workerId, (claimed) => {
      const reuse = rollbackSource(this.ctx, claimed);
      if (reuse && reuse.stacks.length > 0) {
        this.reporter.reply(
          claimed,
          'rollback-reuse',
          rollbackReuseReply({ toId: reuse.to.id, sha: reuse.to.sha, skippedBuild: !build && !!target.build }),
        );
      }
    });
  }

  private async advanceOwned(): Promise<void> {
    const now = this.deps.clock.now();
    const owned = this.repo.active().filter((d) => d.workerId === this.deps.workerId);
    const due = owned.filter((d) => (d.nextPollAt ?? 0) <= now && !this.inFlight.has(d.id));
    await Promise.all(
      due.map(async (d) => {
        this.inFlight.add(d.id);
        try {
          await this.runner.advance(d.id);
        } finally {
          this.inFlight.delete(d.id);
        }
      }),
    );
    const stillOwned = this.repo.active().filter((d) => d.workerId === this.deps.workerId);
    this.repo.heartbeat(
      stillOwned.map((d) => d.id),
      this.deps.workerId,
      this.deps.clock.now(),
    );
  }

  /** Production loop: a tick about every second; a failing tick is logged and the loop goes on. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = observedTick(this.deps.onTick, () => this.tick())
        .catch((err) => logError(this.deps.logger, err, {}, 'deploy worker tick failed'))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(loop, this.deps.intervalMs ?? 1000);
        });
    };
    loop();
  }

  /** Stops the loop and waits for the tick in flight, so the process can exit cleanly. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
