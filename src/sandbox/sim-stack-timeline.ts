/**
 * SIMULATION. What the sandbox's CloudFormation shows while a change set executes: the stack events of a commit
 * that succeeds, fails with an RDS quota, or stalls (world.ts), as steps timed from the execution's start.
 */
import type { Behaviour } from './world.js';

export interface Step {
  afterMs: number;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
  /** The stack's status from this step on. */
  stackStatus?: string;
}

export const STACK = 'AWS::CloudFormation::Stack';
/** Stretches the timelines below: slow enough to watch the progress reply move, quick enough not to bore. */
export const PACE = 2;
const RDS_QUOTA =
  'Resource handler returned message: "DB instance quota exceeded (Service: Rds, Status Code: 400, Request ID: 5f1c0a7e-3b2d-4c8e-9f10-2a6b7d8e9c01)" (RequestToken: 8e2f6a10-4c1d-4b7e-a9f3-0d5c6b7a8e91, HandlerErrorCode: ServiceLimitExceeded)';

export function timeline(behaviour: Behaviour, stack: string): Step[] {
  const begin: Step = {
    afterMs: 0,
    logicalId: stack,
    type: STACK,
    status: 'UPDATE_IN_PROGRESS',
    reason: 'User Initiated',
  };
  const task: Step[] = [
    { afterMs: 600, logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition', status: 'UPDATE_IN_PROGRESS' },
    { afterMs: 1500, logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition', status: 'UPDATE_COMPLETE' },
  ];
  if (behaviour === 'stall') {
    // An ECS service whose new tasks never pass their health check: CloudFormation waits, no events arrive.
    return [
      begin,
      ...task,
      { afterMs: 1700, logicalId: 'Service', type: 'AWS::ECS::Service', status: 'UPDATE_IN_PROGRESS' },
    ];
  }
  if (behaviour === 'fail-rds-quota') {
    return [
      begin,
      ...task,
      { afterMs: 1800, logicalId: 'InvoiceReplica', type: 'AWS::RDS::DBInstance', status: 'CREATE_IN_PROGRESS' },
      {
        afterMs: 2600,
        logicalId: 'InvoiceReplica',
        type: 'AWS::RDS::DBInstance',
        status: 'CREATE_FAILED',
        reason: RDS_QUOTA,
      },
      {
        afterMs: 2700,
        logicalId: 'Service',
        type: 'AWS::ECS::Service',
        status: 'UPDATE_FAILED',
        reason: 'Resource update cancelled',
      },
      {
        afterMs: 2900,
        logicalId: stack,
        type: STACK,
        status: 'UPDATE_ROLLBACK_IN_PROGRESS',
        reason:
          'The following resource(s) failed to create: [InvoiceReplica]. The following resource(s) failed to update: [Service].',
        stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
      },
      { afterMs: 3800, logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition', status: 'UPDATE_COMPLETE' },
      { afterMs: 4400, logicalId: 'InvoiceReplica', type: 'AWS::RDS::DBInstance', status: 'DELETE_COMPLETE' },
      {
        afterMs: 4600,
        logicalId: stack,
        type: STACK,
        status: 'UPDATE_ROLLBACK_COMPLETE',
        stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
      },
    ];
  }
  return [
    begin,
    ...task,
    { afterMs: 1700, logicalId: 'Service', type: 'AWS::ECS::Service', status: 'UPDATE_IN_PROGRESS' },
    { afterMs: 3200, logicalId: 'Service', type: 'AWS::ECS::Service', status: 'UPDATE_COMPLETE' },
    { afterMs: 3400, logicalId: stack, type: STACK, status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' },
    { afterMs: 3700, logicalId: stack, type: STACK, status: 'UPDATE_COMPLETE', stackStatus: 'UPDATE_COMPLETE' },
  ];
}

/** CancelUpdateStack: CloudFormation rolls the stack back to what it was. */
export function cancelTimeline(stack: string): Step[] {
  return [
    {
      afterMs: 0,
      logicalId: stack,
      type: STACK,
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      reason: 'Stack update cancelled',
      stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
    },
    { afterMs: 1500, logicalId: 'Service', type: 'AWS::ECS::Service', status: 'UPDATE_COMPLETE' },
    { afterMs: 2000, logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition', status: 'UPDATE_COMPLETE' },
    {
      afterMs: 2500,
      logicalId: stack,
      type: STACK,
      status: 'UPDATE_ROLLBACK_COMPLETE',
      stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
    },
  ];
}
