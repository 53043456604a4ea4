import { describe, expect, it } from 'vitest';
import { type WorkQueue, workQueue } from '../../src/slack/commands/handle-command.js';

/** Simulated time: sleeping advances the clock and delivers the commands that arrive meanwhile. */
function simulated(arrivalsAt: number[], options: { quietMs: number; maxDeferMs: number }) {
  let t = 0;
  const pending = [...arrivalsAt];
  let queue: WorkQueue | undefined;
  const q = workQueue({
    ...options,
    now: () => t,
    sleep: async (ms) => {
      const end = t + ms;
      while (pending.length > 0 && pending[0]! <= end) {
        t = pending.shift()!;
        queue!.arrived();
      }
      t = end;
    },
  });
  queue = q;
  return { q, now: () => t };
}

// Replies yield to acks: work waits for a quiet moment in the stream of commands, but never longer than maxDeferMs.
describe('post-ack work queue', () => {
  it('holds work while commands keep arriving and runs it once they stop', async () => {
    const burst = Array.from({ length: 10 }, (_, i) => 3 * (i + 1)); // an arrival every 3 ms until 30 ms
    const { q, now } = simulated(burst, { quietMs: 5, maxDeferMs: 1000 });
    q.arrived();
    const ranAt = await q.run(async () => now());
    expect(ranAt).toBeGreaterThanOrEqual(35); // the last arrival (30 ms) plus the quiet period
    expect(ranAt).toBeLessThanOrEqual(40);
  });

  it('never defers longer than maxDeferMs under a steady stream', async () => {
    const steady = Array.from({ length: 100 }, (_, i) => 2 * (i + 1)); // every 2 ms for 200 ms
    const { q, now } = simulated(steady, { quietMs: 5, maxDeferMs: 40 });
    q.arrived();
    const ranAt = await q.run(async () => now());
    expect(ranAt).toBeGreaterThanOrEqual(40);
    expect(ranAt).toBeLessThanOrEqual(45);
  });

  it('runs at once when nothing else arrives', async () => {
    const { q, now } = simulated([], { quietMs: 5, maxDeferMs: 1000 });
    await expect(q.run(async () => now())).resolves.toBe(0);
  });
});
