import cron, { type ScheduledTask, type TaskFn, type TaskOptions } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { type CronApi, DigestScheduler } from '../../src/digests/scheduler.js';
import type { DigestKind } from '../../src/store/digest-runs-repo.js';
import { exampleConfig } from '../helpers/config.js';

class RecordingCron implements CronApi {
  created: { expression: string; fn: TaskFn; options: TaskOptions | undefined; task: ScheduledTask }[] = [];
  createTask(expression: string, fn: TaskFn, options?: TaskOptions): ScheduledTask {
    const task = cron.createTask(expression, fn, options); // real task, never started by node-cron itself
    const state = { started: 0, stopped: 0, destroyed: 0 };
    const fake = Object.assign(Object.create(task) as ScheduledTask, {
      start: () => void state.started++,
      stop: () => void state.stopped++,
      destroy: () => void state.destroyed++,
      state,
    });
    this.created.push({ expression, fn, options, task: fake });
    return fake;
  }
}

function hourIn(tz: string, d: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hour12: false }).format(
    d,
  );
}

describe('DigestScheduler', () => {
  it('creates one task per configured digest with its expression, timezone and noOverlap', async () => {
    const fake = new RecordingCron();
    const posted: DigestKind[] = [];
    const scheduler = new DigestScheduler({
      config: exampleConfig(),
      digests: { post: async (k) => void posted.push(k) },
      logger: silentLogger,
      cron: fake,
    });
    await scheduler.start();
    await scheduler.start(); // idempotent
    expect(fake.created.map((c) => [c.expression, c.options])).toEqual([
      ['0 8 * * 1-5', { name: 'digest-drift', timezone: 'Europe/Berlin', noOverlap: true }],
      ['0 9 * * 1', { name: 'digest-health', timezone: 'UTC', noOverlap: true }],
    ]);
    // The timezone really reaches node-cron: the next drift run is at 08:00 Berlin time on a weekday.
    // (getNextRun() is null while a task is stopped; getNextRuns() is not.)
    const next = fake.created[0]!.task.getNextRuns(7);
    expect(next.map((d) => hourIn('Europe/Berlin', d))).toEqual(Array(7).fill('08:00'));
    const weekdays = next.map((d) =>
      new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', weekday: 'short' }).format(d),
    );
    expect(weekdays).not.toContain('Sat');
    expect(weekdays).not.toContain('Sun');
    expect(fake.created[1]!.task.getNextRuns(2).map((d) => [hourIn('UTC', d), d.getUTCDay()])).toEqual([
      ['09:00', 1],
      ['09:00', 1],
    ]);

    // The cron callback posts that digest.
    await fake.created[0]!.fn({ date: new Date(), dateLocalIso: '', triggeredAt: new Date() });
    await fake.created[1]!.fn({ date: new Date(), dateLocalIso: '', triggeredAt: new Date() });
    expect(posted).toEqual(['drift', 'health']);

    await scheduler.stop();
    const states = fake.created.map((c) => (c.task as unknown as { state: Record<string, number> }).state);
    expect(states).toEqual([
      { started: 1, stopped: 1, destroyed: 1 },
      { started: 1, stopped: 1, destroyed: 1 },
    ]);
  });

  it('schedules nothing for digests that are not configured, and a failing run never throws', async () => {
    const fake = new RecordingCron();
    const config = exampleConfig((raw) => ({ ...raw, digests: { health: raw.digests.health } }));
    const scheduler = new DigestScheduler({
      config,
      digests: {
        post: async () => {
          throw new Error('database is locked');
        },
      },
      logger: silentLogger,
      cron: fake,
    });
    await scheduler.start();
    expect(fake.created.map((c) => c.options?.name)).toEqual(['digest-health']);
    await expect(scheduler.tick('health')).resolves.toBeUndefined();
    await scheduler.stop();
  });

  it('names the config field when a cron expression is invalid', async () => {
    const config = exampleConfig((raw) => ({
      ...raw,
      digests: { drift: { ...raw.digests.drift, cron: '99 99 * * *' } },
    }));
    const scheduler = new DigestScheduler({
      config,
      digests: { post: async () => {} },
      logger: silentLogger,
      cron: new RecordingCron(),
    });
    await expect(scheduler.start()).rejects.toThrow(
      /digests\.drift\.cron: "99 99 \* \* \*" is not a valid cron expression/,
    );
  });
});
