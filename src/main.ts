/**
 * Composition root: env → config → database → adapters → domain services → Bolt app → jobs.
 * The only file that reads process.env or touches process signals.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AwsClients } from './adapters/aws-clients.js';
import { createOctokit, type GitHub, OctokitGitHub } from './adapters/github.js';
import { type App, createApp } from './app.js';
import { type Clock, systemClock } from './clock.js';
import { errorInfo } from './commands/handle-command.js';
import { register as registerCommands } from './commands/index.js';
import { type Config, loadConfig } from './config.js';
import { DeployRequests } from './deploy-requests.js';
import { type Env, parseEnv, slackMode } from './env.js';
import { register as registerInteractions } from './interactions/index.js';
import { createLogger, type Logger } from './logger.js';
import { StatusReport } from './status-report.js';
import { type Db, openDb } from './store/db.js';
import { githubWebBase } from './views/links.js';

/** A background loop (deploy worker, outbox worker, digest scheduler): started after the app, stopped on exit. */
export interface Job {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** Everything a job may need, built once here. */
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
}

/** The jobs to run beside the Slack app; the deploy worker, outbox worker and digest scheduler go here. */
function jobs(_rt: Runtime): Job[] {
  return [];
}

const STOP_TIMEOUT_MS = 15_000;

export async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  const config = loadConfig(env.COXSWAIN_CONFIG);
  const db = openDb(env.COXSWAIN_DB);
  const clock = systemClock;
  const aws = new AwsClients({ defaultRegion: config.region ?? env.AWS_REGION });
  const github = new OctokitGitHub(
    createOctokit({ token: env.GITHUB_TOKEN, baseUrl: env.GITHUB_API_URL, logger: logger.child({ source: 'github' }) }),
  );
  const githubWeb = githubWebBase(env.GITHUB_API_URL);

  const app = createApp({ env, logger, healthy: () => db.open });
  registerCommands(app, {
    config,
    requests: new DeployRequests({ db, config, github, clock, githubWeb }),
    status: new StatusReport({ db, config, clock, githubWeb }),
    logger,
  });
  registerInteractions(app, { logger });

  const rt: Runtime = { env, config, logger, clock, db, aws, github, githubWeb, app };
  const running: Job[] = [];
  await app.start();
  logger.info(
    { mode: slackMode(env), port: env.PORT, db: env.COXSWAIN_DB, services: Object.keys(config.services) },
    'coxswain started',
  );
  for (const job of jobs(rt)) {
    await job.start();
    running.push(job);
    logger.info({ job: job.name }, 'job started');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    // Jobs first (newest first) so nothing is mid-write when the database closes.
    for (const job of running.reverse()) {
      try {
        await job.stop();
      } catch (err) {
        logger.error({ job: job.name, err: errorInfo(err) }, 'job did not stop cleanly');
      }
    }
    try {
      await app.stop();
    } catch (err) {
      logger.warn({ err: errorInfo(err) }, 'slack app did not stop cleanly');
    }
    aws.destroy();
    db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: errorInfo(reason) }, 'unhandled promise rejection');
  });
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((err: unknown) => {
    // Startup errors (env, config) are written for the operator; they never contain secret values.
    process.stderr.write(`coxswain: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
