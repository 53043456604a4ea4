import { describe, expect, it } from 'vitest';
import type { Remaining } from '../../src/domain/eta.js';
import { honestPercent, progressReply } from '../../src/views/progress.js';

const weak: Remaining = {
  expectedMs: 540_000,
  lowMs: 100_000,
  highMs: 1_800_000,
  longerThanUsual: false,
  basis: 'default',
  samples: 0,
};

describe('progress bar honesty', () => {
  it('draws progress from resources done / total when the time estimate is a default guess', () => {
    // The first deploy seen in issue 13: 9 s in, "ETA ~9 min", and 3 of 4 resources done.
    expect(honestPercent(9_000, weak, { done: 3, total: 4 })).toBe(75);
    const reply = progressReply({
      deploymentId: 1,
      phases: ['changeset', 'stack_update'],
      phase: 'stack_update',
      elapsedMs: 9_000,
      resources: { done: 3, total: 4 },
      remaining: weak,
    });
    expect(reply.text).toContain('75%');
    expect(reply.text).not.toContain(' 0%');
    expect(reply.text).toContain('resources 3/4 done');
  });

  it('keeps the time-based bar for a history-based estimate, but never 0% beside resources done', () => {
    const known: Remaining = { ...weak, basis: 'target-history', samples: 8, expectedMs: 60_000 };
    expect(honestPercent(60_000, known, { done: 1, total: 4 })).toBe(50);
    expect(honestPercent(0, known, { done: 1, total: 4 })).toBe(25);
    expect(honestPercent(0, known, { done: 0, total: 4 })).toBe(0);
    expect(honestPercent(9_000, weak)).toBe(0);
  });

  it('never shows 100% while running', () => {
    expect(honestPercent(9_000, weak, { done: 4, total: 4 })).toBe(95);
  });
});
