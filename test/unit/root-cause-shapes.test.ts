import { describe, expect, it } from 'vitest';
import { rollbackProgress } from '../../src/domain/cfn-status.js';
import { type CauseEvent, causeLine, findRootCause, nestedMessage } from '../../src/domain/root-cause.js';
import { resourceStates } from '../../src/domain/stall.js';

/*
 * Event sequences in CloudFormation's own wording, oldest first (as CloudFormation wrote them), taken from:
 * - serverless/serverless#3935: an export in use fails no resource; UPDATE_ROLLBACK_IN_PROGRESS fires at once with
 *   the reason. Wording "Export X cannot be deleted as it is in use by Y" from AWS Knowledge Center
 *   "cloudformation-stack-export-name-error" (linked from aws-cloudformation/cloudformation-coverage-roadmap#1116).
 * - widdix/aws-s3-virusscan#39 (an events log): CREATE_IN_PROGRESS "User Initiated", then ROLLBACK_IN_PROGRESS
 *   "No export named -SubnetAPublic found. Rollback requested by user.", ROLLBACK_COMPLETE.
 * - OctopusDeploy/Issues#7630: UPDATE_ROLLBACK_IN_PROGRESS "No export named … found" with no failed resource.
 * - aws-samples/aws-saas-factory-bootcamp#26: a nested stack resource CREATE_FAILED "Embedded stack arn:… was not
 *   successfully created: No export named module-saas-bootcamp-base-PUBLICSUBNET1 found".
 * - aws-samples/aws-scalable-big-blue-button-example#74: "Embedded stack arn:… was not successfully created: The
 *   following resource(s) failed to create: […]".
 * - aws/aws-cdk#29916: a resource's own "Resource handler returned message: …" and the stack's UPDATE_ROLLBACK_FAILED
 *   "The following resource(s) failed to update: [A, B]." (two real failures).
 * - convox/rack#2142: resource event ids are "<LogicalId>-<STATUS>-<timestamp>", so sorting by id sorts by name.
 */
const ARN = 'arn:aws:cloudformation:us-east-1:123456789012:stack';
const STACK = 'web-staging';
const stackArn = `${ARN}/${STACK}/5ef0fbc0-a686-11e8-b47f-50d5cd26c2d2`;
const T = Date.parse('2026-12-01T12:00:00.000Z');

let n = 0;
function ev(logicalId: string, status: string, reason: string | null, at: number, more: Partial<CauseEvent> = {}) {
  n += 1;
  const own = logicalId === STACK;
  return {
    eventId: own ? `uuid-${n}` : `${logicalId}-${status}-${new Date(T + at).toISOString()}`,
    logicalId,
    resourceType: own ? 'AWS::CloudFormation::Stack' : 'AWS::Lambda::Function',
    status,
    reason,
    timestamp: T + at,
    physicalId: own ? stackArn : `${logicalId.toLowerCase()}-1`,
    ...more,
  } satisfies CauseEvent;
}

