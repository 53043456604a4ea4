import { describe, expect, it } from 'vitest';
import {
  compareDrift,
  fingerprint,
  type StackDriftResult,
  shortPath,
  summarizeDifferences,
} from '../../src/domain/drift-diff.js';
import { modified } from './fakes.js';

function stack(
  targetKey: string,
  status: StackDriftResult['status'],
  resources = [] as StackDriftResult['resources'],
  reason: string | null = null,
): StackDriftResult {
  return {
    targetKey,
    stackName: targetKey.replace('/', '-'),
    region: 'us-east-1',
    stackId: null,
    status,
    reason,
    resources,
  };
}

describe('drift diff (pure)', () => {
  it('shortens property paths and summarizes expected → actual', () => {
    expect(shortPath('/Properties/Tags/0/Value')).toBe('Tags.0.Value');
    expect(shortPath('')).toBe('(resource)');
    expect(
      summarizeDifferences([
        { path: '/Properties/Timeout', expected: '30', actual: '60', type: 'NOT_EQUAL' },
        { path: '/Properties/Layers/1', expected: null, actual: 'arn:aws:lambda:layer', type: 'ADD' },
        { path: '/Properties/Description', expected: 'api', actual: null, type: 'REMOVE' },
      ]),
    ).toBe('Timeout: 30 → 60; +Layers.1: arn:aws:lambda:layer; −Description (was api)');
    const long = summarizeDifferences(
      Array.from({ length: 40 }, (_, i) => ({
        path: `/Properties/P${i}`,
        expected: 'a'.repeat(30),
        actual: 'b'.repeat(30),
        type: 'NOT_EQUAL' as const,
      })),
      300,
    );
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long).toMatch(/…\+\d+ more$/);
  });

  it('fingerprints ignore the order of differences', () => {
    const a = {
      driftStatus: 'MODIFIED',
      differences: [modified('x', 'A', '1', '2').differences[0]!, modified('x', 'B', '1', '2').differences[0]!],
    };
    const b = { driftStatus: 'MODIFIED', differences: [...a.differences].reverse() };
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it('marks new, changed, resolved and same; unknown never resolves resources', () => {
    const fn = modified('Fn', 'MemorySize', '512', '1024');
    const before = [
      stack('a/x', 'DRIFTED', [fn]),
      stack('b/x', 'DRIFTED', [fn]),
      stack('c/x', 'IN_SYNC'),
      stack('d/x', 'DRIFTED', [fn]),
      stack('e/x', 'DRIFTED', [fn]),
    ];
    const after = [
      stack('a/x', 'DRIFTED', [fn]),
      stack('b/x', 'DRIFTED', [modified('Fn', 'MemorySize', '512', '2048')]),
      stack('c/x', 'DRIFTED', [fn]),
      stack('d/x', 'IN_SYNC'),
      stack('e/x', 'UNKNOWN', [], 'throttled by AWS, try again later'),
      stack('f/x', 'IN_SYNC'),
    ];
    const c = compareDrift(after, before);
    expect(c.hasBaseline).toBe(true);
    expect(c.stacks.map((s) => [s.targetKey, s.mark])).toEqual([
      ['a/x', 'same'],
      ['b/x', 'changed'],
      ['c/x', 'new'],
      ['d/x', 'resolved'],
      ['e/x', 'new'],
      ['f/x', 'same'],
    ]);
    expect(c.stacks[1]!.marked[0]!.mark).toBe('changed');
    expect(c.stacks[3]!.resolvedResources).toEqual(['Fn']);
    expect(c.stacks[4]!.resolvedResources).toEqual([]);
    expect(c.anyChange).toBe(true);
    expect(compareDrift(before, before).anyChange).toBe(false);
  });

  it('marks nothing on the first run', () => {
    const c = compareDrift([stack('a/x', 'DRIFTED', [modified('Fn', 'M', '1', '2')])]);
    expect(c.hasBaseline).toBe(false);
    expect(c.stacks[0]!.mark).toBe('same');
    expect(c.stacks[0]!.marked[0]!.mark).toBe('same');
  });
});
