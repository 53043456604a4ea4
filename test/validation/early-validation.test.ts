import { afterEach, describe, expect, it } from 'vitest';
import { Harness, SHA } from '../pipeline/harness.js';

let h: Harness;
afterEach(() => h?.close());

/** A finding as DescribeEvents returns it (API_DescribeEvents; aws-cdk-cli EarlyValidationReporter). */
function finding(o: { name: string; reason: string; path: string; mode?: 'FAIL' | 'WARN'; logicalId?: string }) {
  return {
    EventId: `ev-${o.name}`,
    EventType: 'VALIDATION_ERROR',
    OperationType: 'CREATE_CHANGESET',
    LogicalResourceId: o.logicalId,
    ResourceType: 'AWS::S3::Bucket',
    Timestamp: new Date(0),
    ValidationFailureMode: o.mode ?? 'FAIL',
    ValidationName: o.name,
    ValidationStatus: 'FAILED',
    ValidationStatusReason: o.reason,
    ValidationPath: o.path,
  };
}

async function toChangeSet(x: Harness) {
  const d = x.enqueue('web', 'staging', SHA);
  await x.tickUntil(() => x.cfn.changeSets.has(`coxswain-${d.id}-1`));
  return d;
}

describe('CloudFormation early validation', () => {
  it('a FAILED change set naming AWS::EarlyValidation: each finding is the root cause; nothing executed', async () => {
    h = new Harness();
    const d = await toChangeSet(h);
    const name = `coxswain-${d.id}-1`;
    h.cfn.changeSets.set(name, {
      Status: 'FAILED',
      StatusReason: 'The following hook(s)/validation failed: [AWS::EarlyValidation::ResourceExistenceCheck]',
      ExecutionStatus: 'UNAVAILABLE',
      Changes: [],
    });
    h.cfn.operationEvents.set(name, [
      finding({
        name: 'ResourceExistenceCheck',
        reason: 'Resource of type AWS::S3::Bucket with identifier acme-orders already exists',
        path: '/Resources/OrdersBucket/Properties/BucketName',
      }),
      finding({
        name: 'PropertyValidation',
        reason: 'Tags must be an array',
        path: '/Resources/Queue/Properties/Tags',
      }),
    ]);

    await h.tickUntil(() => h.get(d.id).state === 'failed');

    const failed = h.get(d.id);
    expect(failed.failure).toMatchObject({
      phase: 'changeset',
      logicalId: 'OrdersBucket',
      stackName: 'web-staging',
      reason:
        'ResourceExistenceCheck: Resource of type AWS::S3::Bucket with identifier acme-orders already exists (/Resources/OrdersBucket/Properties/BucketName); PropertyValidation: Tags must be an array (/Resources/Queue/Properties/Tags)',
    });
    const root = h.reply(d.id, 'root-cause')!;
    expect(root.blocks).toContain('early validation refused the change set of `web-staging`; nothing was executed');
    expect(root.blocks).toContain('/Resources/OrdersBucket/Properties/BucketName');
    expect(root.blocks).toContain('PropertyValidation: Tags must be an array (/Resources/Queue/Properties/Tags)');
    expect(h.reply(d.id, 'result')!.blocks).toContain('the stack was not changed');
    expect(h.cfn.count('ExecuteChangeSet')).toBe(0);
    const call = h.cfn.calls.find((c) => c.action === 'DescribeEvents')!.params;
    expect(call.get('ChangeSetName')).toBe(name);
    expect(call.get('StackName')).toBe('web-staging');
    expect(call.get('Filters.FailedEvents')).toBe('true');
  });

  it('WARN findings are shown with the change set and do not block it', async () => {
    h = new Harness();
    const d = await toChangeSet(h);
    const name = `coxswain-${d.id}-1`;
    h.cfn.operationEvents.set(name, [
      finding({
        name: 'BucketEmptinessCheck',
        reason: 'Bucket acme-logs is not empty',
        path: '/Resources/Logs',
        mode: 'WARN',
      }),
    ]);
    h.cfn.readyChangeSet(name, []);
    await h.tickUntil(() => h.cfn.count('ExecuteChangeSet') === 1);
    const cs = h.reply(d.id, 'changeset-1')!;
    expect(cs.blocks).toContain('Early validation warnings (not blocking)');
    expect(cs.blocks).toContain('BucketEmptinessCheck: Bucket acme-logs is not empty (/Resources/Logs)');
  });

  it('without cloudformation:DescribeEvents the failure still names the status reason', async () => {
    h = new Harness();
    const d = await toChangeSet(h);
    const name = `coxswain-${d.id}-1`;
    h.cfn.changeSets.set(name, {
      Status: 'FAILED',
      StatusReason: 'The following hook(s)/validation failed: [AWS::EarlyValidation::PropertyValidation]',
      ExecutionStatus: 'UNAVAILABLE',
      Changes: [],
    });
    // CloudFormation's answer to a role without the permission.
    h.cfn.failNext(
      'DescribeEvents',
      'AccessDenied',
      'User is not authorized to perform: cloudformation:DescribeEvents',
      403,
    );
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure!.reason).toContain('AWS::EarlyValidation::PropertyValidation');
    expect(h.cfn.count('ExecuteChangeSet')).toBe(0);
  });
});
