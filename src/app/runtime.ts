/**
 * The whole composition, as a function: config + database + clients → domain services → Bolt app with commands and
 * buttons → jobs. main.ts calls it with real clients; the integration tests call it with nock'd endpoints, a
 * FakeClock and a no-op receiver, so what they test is exactly what runs.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { AwsBudget } from '../adapters/aws-budget.js';
import { AwsClients } from '../adapters/aws-clients.js';
import { CloudFormationAdapter } from '../adapters/cloudformation.js';
import { CloudFormationDrift } from '../adapters/cloudformation-drift.js';
import { StackRecovery } from '../adapters/cloudformation-recovery.js';
import { CodeBuildAdapter } from '../adapters/codebuild.js';
import { createOctokit, type GitHub, OctokitGitHub } from '../adapters/github.js';
import { OctokitActions } from '../adapters/github-actions.js';
import { OctokitBranchHeads } from '../adapters/github-branch.js';
import { GitHubBranches } from '../adapters/github-branches.js';
import { OctokitCommitChecks } from '../adapters/github-checks.js';
import { OctokitDeployments } from '../adapters/github-deployments.js';
import { WebPermalinks } from '../adapters/slack-permalink.js';
import { WebSlackViews } from '../adapters/slack-views.js';
import { createDeliveryWebClient, type SlackDelivery, SlackWebDelivery } from '../adapters/slack-web.js';
import { ApprovalService } from '../approvals/approval-service.js';
import { ApprovalExpiryJob } from '../approvals/expiry-job.js';
import { AutoDeployer } from '../autodeploy/auto-deployer.js';
import { GitHubWebhook, githubWebhookRoute } from '../autodeploy/github-webhook.js';
import { buildDeploymentCore } from '../deploys/core.js';
import { DeployFormService } from '../deploys/deploy-form.js';
import { DeployRequests } from '../deploys/requests.js';
import { StatusReport } from '../deploys/status-report.js';
import { targetOfDeployment } from '../deploys/target-of.js';
import { Digests } from '../digests/digests.js';
import { DriftDigestJob } from '../digests/drift-job.js';
import { HealthDigestJob } from '../digests/health-job.js';
import { type CronApi, DigestScheduler } from '../digests/scheduler.js';
import { doctorContext } from '../doctor/runner.js';
import { SlackDoctor } from '../doctor/slack-doctor.js';
import { Estimator } from '../estimates/estimator.js';
import { HistoryLearner } from '../estimates/history-learner.js';
import { ProgressHook } from '../estimates/progress-hook.js';
import { CommitGate } from '../gates/commit-gate.js';
import { GateWatcher } from '../gates/gate-watcher.js';
import { GitHubStatusWorker } from '../github/status-worker.js';
import { HomeDashboard } from '../home/home-dashboard.js';
import { HomeRefresher, type HomeRefreshOptions } from '../home/refresh-job.js';
import { LockService } from '../locks/lock-service.js';
import { countedSlack } from '../metrics/counted-slack.js';
import { metricsRoute, type Readiness, readiness, readyRoute } from '../metrics/http-routes.js';
import { tickObserver } from '../metrics/instrument.js';
import { WorkerLiveness } from '../metrics/liveness.js';
import { enableProcessMetrics } from '../metrics/registry.js';
import { runtimeGauges } from '../metrics/runtime-gauges.js';
import { ChannelJoinJob } from '../outbox/channel-join.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../outbox/worker.js';
import { PromotionGate } from '../promotion/promotion-gate.js';
import { PromotionService } from '../promotion/promotion-service.js';
import { VersionReport } from '../promotion/version-report.js';
import { RollbackService } from '../rollbacks/rollback-service.js';
import { DeployWorker } from '../runner/worker.js';
import { type App, createApp } from '../slack/bolt-app.js';
import { register as registerCommands } from '../slack/commands/index.js';
import { registerAppHome } from '../slack/interactions/app-home.js';
import { registerDeployModal } from '../slack/interactions/deploy-modal.js';
import { register as registerInteractions } from '../slack/interactions/index.js';
import { AutoDeployRepo } from '../store/auto-deploy-repo.js';
import type { Db } from '../store/db.js';
import { DeliveryRepo } from '../store/delivery-repo.js';
import type { Deployment } from '../store/deployment-row.js';
import { DigestRunsRepo } from '../store/digest-runs-repo.js';
import { DriftRepo } from '../store/drift-repo.js';
import { HealthRepo } from '../store/health-repo.js';
import { OutboxRepo } from '../store/outbox-repo.js';
import { buildRepos } from '../store/repos.js';
import { githubWebBase } from '../views/links.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Env } from './env.js';
import type { Logger } from './logger.js';

/** A background loop (deploy worker, outbox worker, digest scheduler): started after the app, stopped on exit. */
export interface Job {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** What main.ts (or a test) hands in; everything else is built here. */
export interface RuntimeDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock?: Clock;
  /** Tests: a no-op receiver driven with app.processEvent. */
  receiver?: Receiver;
  botIds?: { botId: string; botUserId: string };
  /** Bolt's own Web API client (ephemeral answers); tests turn retries off. */
  slackClientOptions?: WebClientOptions;
  /** The outbox's Slack client; defaults to SLACK_BOT_TOKEN / SLACK_API_URL without client retries. */
  slackDelivery?: SlackDelivery;
  outboxOptions?: OutboxWorkerOptions;
  /** Tests: `maxAttempts: 1` so nock sees one request per call. */
  aws?: AwsClients;
  /** Tests: a sleep that advances the FakeClock instead of waiting. */
  awsSleep?: (ms: number) => Promise<void>;
  /** Tests: Octokit without retries or throttling. */
  githubRetries?: boolean;
  workerId?: string;
  cron?: CronApi;
  /** Drift detection polling sleep (tests: instant). */
  driftSleep?: (ms: number) => Promise<void>;
  /** How often open Home tabs are re-checked (tests: call workers.home.tick()). */
  homeRefresh?: HomeRefreshOptions;
}

