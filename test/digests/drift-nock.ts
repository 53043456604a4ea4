import { cfnScope, formFields, matchAction, queryError, queryResponse, stackArn, XML } from '../helpers/cfn-nock.js';

/**
 * Drift detection as CloudFormation answers it, one-shot interceptors over the shared CloudFormation fake's writer:
 * DetectStackDrift → StackDriftDetectionId; DescribeStackDriftDetectionStatus (DetectionStatus, StackDriftStatus,
 * DetectionStatusReason); DescribeStackResourceDrifts pages (StackResourceDrifts, NextToken)
 * (docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html,
 * API_DescribeStackDriftDetectionStatus.html, API_DescribeStackResourceDrifts.html).
 */

function detectionStatus(stack: string, region: string, id: string, fields: Record<string, string | undefined>) {
  return queryResponse('DescribeStackDriftDetectionStatus', {
    StackId: stackArn(region, stack),
    StackDriftDetectionId: id,
    ...fields,
  });
}

/** DetectStackDrift → `polls` in-progress status polls → one status poll with the given outcome. */
export function mockDetection(
  region: string,
  stack: string,
  status: { detection: string; drift?: string; reason?: string; polls?: number },
) {
  const id = `det-${stack}`;
  const scope = cfnScope(region)
    .post('/', matchAction('DetectStackDrift', { StackName: stack }))
    .reply(200, queryResponse('DetectStackDrift', { StackDriftDetectionId: id }), XML);
  const running = status.polls ?? 0;
  for (let i = 0; i < running; i++) {
    scope.post('/', matchAction('DescribeStackDriftDetectionStatus', { StackDriftDetectionId: id })).reply(
      200,
      detectionStatus(stack, region, id, {
        DetectionStatus: 'DETECTION_IN_PROGRESS',
        Timestamp: '2026-11-22T09:00:00Z',
      }),
      XML,
    );
  }
  // A completed detection is followed by ListStackResources (looking for nested stacks): none, unless a test says.
  cfnScope(region)
    .post('/', matchAction('ListStackResources', { StackName: stack }))
    .optionally()
    .reply(200, queryResponse('ListStackResources', { StackResourceSummaries: [] }), XML);
  scope.post('/', matchAction('DescribeStackDriftDetectionStatus', { StackDriftDetectionId: id })).reply(
    200,
    detectionStatus(stack, region, id, {
      DetectionStatus: status.detection,
      StackDriftStatus: status.drift,
      DetectionStatusReason: status.reason,
      Timestamp: '2026-11-22T09:00:05Z',
    }),
    XML,
  );
  return scope;
}

export interface PropertyDiff {
  path: string;
  expected?: string;
  actual?: string;
  type: 'ADD' | 'REMOVE' | 'NOT_EQUAL';
}

/** One StackResourceDrift member. */
export function resourceDrift(
  stack: string,
  region: string,
  r: { logicalId: string; type: string; status?: string; diffs?: PropertyDiff[] },
): Record<string, unknown> {
  return {
    StackId: stackArn(region, stack),
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: `${r.logicalId.toLowerCase()}-phys`,
    ResourceType: r.type,
    StackResourceDriftStatus: r.status ?? 'MODIFIED',
    PropertyDifferences: (r.diffs ?? []).map((d) => ({
      PropertyPath: d.path,
      ExpectedValue: d.expected,
      ActualValue: d.actual,
      DifferenceType: d.type,
    })),
    Timestamp: '2026-11-22T09:00:05Z',
  };
}

/** One page of DescribeStackResourceDrifts, filtered to MODIFIED and DELETED. */
export function mockResourceDrifts(
  region: string,
  stack: string,
  members: Record<string, unknown>[],
  page?: { token?: string; next?: string },
) {
  const fields: Record<string, string> = {
    StackName: stack,
    'StackResourceDriftStatusFilters.member.1': 'MODIFIED',
    'StackResourceDriftStatusFilters.member.2': 'DELETED',
  };
  if (page?.token) fields.NextToken = page.token;
  return cfnScope(region)
    .post(
      '/',
      (body: unknown) =>
        matchAction('DescribeStackResourceDrifts', fields)(body) &&
        (page?.token ? true : formFields(body).NextToken === undefined),
    )
    .reply(
      200,
      queryResponse('DescribeStackResourceDrifts', { StackResourceDrifts: members, NextToken: page?.next }),
      XML,
    );
}

export function mockStackMissing(region: string, stack: string, op = 'DetectStackDrift') {
  return cfnScope(region)
    .post('/', matchAction(op, { StackName: stack }))
    .reply(400, queryError('ValidationError', `Stack with id ${stack} does not exist`), XML);
}

export function mockDescribeStack(region: string, stack: string, status: string, reason?: string) {
  return cfnScope(region)
    .post('/', matchAction('DescribeStacks', { StackName: stack }))
    .reply(
      200,
      queryResponse('DescribeStacks', {
        Stacks: [
          {
            StackId: stackArn(region, stack),
            StackName: stack,
            CreationTime: '2026-01-01T00:00:00Z',
            StackStatus: status,
            StackStatusReason: reason,
          },
        ],
      }),
      XML,
    );
}
