/** Pieces of CloudFormation answers the tests script into the fake (cfn-nock.ts). */

/** A ResourceChange entry of DescribeChangeSet's Changes (API_ResourceChange.html). */
export function resourceChange(logicalId: string, type: string, o: { action?: string; replacement?: string } = {}) {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: o.action ?? 'Modify',
      LogicalResourceId: logicalId,
      ResourceType: type,
      ...(o.replacement ? { Replacement: o.replacement } : {}),
    },
  };
}

/**
 * A stack event's own fields (the fake adds EventId and Timestamp): one resource's status. No ClientRequestToken
 * member when `token` is undefined: DescribeStackEvents omits it for operations started without one, which is what
 * `sam deploy` and `aws cloudformation deploy` do (aws/aws-cli#2907).
 */
export function resourceEvent(
  logical: string,
  type: string,
  status: string,
  token?: string,
  reason?: string,
  physical?: string,
) {
  return {
    LogicalResourceId: logical,
    ResourceType: type,
    ResourceStatus: status,
    ...(token ? { ClientRequestToken: token } : {}),
    ...(reason ? { ResourceStatusReason: reason } : {}),
    ...(physical ? { PhysicalResourceId: physical } : {}),
  };
}
