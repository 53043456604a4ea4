import { describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import { CloudFormationDrift } from '../../src/adapters/cloudformation-drift.js';
import { testBudget } from '../helpers/aws-budget.js';
import { cfnScope, matchAction, queryResponse, stackArn, XML } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { mockDetection, mockResourceDrifts, resourceDrift } from './drift-nock.js';

// DetectStackDrift does not look into nested stacks (DetectStackDrift API reference): the parent's
// AWS::CloudFormation::Stack resources are found with ListStackResources (StackResourceSummaries, the physical id is
// the nested stack's id) and each nested stack is detected on its own.
const REGION = 'eu-west-1';
const PARENT = 'api-production';
const NESTED =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/api-production-DbStack-1ABC/9f8e7d6c-0000-1111-2222-333344445555';

function listWithNested() {
  const summary = (logicalId: string, physicalId: string, type: string) => ({
    LogicalResourceId: logicalId,
    PhysicalResourceId: physicalId,
    ResourceType: type,
    ResourceStatus: 'UPDATE_COMPLETE',
    LastUpdatedTimestamp: '2026-11-20T09:00:00Z',
    DriftInformation: { StackResourceDriftStatus: 'IN_SYNC' },
  });
  return cfnScope(REGION)
    .post('/', matchAction('ListStackResources', { StackName: PARENT }))
    .reply(
      200,
      queryResponse('ListStackResources', {
        StackResourceSummaries: [
          summary('Topic', 'arn:aws:sns:eu-west-1:123456789012:t', 'AWS::SNS::Topic'),
          summary('DbStack', NESTED, 'AWS::CloudFormation::Stack'),
        ],
      }),
      XML,
    );
}

function detector() {
  const clock = new FakeClock();
  return new CloudFormationDrift(new AwsClients({ maxAttempts: 1 }), {
    clock,
    budget: testBudget(clock),
    sleep: async (ms) => {
      clock.advance(ms);
    },
  });
}

describe('drift detection looks into nested stacks', () => {
  it('reports a drifted resource of a nested stack although the parent is IN_SYNC', async () => {
    const list = listWithNested();
    mockDetection(REGION, PARENT, { detection: 'DETECTION_COMPLETE', drift: 'IN_SYNC' });
    mockDetection(REGION, NESTED, { detection: 'DETECTION_COMPLETE', drift: 'DRIFTED' });
    mockResourceDrifts(REGION, NESTED, [
      resourceDrift(NESTED, REGION, {
        logicalId: 'Instance',
        type: 'AWS::RDS::DBInstance',
        diffs: [{ path: '/AllocatedStorage', expected: '20', actual: '50', type: 'NOT_EQUAL' }],
      }),
    ]);
    const c = await detector().check({ name: PARENT, region: REGION });
    expect(list.isDone()).toBe(true);
    expect(c.status).toBe('DRIFTED');
    expect(c.stackId).toBe(stackArn(REGION, PARENT));
    expect(c.status === 'DRIFTED' ? c.resources.map((r) => [r.logicalId, r.resourceType]) : []).toEqual([
      ['DbStack/Instance', 'AWS::RDS::DBInstance'],
    ]);
  });

  it('says the parent was not fully checked when a nested stack cannot be', async () => {
    listWithNested();
    mockDetection(REGION, PARENT, { detection: 'DETECTION_COMPLETE', drift: 'IN_SYNC' });
    mockDetection(REGION, NESTED, {
      detection: 'DETECTION_FAILED',
      reason: 'Failed to detect drift on resource [Instance]',
    });
    const c = await detector().check({ name: PARENT, region: REGION });
    expect(c).toMatchObject({ status: 'UNKNOWN' });
    expect(c.status === 'UNKNOWN' ? c.reason : '').toContain('nested stack DbStack not checked');
  });
});