describe('root cause: stack-level only', () => {
  it('names the stack rollback reason when no resource failed (export in use)', () => {
    const rc = findRootCause(
      [
        ev(STACK, 'UPDATE_IN_PROGRESS', 'User Initiated', 0),
        ev('Fn', 'UPDATE_COMPLETE', null, 2000),
        ev(
          STACK,
          'UPDATE_ROLLBACK_IN_PROGRESS',
          'Export web-staging-QueueUrl cannot be deleted as it is in use by worker-staging',
          3000,
        ),
        ev(STACK, 'UPDATE_ROLLBACK_COMPLETE', null, 9000),
      ],
      STACK,
    );
    expect(rc.kind).toBe('stack');
    expect(rc.cause?.status).toBe('UPDATE_ROLLBACK_IN_PROGRESS');
    expect(rc.reason).toBe('Export web-staging-QueueUrl cannot be deleted as it is in use by worker-staging');
    expect(causeLine(rc)).toBe(
      'web-staging: Export web-staging-QueueUrl cannot be deleted as it is in use by worker-staging',
    );
  });

  it('drops "Rollback requested by user." from the reason and never names "User Initiated" or a summary', () => {
    const rc = findRootCause(
      [
        ev(STACK, 'CREATE_IN_PROGRESS', 'User Initiated', 0),
        ev(STACK, 'ROLLBACK_IN_PROGRESS', 'No export named -SubnetAPublic found. Rollback requested by user.', 3000),
        ev(STACK, 'ROLLBACK_COMPLETE', null, 5000),
      ],
      STACK,
    );
    expect(rc.reason).toBe('No export named -SubnetAPublic found.');
    for (const reason of [
      'User Initiated',
      'Rollback requested by user.',
      'The following resource(s) failed to create: [Bucket]. Rollback requested by user.',
    ]) {
      const none = findRootCause([ev(STACK, 'ROLLBACK_IN_PROGRESS', reason, 1000)], STACK);
      expect(none.cause, reason).toBeUndefined();
    }
  });

  it('tells a nested stack child’s own events from a resource by its ARN, without knowing its name', () => {
    const child = `${ARN}/web-staging-Db-1ABC/guid-2`;
    const rc = findRootCause([
      ev('web-staging-Db-1ABC', 'UPDATE_ROLLBACK_IN_PROGRESS', 'No export named shared-VpcId found', 1000, {
        resourceType: 'AWS::CloudFormation::Stack',
        physicalId: child,
      }),
    ]);
    expect(rc).toMatchObject({ kind: 'stack', reason: 'No export named shared-VpcId found' });
  });
});

describe('root cause: nested stack whose own events cannot be read', () => {
  const child = `${ARN}/UserManagerService-DevEnvironment-1T0U35TGL2RVK/1a359160-99c7-11e8-9afa-060ae44bf6ec`;
  const nested = (at: number, reason: string) =>
    ev('DevEnvironment', 'CREATE_FAILED', reason, at, {
      resourceType: 'AWS::CloudFormation::Stack',
      physicalId: child,
    });

  it('names the nested stack resource with the part of its message after the colon, and says it was not read', () => {
    const rc = findRootCause(
      [
        ev(STACK, 'CREATE_IN_PROGRESS', 'User Initiated', 0),
        nested(4000, `Embedded stack ${child} was not successfully created: No export named base-PUBLICSUBNET1 found`),
        ev(STACK, 'ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [DevEnvironment]. ', 5000),
      ],
      STACK,
    );
    expect(rc).toMatchObject({ kind: 'nested', reason: 'No export named base-PUBLICSUBNET1 found', unread: true });
    expect(rc.cause?.logicalId).toBe('DevEnvironment');
    expect(causeLine(rc)).toBe(
      'DevEnvironment: No export named base-PUBLICSUBNET1 found (its own events could not be read)',
    );
  });

  it('does not say "could not be read" when the child was read and had nothing better', () => {
    const rc = findRootCause(
      [
        ev(
          'UserManagerService-DevEnvironment-1T0U35TGL2RVK',
          'ROLLBACK_IN_PROGRESS',
          'Rollback requested by user.',
          3000,
          {
            resourceType: 'AWS::CloudFormation::Stack',
            physicalId: child,
          },
        ),
        nested(4000, `Embedded stack ${child} was not successfully created: No export named base-PUBLICSUBNET1 found`),
      ],
      STACK,
    );
    expect(rc).toMatchObject({ kind: 'nested', unread: false });
  });

  it('keeps the whole message when nothing follows the preamble, and reads both wordings', () => {
    const bare = `Embedded stack ${child} was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS.`;
    expect(findRootCause([nested(1000, bare)], STACK)).toMatchObject({ kind: 'nested', reason: bare });
    expect(
      nestedMessage(
        `Embedded stack ${child} was not successfully created: The following resource(s) failed to create: [BBBNatGateway1EIP].`,
      ),
    ).toEqual({ childId: child, message: 'The following resource(s) failed to create: [BBBNatGateway1EIP].' });
  });
});

