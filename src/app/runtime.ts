/**
 * The whole composition, as a function: config + database + clients → repositories and domain services → Bolt app
 * with commands and buttons → jobs. main.ts calls it with real clients; the integration tests call it with nock'd
 * endpoints, a FakeClock and a no-op receiver, so what they test is exactly what runs. Each part is built once,
 * in its own file: runtime-clients.ts, runtime-services.ts, runtime-slack.ts, runtime-workers.ts.
 */
import type { Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { AwsClients } from '../adapters/aws-clients.js';
import type { GitHub } from '../adapters/github.js';
import type { SlackDelivery } from '../adapters/slack-web.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { ApprovalExpiryJob } from '../approvals/expiry-job.js';
import type { AutoDeployer } from '../autodeploy/auto-deployer.js';
import type { DeployFormService } from '../deploys/deploy-form.js';
import type { DeployRequests } from '../deploys/requests.js';
import type { StatusReport } from '../deploys/status-report.js';
import type { Digests } from '../digests/digests.js';
import type { CronApi, DigestScheduler } from '../digests/scheduler.js';
import type { HistoryLearner } from '../estimates/history-learner.js';
import type { ProgressHook } from '../estimates/progress-hook.js';
import type { GateWatcher } from '../gates/gate-watcher.js';
import type { GitHubStatusWorker } from '../github/status-worker.js';
import type { HomeDashboard } from '../home/home-dashboard.js';
import type { HomeRefresher, HomeRefreshOptions } from '../home/refresh-job.js';
import type { LockService } from '../locks/lock-service.js';
import { type Readiness, readiness } from '../metrics/http-routes.js';
import { WorkerLiveness } from '../metrics/liveness.js';
import { enableProcessMetrics } from '../metrics/registry.js';
import { runtimeGauges } from '../metrics/runtime-gauges.js';
import type { OutboxWorker, OutboxWorkerOptions } from '../outbox/worker.js';
import type { PromotionService } from '../promotion/promotion-service.js';
import type { RollbackService } from '../rollbacks/rollback-service.js';
import type { DeployWorker } from '../runner/worker.js';
import type { App } from '../slack/bolt-app.js';
import type { Db } from '../store/db.js';
import type { Repos } from '../store/repos.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Env } from './env.js';
import type { Logger } from './logger.js';
import { buildClients } from './runtime-clients.js';
import { buildServices } from './runtime-services.js';
import { buildSlackApp } from './runtime-slack.js';
import { buildWorkers } from './runtime-workers.js';

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
  /** The repositories, built once (store/repos.ts): main.ts's shutdown and log correlation read through them. */
  repos: Repos;
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

export function buildRuntime(env: Env, deps: RuntimeDeps): Runtime {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const clients = buildClients(env, config, logger, clock, deps);
  const base = { env, config, db, logger, clock, clients, deps };
  const services = buildServices(base);

  enableProcessMetrics();
  const liveness = new WorkerLiveness(clock);
  const gauges = runtimeGauges({
    gauges: services.core.gauges,
    clock,
    awsBudgetTokens: () => clients.budget.available(),
  });
  // The workers are built below; readiness is only asked once the app serves requests.
  const ready = () => readiness(db, liveness, workers.outbox.slackAuth.broken());
  const { app, homeRefresher } = buildSlackApp({ ...base, services, gauges, ready });
  const workers = buildWorkers({ ...base, services, liveness, homeRefresher });
  const { jobs, ...running } = workers;

  const { requests, status, approvals, locks, rollbacks, digests, progress, home, deployForm, promotions } = services;
  return {
    env,
    config,
    logger,
    clock,
    db,
    repos: services.core,
    aws: clients.aws,
    github: clients.github,
    githubWeb: clients.githubWeb,
    app,
    services: { requests, status, approvals, locks, rollbacks, digests, progress, home, deployForm, promotions },
    workers: running,
    jobs,
    ready,
    gauges,
  };
}
