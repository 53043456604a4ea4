/**
 * The background loops of the runtime and their start order: Slack delivery, the deploy worker, the GitHub status
 * queue, approval expiry, the commit-check and branch watchers, digests, the history learner and Home refresh.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CloudFormationAdapter } from '../adapters/cloudformation.js';
import { CodeBuildAdapter } from '../adapters/codebuild.js';
import { OctokitActions } from '../adapters/github-actions.js';
import { OctokitDeployments } from '../adapters/github-deployments.js';
import { WebPermalinks } from '../adapters/slack-permalink.js';
import { type SlackDelivery, SlackWebDelivery } from '../adapters/slack-web.js';
import { ApprovalExpiryJob } from '../approvals/expiry-job.js';
import { DigestScheduler } from '../digests/scheduler.js';
import { HistoryLearner } from '../estimates/history-learner.js';
import { GateWatcher } from '../gates/gate-watcher.js';
import { GitHubStatusWorker } from '../github/status-worker.js';
import type { HomeRefresher } from '../home/refresh-job.js';
import { countedSlack } from '../metrics/counted-slack.js';
import { tickObserver } from '../metrics/instrument.js';
import type { WorkerLiveness } from '../metrics/liveness.js';
import { ChannelJoinJob } from '../outbox/channel-join.js';
import { OutboxWorker } from '../outbox/worker.js';
import { DeployWorker } from '../runner/worker.js';
import type { Job } from './runtime.js';
import type { RuntimeBase } from './runtime-clients.js';
import type { Services } from './runtime-services.js';

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

/** A job around a worker's own start/stop. */
const jobOf = (name: string, w: { start(): void | Promise<void>; stop(): void | Promise<void> }): Job => ({
  name,
  start: () => w.start(),
  stop: () => w.stop(),
});

export interface WorkersInput extends RuntimeBase {
  services: Services;
  liveness: WorkerLiveness;
  homeRefresher: HomeRefresher;
}

export type Workers = ReturnType<typeof buildWorkers>;

export function buildWorkers({ config, db, logger, clock, clients, services: s, liveness, ...i }: WorkersInput) {
  const { deps } = i;
  const { aws, budget, octokit } = clients;
  const githubStatuses = new GitHubStatusWorker({
    repos: s.repos,
    targetOf: s.core.targetOf,
    clock,
    logger: logger.child({ job: 'github-statuses' }),
    api: new OctokitDeployments(octokit),
    permalinks: new WebPermalinks(clients.slackWeb),
  });
  const delivery: SlackDelivery = deps.slackDelivery ?? new SlackWebDelivery(clients.slackWeb);
  const outbox = new OutboxWorker({
    outbox: s.repos.outboxDelivery,
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
    githubWeb: clients.githubWeb,
    actions: new OctokitActions(octokit),
    adoptAllAtStart: true,
    onPoll: s.progress.onPoll,
    core: s.core,
    autoRollback: (id) => s.rollbacks.autoRollback(id),
  });
  const approvalExpiry = new ApprovalExpiryJob(s.approvals, logger);
  const gateWatcher = new GateWatcher({
    db,
    config,
    clock,
    logger,
    gate: clients.gate,
    approvals: s.approvals,
    core: s.core,
  });
  const learner = new HistoryLearner({
    learnedHistory: s.repos.learnedHistory,
    config,
    clock,
    logger: logger.child({ job: 'history-learner' }),
    cfn: new CloudFormationAdapter(aws, budget),
    codebuild: new CodeBuildAdapter(aws, budget),
  });
  const scheduler = new DigestScheduler({
    config,
    digests: s.digests,
    logger,
    ...(deps.cron ? { cron: deps.cron } : {}),
  });

  const jobs: Job[] = [
    // Reads need membership even where chat:write.public lets the bot post (issue 11 item 1).
    ...(delivery instanceof SlackWebDelivery
      ? [new ChannelJoinJob({ config, slack: delivery, logger: logger.child({ job: 'channel-join' }) })]
      : []),
    watched(jobOf('outbox-worker', outbox), liveness),
    watched(jobOf('deploy-worker', deploy), liveness),
    // Not watched by /readyz: GitHub's mirror being behind never makes Coxswain unready.
    jobOf('github-status-worker', githubStatuses),
    intervalJob('approval-expiry', () => approvalExpiry.start(APPROVAL_EXPIRY_MS)),
    intervalJob('gate-watcher', () => gateWatcher.start()),
    intervalJob('auto-deploy', () => s.autoDeploy.start()),
    scheduler,
    jobOf('history-learner', learner),
    jobOf('home-refresh', i.homeRefresher),
  ];
  return {
    deploy,
    outbox,
    githubStatuses,
    approvalExpiry,
    gateWatcher,
    autoDeploy: s.autoDeploy,
    digests: scheduler,
    learner,
    home: i.homeRefresher,
    jobs,
  };
}
