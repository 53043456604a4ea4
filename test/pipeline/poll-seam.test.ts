import { afterEach, describe, expect, it } from 'vitest';
import type { PollContext } from '../../src/deploys/poll-context.js';
import { Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('poll seam for progress and stall detection', () => {
  it('is called after every poll with the fresh deployment and its stacks, and cannot break the deploy', async () => {
    const seen: PollContext[] = [];
    h = new Harness({
      deps: {
        onPoll: (c) => {
          seen.push(c);
          throw new Error('estimator bug');
        },
      },
    });
    const d = h.enqueue('web', 'staging');
    await h.toUpdating(d);
    h.cfn.event(
      'web-staging',
      {
        LogicalResourceId: 'web-staging',
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_COMPLETE',
        ClientRequestToken: d.token,
      },
      h.clock.now(),
    );
    h.cfn.stackStatus.set('web-staging', 'UPDATE_COMPLETE');
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen[0]!.deployment.id).toBe(d.id);
    expect(seen.some((c) => c.stacks[0]?.status === 'updating')).toBe(true);
    expect(seen.at(-1)!.outcome).toBe('done');
    expect(seen.at(-1)!.deployment.state).toBe('succeeded');
  });
});