export interface Runtime {
  env: Env;
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  aws: AwsClients;
  github: GitHub;
  githubWeb: string;
  app: App;
  services: {
    requests: DeployRequests;
    status: StatusReport;
    approvals: ApprovalService;
    locks: LockService;
    rollbacks: RollbackService;
    digests: Digests;
    progress: ProgressHook;
    home: HomeDashboard;
    deployForm: DeployFormService;
    promotions: PromotionService;
  };
  workers: {
    deploy: DeployWorker;
    outbox: OutboxWorker;
    githubStatuses: GitHubStatusWorker;
    approvalExpiry: ApprovalExpiryJob;
    gateWatcher: GateWatcher;
    autoDeploy: AutoDeployer;
    digests: DigestScheduler;
    learner: HistoryLearner;
    home: HomeRefresher;
  };
  /** In start order; main.ts stops them newest first. */
  jobs: Job[];
  /** What /readyz answers: the database is writable and every started worker loop ticks. */
  ready: () => Readiness;
  /** This runtime's scrape-time gauges (queue, outbox, AWS budget), merged into /metrics. */
  gauges: ReturnType<typeof runtimeGauges>;
}

/** A worker loop that has not finished a tick for this long is stuck: /readyz goes red. */
export const WORKER_STALE_MS = 120_000;

const APPROVAL_EXPIRY_MS = 30_000;

/** Starts watching a worker's ticks when the job starts, stops when it stops (a stopped loop is not stuck). */
function watched(job: Job, liveness: WorkerLiveness): Job {
  return {
    name: job.name,
    start: () => {
      liveness.watch(job.name, WORKER_STALE_MS);
      return job.start();
    },
    stop: async () => {
      await job.stop();
      liveness.unwatch(job.name);
    },
  };
}

/** A timer-driven job around a tick (the approval expiry has no loop of its own that fits Job). */
function intervalJob(name: string, start: () => () => void): Job {
  let stop: (() => void) | undefined;
  return {
    name,
    start: () => {
      stop ??= start();
    },
    stop: () => {
      stop?.();
      stop = undefined;
    },
  };
}

