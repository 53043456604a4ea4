import type { ScheduledTask, TaskFn, TaskOptions } from 'node-cron';
import cron from 'node-cron';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { DigestKind } from '../store/digest-runs-repo.js';

/** The part of node-cron 4 we use; tests pass a recording fake. */
export interface CronApi {
  createTask(expression: string, fn: TaskFn, options?: TaskOptions): ScheduledTask;
}

export interface DigestSchedulerDeps {
  config: Config;
  digests: { post(kind: DigestKind): Promise<void> };
  logger: Logger;
  cron?: CronApi;
}

const KINDS: readonly DigestKind[] = ['drift', 'health'];

/** Posts each configured digest on its cron schedule, in its time zone, never two runs of one digest at once. */
export class DigestScheduler {
  /** Fits main.ts's Job interface ({ name, start, stop }). */
  readonly name = 'digest-scheduler';
  private tasks: ScheduledTask[] = [];

  constructor(private readonly deps: DigestSchedulerDeps) {}

  /** Creates and starts one task per configured digest. Calling it twice does not double the tasks. */
  async start(): Promise<void> {
    if (this.tasks.length) return;
    const api = this.deps.cron ?? cron;
    for (const kind of KINDS) {
      const d = this.deps.config.digests?.[kind];
      if (!d) continue;
      let task: ScheduledTask;
      try {
        task = api.createTask(d.cron, () => this.tick(kind), {
          name: `digest-${kind}`,
          timezone: d.timezone,
          // A drift run can take minutes; a tick that comes while the last one runs is skipped.
          noOverlap: true,
        });
      } catch (err) {
        throw new Error(`digests.${kind}.cron: "${d.cron}" is not a valid cron expression (${(err as Error).message})`);
      }
      this.tasks.push(task);
      await task.start();
      this.deps.logger.info({ kind, cron: d.cron, timezone: d.timezone }, 'digest scheduled');
    }
  }

  async stop(): Promise<void> {
    const tasks = this.tasks;
    this.tasks = [];
    for (const t of tasks) {
      await t.stop();
      await t.destroy();
    }
  }

  /** One scheduled run; never throws, so a failure is logged and the schedule keeps going. */
  async tick(kind: DigestKind): Promise<void> {
    try {
      await this.deps.digests.post(kind);
    } catch (err) {
      logError(this.deps.logger, err, { kind }, 'scheduled digest failed');
    }
  }
}
