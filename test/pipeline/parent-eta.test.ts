import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressHook } from '../../src/estimates/progress-hook.js';
import { formatMinutes } from '../../src/views/format.js';
import { progressHook } from '../helpers/services.js';
import { Harness, SHA } from './harness.js';

const SHA2 = 'b'.repeat(40);

let h: Harness;
afterEach(() => h?.close());

/** A harness whose worker draws parents with the runtime's ETA source (ProgressHook over a real Estimator). */
function withEta(): { h: Harness; hook: ProgressHook } {
  const harness = new Harness();
  const hook = progressHook(harness.db, harness.config, harness.clock);
  harness.worker = harness.newWorker('worker-1', { parentEta: (d) => hook.parentEtaMs(d), onPoll: hook.onPoll });
  return { h: harness, hook };
}

describe('thread parent ETA', () => {
  it('keeps the ETA on every redraw: to start while queued, to finish while running, none once finished', async () => {
    const s = withEta();
    h = s.h;
    const first = h.enqueue('web', 'staging', SHA, 'v1');
    const second = h.enqueue('web', 'staging', SHA2, 'v2');
    await h.worker.tick();
    expect(h.get(first.id).state).toBe('deploying');
    expect(h.get(second.id).state).toBe('queued');

    // The queued one is redrawn when the head starts (the outbox coalesces it into the unsent post): position and
    // the time until it starts.
    const startIn = s.hook.parentEtaMs(h.get(second.id));
    expect(startIn).toBeGreaterThanOrEqual(60_000);
    const queued = h.parent(second.id);
    expect(queued.text).toMatch(/ · queued · position 2 · ETA ~\d+ min$/);
    expect(queued.text).toContain(`ETA ~${formatMinutes(startIn!)}`);
    expect(queued.blocks).toContain(`ETA ~${formatMinutes(startIn!)}`);

    // The running head: elapsed and the time until it finishes.
    const finishIn = s.hook.parentEtaMs(h.get(first.id));
    expect(finishIn).toBeGreaterThanOrEqual(60_000);
    const running = h.parent(first.id);
    expect(running.text).toMatch(/ · updating stack · 0s elapsed · ETA ~\d+ min$/);
    expect(running.text).toContain(`ETA ~${formatMinutes(finishIn!)}`);
    // Waiting behind it takes longer than running it.
    expect(startIn!).toBeLessThan(s.hook.queueEta(h.get(second.id))!.finishIn.expectedMs);

    await h.finishWeb(first.id);
    const done = h.parent(first.id);
    expect(done.text).toContain('succeeded');
    expect(done.text).not.toContain('ETA');
    expect(done.blocks).not.toContain('ETA');

    await h.tickUntil(() => h.get(second.id).state === 'deploying');
    const next = h.parent(second.id);
    expect(next.text).toMatch(/ · updating stack · .* elapsed · ETA ~\d+ min$/);
    expect(next.text).toContain(`ETA ~${formatMinutes(s.hook.parentEtaMs(h.get(second.id))!)}`);
  });

  it('shows no ETA without an ETA source, and a failing one never blocks the state change', async () => {
    h = new Harness();
    h.worker = h.newWorker('worker-1', {
      parentEta: () => {
        throw new Error('estimator broken');
      },
    });
    const d = h.enqueue('web', 'staging');
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('deploying');
    const parent = h.parent(d.id);
    expect(parent.text).toContain('updating stack');
    expect(parent.text).not.toContain('ETA');
  });
});