export function buildRuntime(env: Env, deps: RuntimeDeps): Runtime {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const defaultRegion = config.region ?? env.AWS_REGION;
  const aws = deps.aws ?? new AwsClients({ defaultRegion });
  // One request budget for every AWS call: the runner, the Roll back button and the digests share AWS's rate limit.
  const budget = new AwsBudget({
    clock,
    ratePerSecond: config.aws.requestsPerSecond,
    burst: config.aws.burst,
    ...(deps.awsSleep ? { sleep: deps.awsSleep } : {}),
  });
  const octokit = createOctokit({
    token: env.GITHUB_TOKEN,
    baseUrl: env.GITHUB_API_URL,
    logger: logger.child({ source: 'github' }),
    ...(deps.githubRetries !== undefined ? { retries: deps.githubRetries } : {}),
  });
  const github = new OctokitGitHub(octokit, () => clock.now());
  const githubStatuses = new GitHubStatusWorker({
    db,
    config,
    clock,
    logger: logger.child({ job: 'github-statuses' }),
    api: new OctokitDeployments(octokit),
    permalinks: new WebPermalinks(
      createDeliveryWebClient({ token: env.SLACK_BOT_TOKEN, slackApiUrl: env.SLACK_API_URL }),
    ),
  });
  const gate = new CommitGate(new OctokitCommitChecks(octokit));
  const githubWeb = githubWebBase(env.GITHUB_API_URL);

  // Estimates, progress and stalls.
  const estimator = new Estimator({ db, clock });
  const targetOf = targetOfDeployment(config);
  const repos = buildRepos(db);
  const progress = new ProgressHook({ db, config, clock, logger, estimator, targetOf, repos });
  // Every redraw of a thread parent shows "elapsed/ETA": to start while queued, to finish while running.
  const parentEta = (d: Deployment) => progress.parentEtaMs(d);
  // One set of repositories, one thread-parent renderer and reporter, one lifecycle, shared by every service.
  const core = buildDeploymentCore({ db, config, clock, logger, githubWeb, parentEta, repos });

  // Issue 4: approvals, locks, rollbacks and the buttons behind them.
  const approvals = new ApprovalService({ db, config, clock, logger, github, githubWeb, core });
  const locks = new LockService({ db, clock, logger, repos });
  const rollbacks = new RollbackService({
    db,
    config,
    clock,
    logger,
    approvals,
    locks,
    recovery: new StackRecovery(aws, budget),
    githubWeb,
    core,
  });

  const autoDeployRepo = new AutoDeployRepo(db);
  // Digests: drift (CloudFormation) and health (history, CloudFormation, GitHub).
  const runs = new DigestRunsRepo(db);
  const cfnDrift = new CloudFormationDrift(aws, {
    clock,
    budget,
    ...(deps.driftSleep ? { sleep: deps.driftSleep } : {}),
  });
  const region = defaultRegion ? { defaultRegion } : {};
  const digests = new Digests({
    config,
    db,
    runs,
    outbox: new OutboxRepo(db),
    clock,
    logger,
    jobs: {
      drift: new DriftDigestJob({
        config,
        detector: cfnDrift,
        runs,
        drift: new DriftRepo(db),
        clock,
        logger,
        ...region,
      }),
      health: new HealthDigestJob({
        config,
        health: new HealthRepo(db),
        runs,
        stacks: cfnDrift,
        github,
        clock,
        logger,
        githubWeb,
        autoDeployOf: (t) => {
          if (!t.env.autoDeploy) return undefined;
          const c = autoDeployRepo.latest(t.key);
          return { branch: t.env.autoDeploy.branch, candidate: c && { id: c.id, sha: c.sha, state: c.state } };
        },
        delivery: new DeliveryRepo(db),
        ...region,
      }),
    },
  });

  const requests = new DeployRequests({
    db,
    config,
    github,
    clock,
    githubWeb,
    approvals,
    locks,
    gate,
    eta: (d) => progress.queueEta(d),
    core,
    promotion: new PromotionGate({ db, config }),
  });
  const promotions = new PromotionService({ db, config, clock, logger, requests });
  // Issue 16: the branch heads that deploy themselves; a signed push webhook only makes the read happen now.
  const autoDeploy = new AutoDeployer({
    db,
    config,
    clock,
    logger: logger.child({ job: 'auto-deploy' }),
    heads: new OctokitBranchHeads(octokit),
    github,
    requests,
    githubWeb,
    core,
  });
  const routes = env.GITHUB_WEBHOOK_SECRET
    ? [
        githubWebhookRoute(
          new GitHubWebhook({ secret: env.GITHUB_WEBHOOK_SECRET, clock, logger, autoDeploys: autoDeployRepo }),
          (push) => autoDeploy.pushed(push),
          logger,
        ),
      ]
    : [];
  const status = new StatusReport({ config, clock, githubWeb, locks, repos });

  enableProcessMetrics();
  const liveness = new WorkerLiveness(clock);
  const gauges = runtimeGauges({ db, clock, awsBudgetTokens: () => budget.available() });
  // The outbox is built below; readiness is only asked once the app serves requests.
  const ready = () => readiness(db, liveness, outbox.slackAuth.broken());

  const app = createApp({
    env,
    logger,
    healthy: () => db.open,
    routes: [metricsRoute(gauges), readyRoute(ready), ...routes],
    ...(deps.receiver ? { receiver: deps.receiver } : {}),
    ...(deps.botIds ? { botIds: deps.botIds } : {}),
    ...(deps.slackClientOptions ? { clientOptions: deps.slackClientOptions } : {}),
  });
  const doctor = new SlackDoctor(config, () =>
    doctorContext({
      config,
      slackToken: env.SLACK_BOT_TOKEN,
      slackApiUrl: env.SLACK_API_URL,
      githubToken: env.GITHUB_TOKEN,
      githubApiUrl: env.GITHUB_API_URL,
      defaultRegion,
      logger: logger.child({ source: 'doctor' }),
      aws,
    }),
  );

  // App Home and the /deploy form (issue 17): views through Bolt's client, the form through the typed path.
  const views = new WebSlackViews(app.client);
  const home = new HomeDashboard({ db, config, clock, githubWeb, locks, etaMs: parentEta });
  const homeRefresher = new HomeRefresher({
    build: (user) => home.build(user),
    views,
    clock,
    logger: logger.child({ job: 'home' }),
    ...(deps.homeRefresh ? { options: deps.homeRefresh } : {}),
  });
  const deployForm = new DeployFormService({ config, requests, branches: new GitHubBranches(octokit) });
  const formDeps = { form: deployForm, views, logger };
  const versions = new VersionReport({ db, config, github, githubWeb, logger });
  registerCommands(app, {
    config,
    requests,
    status,
    digests,
    versions,
    locks,
    rollbacks,
    logger,
    doctor,
    deployForm: formDeps,
  });
  registerInteractions(app, { approvals, rollbacks, promotions, logger });
  registerAppHome(app, { home: homeRefresher, logger });
  registerDeployModal(app, formDeps);

  const delivery =
    deps.slackDelivery ??
    new SlackWebDelivery(createDeliveryWebClient({ token: env.SLACK_BOT_TOKEN, slackApiUrl: env.SLACK_API_URL }));
  const outbox = new OutboxWorker({
    db,
    clock,
    logger: logger.child({ job: 'outbox' }),
    slack: countedSlack(delivery),
    ...(deps.outboxOptions ? { options: deps.outboxOptions } : {}),
    onTick: tickObserver('outbox-worker', liveness),
  });
  const deploy = new DeployWorker({
    db,
    config,
    clock,
    logger: logger.child({ job: 'deploy' }),
    aws,
    budget,
    onTick: tickObserver('deploy-worker', liveness),
    workerId: deps.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    githubWeb,
    actions: new OctokitActions(octokit),
    adoptAllAtStart: true,
    onPoll: progress.onPoll,
    core,
    autoRollback: (id) => rollbacks.autoRollback(id),
  });
  const approvalExpiry = new ApprovalExpiryJob(approvals, logger);
  const gateWatcher = new GateWatcher({ db, config, clock, logger, gate, approvals, core });
  const learner = new HistoryLearner({
    db,
    config,
    clock,
    logger: logger.child({ job: 'history-learner' }),
    cfn: new CloudFormationAdapter(aws, budget),
    codebuild: new CodeBuildAdapter(aws, budget),
  });
  const scheduler = new DigestScheduler({ config, digests, logger, ...(deps.cron ? { cron: deps.cron } : {}) });

  const jobs: Job[] = [
    // Reads need membership even where chat:write.public lets the bot post (issue 11 item 1).
    ...(delivery instanceof SlackWebDelivery
      ? [new ChannelJoinJob({ config, slack: delivery, logger: logger.child({ job: 'channel-join' }) })]
      : []),
    watched({ name: 'outbox-worker', start: () => outbox.start(), stop: () => outbox.stop() }, liveness),
    watched({ name: 'deploy-worker', start: () => deploy.start(), stop: () => deploy.stop() }, liveness),
    // Not watched by /readyz: GitHub's mirror being behind never makes Coxswain unready.
    { name: 'github-status-worker', start: () => githubStatuses.start(), stop: () => githubStatuses.stop() },
    intervalJob('approval-expiry', () => approvalExpiry.start(APPROVAL_EXPIRY_MS)),
    intervalJob('gate-watcher', () => gateWatcher.start()),
    intervalJob('auto-deploy', () => autoDeploy.start()),
    scheduler,
    { name: 'history-learner', start: () => learner.start(), stop: () => learner.stop() },
    { name: 'home-refresh', start: () => homeRefresher.start(), stop: () => homeRefresher.stop() },
  ];

  return {
    env,
    config,
    logger,
    clock,
    db,
    aws,
    github,
    githubWeb,
    app,
    services: { requests, status, approvals, locks, rollbacks, digests, progress, home, deployForm, promotions },
    workers: {
      deploy,
      outbox,
      githubStatuses,
      approvalExpiry,
      gateWatcher,
      autoDeploy,
      digests: scheduler,
      learner,
      home: homeRefresher,
    },
    jobs,
    ready,
    gauges,
  };
}
