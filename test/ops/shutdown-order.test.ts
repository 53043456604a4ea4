import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { shutdown } from '../../src/app/shutdown.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';

describe('shutdown()', () => {
  it('stops Slack first, then jobs newest first, flushes for at most flushMs, then closes the database', async () => {
    const db = testDb();
    const outbox = new OutboxRepo(db);
    outbox.post({ key: 'd1:parent', channel: 'C0DEPLOYS', message: { text: 'x' } }, 0);
    const clock = new FakeClock();
    const order: string[] = [];
    const job = (name: string) => ({ name, stop: async () => void order.push(`stop ${name}`) });
    const r = await shutdown({
      app: { stop: async () => void order.push('stop slack') },
      jobs: [job('outbox-worker'), job('deploy-worker'), job('digest-scheduler')],
      // Slack never takes it: the flush keeps trying until the deadline, then gives up.
      flush: async () => void order.push('flush'),
      db,
      outbox,
      destroyClients: () => order.push('destroy clients'),
      logger: silentLogger,
      flushMs: 1_000,
      now: () => clock.now(),
      sleep: async (ms) => void clock.advance(ms),
    });
    expect(order.slice(0, 4)).toEqual([
      'stop slack',
      'stop digest-scheduler',
      'stop deploy-worker',
      'stop outbox-worker',
    ]);
    expect(order.filter((o) => o === 'flush')).toHaveLength(4);
    expect(order.at(-1)).toBe('destroy clients');
    expect(r).toEqual({ undelivered: 1 });
    expect(db.open).toBe(false);
  });
});
