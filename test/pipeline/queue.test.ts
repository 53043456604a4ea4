import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { Harness, SHA } from './harness.js';

let h: Harness;
let dir: string | undefined;
afterEach(() => {
  h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const SHA2 = 'b'.repeat(40);

describe('queue and locking', () => {
  it('lets exactly one of two workers on two connections claim a target; other targets run in parallel', async () => {
    dir = mkdtempSync(join(tmpdir(), 'coxswain-race-'));
    const file = join(dir, 'race.db');
    const db1 = openDb(file);
    const db2 = openDb(file);
    h = new Harness({ db: db1 });
    const w2 = h.newWorker('worker-2', { db: db2 });
    const a1 = h.enqueue('api', 'staging', SHA);
    const a2 = h.enqueue('api', 'staging', SHA2);
    const web = h.enqueue('web', 'staging', SHA);

    await Promise.all([h.worker.tick(), w2.tick(), h.worker.tick(), w2.tick()]);

    const api = [h.get(a1.id), h.get(a2.id)];
    expect(api.filter((d) => d.state === 'building')).toHaveLength(1);
    expect(api.find((d) => d.state === 'building')!.id).toBe(a1.id);
    expect(h.get(a2.id).state).toBe('queued');
    expect(h.get(web.id).state).toBe('deploying');
    expect(h.cb.count('StartBuild')).toBe(1);
    const count = db2
      .prepare(`SELECT COUNT(*) AS n FROM deployments WHERE target_key = 'api/staging' AND state = 'building'`)
      .get() as {
      n: number;
    };
    expect(count.n).toBe(1);
    // The database itself refuses a second active deployment for the target.
    expect(() => db2.prepare(`UPDATE deployments SET state = 'building' WHERE id = ?`).run(a2.id)).toThrow(/UNIQUE/);
    db2.close();
  });

  it('runs one target FIFO, telling the waiting deployment its position, then starts it', async () => {
    h = new Harness();
    const first = h.enqueue('web', 'staging', SHA, 'v1');
    const second = h.enqueue('web', 'staging', SHA2, 'v2');
    await h.worker.tick();
    expect(h.get(first.id).state).toBe('deploying');
    expect(h.get(second.id).state).toBe('queued');
    expect(h.parent(second.id).text).toContain('position 2');

    await h.finishWeb(first.id);
    await h.tickUntil(() => h.get(second.id).state === 'deploying');
    expect(h.cfn.changeSets.has(`coxswain-${second.id}-1`)).toBe(true);
    expect(h.get(second.id).startedAt).toBeGreaterThanOrEqual(h.get(first.id).finishedAt!);
  });

  it('waits while the stack is busy with an operation Coxswain did not start, then starts', async () => {
    h = new Harness();
    h.cfn.stackStatus.set('web-staging', 'UPDATE_IN_PROGRESS');
    const d = h.enqueue('web', 'staging');
    await h.worker.tick();
    const payloadsAfterFirst = JSON.stringify(h.outbox(d.id));
    h.clock.advance(5000);
    await h.worker.tick();
    const waiting = h.get(d.id);
    expect(waiting.state).toBe('queued');
    expect(waiting.waitReason).toBe('stack web-staging is UPDATE_IN_PROGRESS (started outside Coxswain)');
    expect(h.parent(d.id).blocks).toContain('stack web-staging is UPDATE_IN_PROGRESS (started outside Coxswain)');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
    // The parent is refreshed once when the reason appears, not on every tick.
    expect(JSON.stringify(h.outbox(d.id))).toBe(payloadsAfterFirst);

    h.cfn.stackStatus.set('web-staging', 'UPDATE_COMPLETE');
    h.clock.advance(5000);
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('deploying');
    expect(h.get(d.id).waitReason).toBeNull();
    expect(h.cfn.count('CreateChangeSet')).toBe(1);
  });
});
