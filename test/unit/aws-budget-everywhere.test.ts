import { describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import { CloudFormationDrift } from '../../src/adapters/cloudformation-drift.js';
import { StackRecovery } from '../../src/adapters/cloudformation-recovery.js';
import { testBudget } from '../helpers/aws-budget.js';
import { FakeCloudFormation } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';

// The docs say every AWS call goes through the one request budget; the Roll back button and the digests too.
describe('AWS calls outside the runner go through the shared request budget', () => {
  it('StackRecovery: the status read takes a token', async () => {
    const cfn = new FakeCloudFormation('us-east-1');
    cfn.install();
    cfn.addStack('api-staging', 'UPDATE_IN_PROGRESS');
    const budget = testBudget(new FakeClock());
    const recovery = new StackRecovery(new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' }), budget);
    expect(await recovery.status({ stackName: 'api-staging', region: 'us-east-1' })).toBe('UPDATE_IN_PROGRESS');
    expect(cfn.calls.map((c) => c.action)).toEqual(['DescribeStacks']);
    expect(budget.calls).toBe(1);
  });

  it('CloudFormationDrift: the digest status read takes a token', async () => {
    const cfn = new FakeCloudFormation('us-east-1');
    cfn.install();
    cfn.addStack('api-staging', 'UPDATE_COMPLETE');
    const clock = new FakeClock();
    const budget = testBudget(clock);
    const drift = new CloudFormationDrift(new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' }), {
      clock,
      budget,
    });
    expect(await drift.stackStatus({ name: 'api-staging', region: 'us-east-1' })).toMatchObject({ found: true });
    expect(budget.calls).toBe(1);
  });
});
