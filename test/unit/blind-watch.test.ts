import { describe, expect, it } from 'vitest';
import { BLIND_WATCH_MS, blindOutcome, blindWatchDelay } from '../../src/domain/blind-watch.js';
import { blindOutcomeReply, blindWatchingReply } from '../../src/views/blind-watch.js';

const MIN = 60_000;

describe('blind watch pacing', () => {
  it('backs off from 2 to 5 to 15 minutes and is bounded to 24 h', () => {
    expect(blindWatchDelay(0)).toBe(2 * MIN);
    expect(blindWatchDelay(59 * MIN)).toBe(2 * MIN);
    expect(blindWatchDelay(60 * MIN)).toBe(5 * MIN);
    expect(blindWatchDelay(6 * 60 * MIN)).toBe(15 * MIN);
    expect(BLIND_WATCH_MS).toBe(24 * 60 * MIN);
  });
});

describe('blind outcome', () => {
  it('trusts our own stack-level event over the stack status (a later update may be running)', () => {
    expect(blindOutcome('UPDATE_COMPLETE', 'UPDATE_IN_PROGRESS')).toEqual({
      kind: 'succeeded',
      status: 'UPDATE_COMPLETE',
    });
    expect(blindOutcome('UPDATE_ROLLBACK_COMPLETE', 'UPDATE_COMPLETE')).toEqual({
      kind: 'rolled_back',
      status: 'UPDATE_ROLLBACK_COMPLETE',
    });
  });

  it('falls back to the stack status, and keeps watching while it is in progress', () => {
    expect(blindOutcome('UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED')).toEqual({
      kind: 'failed',
      status: 'UPDATE_ROLLBACK_FAILED',
    });
    expect(blindOutcome(undefined, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toEqual({
      kind: 'running',
      status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    });
    expect(blindOutcome('UPDATE_IN_PROGRESS', undefined)).toEqual({ kind: 'gone' });
    expect(blindOutcome(undefined, 'DELETE_COMPLETE')).toEqual({ kind: 'gone' });
  });
});

describe('blind watch replies', () => {
  it('says nothing is watched when no stack update is running', () => {
    const m = blindWatchingReply({ deploymentId: 7, minutes: 60, code: 'AccessDenied', watched: [], watchHours: 24 });
    expect(m.text).toBe(
      'Monitoring stopped for deploy #7: AWS denied the reads for 60 min (AccessDenied). No running stack update of this deployment is left to watch.',
    );
  });

  it('names the stacks a failed first stack never let start, and escapes the cause', () => {
    const m = blindOutcomeReply({
      stackName: 'a',
      stackUrl: 'https://console.example/a',
      sha: 'abc1234def',
      outcome: { kind: 'failed', status: 'UPDATE_ROLLBACK_FAILED' },
      cause: 'Db: <b>denied</b>',
      notStarted: ['b'],
    });
    expect(m.text).toBe('a ended in UPDATE_ROLLBACK_FAILED meanwhile: Db: <b>denied</b>');
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('Db: &lt;b&gt;denied&lt;/b&gt;');
    expect(text).toContain('Not started by this deployment: `b`.');
  });
});
