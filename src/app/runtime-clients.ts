/**
 * The clients of the outside world, built once per runtime: AWS (with the one request budget), GitHub (Octokit,
 * the commit-check gate) and the Slack Web client of the outbox. Adapters wrap them; nothing else builds one.
 */
import type { WebClient } from '@slack/web-api';
import { AwsBudget } from '../adapters/aws-budget.js';
import { AwsClients } from '../adapters/aws-clients.js';
import { createOctokit, type GitHub, OctokitGitHub } from '../adapters/github.js';
import { OctokitCommitChecks } from '../adapters/github-checks.js';
import { createDeliveryWebClient } from '../adapters/slack-web.js';
import { CommitGate } from '../gates/commit-gate.js';
import type { Db } from '../store/db.js';
import { githubWebBase } from '../views/links.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Env } from './env.js';
import type { Logger } from './logger.js';
import type { RuntimeDeps } from './runtime.js';

export interface Clients {
  defaultRegion: string | undefined;
  aws: AwsClients;
  /** One request budget for every AWS call: the runner, the Roll back button and the digests share AWS's rate limit. */
  budget: AwsBudget;
  octokit: ReturnType<typeof createOctokit>;
  github: GitHub;
  gate: CommitGate;
  githubWeb: string;
  /** Slack's Web API without client retries (the outbox retries): deliveries and permalinks. */
  slackWeb: WebClient;
}

/** What every other part of the runtime is built from (runtime-services.ts, -slack.ts, -workers.ts). */
export interface RuntimeBase {
  env: Env;
  config: Config;
  db: Db;
  logger: Logger;
  clock: Clock;
  clients: Clients;
  deps: RuntimeDeps;
}

export function buildClients(env: Env, config: Config, logger: Logger, clock: Clock, deps: RuntimeDeps): Clients {
  const defaultRegion = config.region ?? env.AWS_REGION;
  const octokit = createOctokit({
    token: env.GITHUB_TOKEN,
    baseUrl: env.GITHUB_API_URL,
    logger: logger.child({ source: 'github' }),
    ...(deps.githubRetries !== undefined ? { retries: deps.githubRetries } : {}),
  });
  return {
    defaultRegion,
    aws: deps.aws ?? new AwsClients({ defaultRegion }),
    budget: new AwsBudget({
      clock,
      ratePerSecond: config.aws.requestsPerSecond,
      burst: config.aws.burst,
      ...(deps.awsSleep ? { sleep: deps.awsSleep } : {}),
    }),
    octokit,
    github: new OctokitGitHub(octokit, () => clock.now()),
    gate: new CommitGate(new OctokitCommitChecks(octokit)),
    githubWeb: githubWebBase(env.GITHUB_API_URL),
    slackWeb: createDeliveryWebClient({ token: env.SLACK_BOT_TOKEN, slackApiUrl: env.SLACK_API_URL }),
  };
}