describe('root cause: ranking and same-second failures', () => {
  const child = `${ARN}/web-staging-Api-9XYZ/guid-3`;
  const embedded = (at: number) =>
    ev(
      'Api',
      'UPDATE_FAILED',
      `Embedded stack ${child} was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS.`,
      at,
      { resourceType: 'AWS::CloudFormation::Stack', physicalId: child },
    );
  const handler = (id: string, at: number, msg: string) =>
    ev(id, 'UPDATE_FAILED', `Resource handler returned message: "${msg}" (HandlerErrorCode: InvalidRequest)`, at);

  it('ranks a resource’s own reason over nested wording and stack reasons, even when it comes last', () => {
    const rc = findRootCause(
      [
        embedded(1000),
        ev('Queue', 'UPDATE_FAILED', 'Resource update cancelled', 1500),
        ev(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', 'No export named shared-VpcId found', 2000),
        handler('Db', 2500, "You can't currently modify the storage of this DB instance"),
      ],
      STACK,
    );
    expect(rc).toMatchObject({ kind: 'resource', more: 0 });
    expect(rc.cause?.logicalId).toBe('Db');
    expect(rc.cascades.map((c) => c.logicalId)).toEqual(['Api', 'Queue']);
  });

  it('ranks nested wording over a stack-level reason', () => {
    const rc = findRootCause(
      [ev(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', 'No export named shared-VpcId found', 500), embedded(1000)],
      STACK,
    );
    expect(rc.kind).toBe('nested');
    expect(rc.cause?.logicalId).toBe('Api');
  });

  it('names the first of same-second real failures in CloudFormation’s order, not by event id, and counts the rest', () => {
    // Same millisecond; CloudFormation wrote Zeta first. Sorting by id would put Alpha ("Alpha-UPDATE_FAILED-…") first.
    const events = [
      handler('Zeta', 1200, 'Rotation lambda ARN is invalid'),
      handler('Alpha', 1200, "You can't currently modify the storage of this DB instance"),
      handler('Mid', 1900, 'Storage size 10 is below the minimum'),
      handler('Later', 2100, 'Invalid parameter: KmsMasterKeyId'),
      ev(
        STACK,
        'UPDATE_ROLLBACK_FAILED',
        'The following resource(s) failed to update: [Alpha, Zeta, Mid, Later]. ',
        9000,
      ),
    ];
    expect(events[1]!.eventId.localeCompare(events[0]!.eventId)).toBeLessThan(0);
    const rc = findRootCause(events, STACK);
    expect(rc.cause?.logicalId).toBe('Zeta');
    expect(rc.more).toBe(2);
    expect(causeLine(rc)).toMatch(/^Zeta: Resource handler returned message: .* \(and 2 more failures\)$/);
    expect(rc.cascades.map((c) => c.logicalId)).toEqual([STACK]);
  });
});

describe('a nested stack’s own events, stored to find the cause, are not resources', () => {
  it('neither counts in rollback progress nor as a resource in progress for stall detection', () => {
    const child = `${ARN}/web-staging-Db-1ABC/guid-2`;
    const own = ev('web-staging-Db-1ABC', 'UPDATE_ROLLBACK_IN_PROGRESS', 'The following resource(s) failed', 2000, {
      resourceType: 'AWS::CloudFormation::Stack',
      physicalId: child,
    });
    const nestedResource = ev('Db', 'UPDATE_IN_PROGRESS', null, 2500, {
      resourceType: 'AWS::CloudFormation::Stack',
      physicalId: child,
    });
    expect(rollbackProgress([own, nestedResource], STACK, T).inProgress).toEqual(['Db']);
    const states = resourceStates([own, nestedResource].map((e) => ({ ...e, stackName: STACK })));
    expect(states.inProgress.map((r) => r.logicalId)).toEqual(['Db']);
    expect(states.seen).toBe(1);
  });
});
