/**
 * Entry point: env → config → database → buildRuntime (runtime.ts: the whole wiring) → start the app and the jobs.
 * The only file that reads process.env or touches process signals.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openDb } from '../store/db.js';
import { loadConfig } from './config.js';
import { parseEnv, slackMode } from './env.js';
import { DeploymentCorrelation } from './log-correlation.js';
import { logError } from './log-error.js';
import { createLogger } from './logger.js';
import { buildRuntime, type Job } from './runtime.js';
import { shutdown } from './shutdown.js';

/** The outbox gets this long to deliver at shutdown; the hard stop comes 5 s later. */
const STOP_TIMEOUT_MARGIN_MS = 5_000;

export async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const correlation = new DeploymentCorrelation();
  const logger = createLogger(env.LOG_LEVEL, undefined, (id) => correlation.tokenOf(id));
  const config = loadConfig(env.COXSWAIN_CONFIG);
  const db = openDb(env.COXSWAIN_DB);
  const rt = buildRuntime(env, { config, db, logger });
  correlation.use(rt.repos.deployments);
  const { app, aws } = rt;
  const running: Job[] = [];
  await app.start();
  logger.info(
    { mode: slackMode(env), port: env.PORT, db: env.COXSWAIN_DB, services: Object.keys(config.services) },
    'coxswain started',
  );
  for (const job of rt.jobs) {
    await job.start();
    running.push(job);
    logger.info({ job: job.name }, 'job started');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const flushMs = (env.SHUTDOWN_FLUSH_SECONDS ?? 10) * 1000;
    const timeoutMs = flushMs + STOP_TIMEOUT_MARGIN_MS;
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    const { undelivered } = await shutdown({
      app,
      jobs: running,
      flush: () => rt.workers.outbox.tick(),
      db,
      outbox: rt.repos.outbox,
      destroyClients: () => aws.destroy(),
      logger,
      flushMs,
    });
    logger.info({ undelivered }, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logError(logger, reason, {}, 'unhandled promise rejection');
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
