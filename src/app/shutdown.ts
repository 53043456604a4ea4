/**
 * Clean shutdown on SIGTERM/SIGINT: stop taking new work (Slack commands, schedules, claims), let the deploy
 * worker finish its tick, flush the Slack outbox for up to `flushMs`, then close the clients and the database.
 * A deployment in flight stays in its state and is adopted by the next process (DeployWorker adoptAllAtStart).
 */
import type { App } from '../slack/bolt-app.js';
import type { Db } from '../store/db.js';
import type { OutboxRepo } from '../store/outbox-repo.js';
import { logError } from './log-error.js';
import type { Logger } from './logger.js';

export interface ShutdownDeps {
  app: Pick<App, 'stop'>;
  /** Started jobs, in start order (outbox worker first); stopped newest first. */
  jobs: { name: string; stop(): void | Promise<void> }[];
  /** One outbox delivery pass (OutboxWorker.tick). */
  flush: () => Promise<void>;
  /** Closed last. */
  db: Db;
  outbox: Pick<OutboxRepo, 'undeliveredCount'>;
  destroyClients: () => void;
  logger: Logger;
  flushMs: number;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function shutdown(d: ShutdownDeps): Promise<{ undelivered: number }> {
  const now = d.now ?? Date.now;
  const sleep = d.sleep ?? realSleep;
  try {
    await d.app.stop();
  } catch (err) {
    logError(d.logger, err, {}, 'slack app did not stop cleanly', 'warn');
  }
  // Jobs newest first: schedules and claims stop, the deploy worker finishes its tick, the outbox loop last.
  for (const job of [...d.jobs].reverse()) {
    try {
      await job.stop();
    } catch (err) {
      logError(d.logger, err, { job: job.name }, 'job did not stop cleanly');
    }
  }
  // What the last ticks queued (a final state, a thread reply) is delivered now rather than after the restart.
  const deadline = now() + d.flushMs;
  let left = d.outbox.undeliveredCount();
  while (left > 0 && now() < deadline) {
    try {
      await d.flush();
    } catch (err) {
      logError(d.logger, err, {}, 'outbox flush failed');
    }
    left = d.outbox.undeliveredCount();
    if (left > 0) await sleep(Math.min(250, Math.max(0, deadline - now())));
  }
  if (left > 0) d.logger.warn({ undelivered: left }, 'outbox not empty at shutdown; the next start delivers the rest');
  d.destroyClients();
  d.db.close();
  return { undelivered: left };
}
