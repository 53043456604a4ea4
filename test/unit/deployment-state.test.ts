import { describe, expect, it } from 'vitest';
import {
  ACTIVE_STATES,
  assertTransition,
  canTransition,
  IllegalTransitionError,
  STATES,
  TERMINAL_STATES,
} from '../../src/domain/deployment-state.js';

describe('deployment state machine', () => {
  it('lets a queued deployment start building or deploying, or be cancelled', () => {
    expect(canTransition('queued', 'building')).toBe(true);
    expect(canTransition('queued', 'deploying')).toBe(true);
    expect(canTransition('queued', 'cancelled')).toBe(true);
    expect(canTransition('queued', 'succeeded')).toBe(false);
  });

  it('never leaves a terminal state', () => {
    for (const from of TERMINAL_STATES) {
      for (const to of STATES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('only reaches an active state from queued or another active state', () => {
    for (const to of ACTIVE_STATES) {
      for (const from of STATES) {
        if (canTransition(from, to)) expect(['queued', ...ACTIVE_STATES]).toContain(from);
      }
    }
  });

  it('throws a named error for an illegal move', () => {
    expect(() => assertTransition('succeeded', 'deploying')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('succeeded', 'deploying')).toThrow('succeeded → deploying');
  });

  it('approval leads to the queue, and only from pending_approval', () => {
    expect(canTransition('pending_approval', 'queued')).toBe(true);
    expect(canTransition('pending_approval', 'building')).toBe(false);
  });
});
