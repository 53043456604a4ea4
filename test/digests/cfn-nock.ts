import nock from 'nock';

/** CloudFormation speaks awsQuery: form-encoded Action=… requests, XML answers in this namespace. */
const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export function xml(action: string, inner: string): string {
  return `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`;
}

export function xmlError(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-e</RequestId></ErrorResponse>`;
}

export function cfn(region: string) {
  return nock(`https://cloudformation.${region}.amazonaws.com`);
}

/** Matches one awsQuery action and, optionally, some of its form fields. */
export function action(name: string, fields: Record<string, string> = {}) {
  return (body: Record<string, string>) =>
    body.Action === name && Object.entries(fields).every(([k, v]) => body[k] === v);
}

const STACK_ID = (name: string, region: string) =>
  `arn:aws:cloudformation:${region}:123456789012:stack/${name}/0f1e2d3c-aaaa-bbbb-cccc-000000000001`;

export function stackId(name: string, region: string): string {
  return STACK_ID(name, region);
}

/** DetectStackDrift → one status poll with the given outcome. */
export function mockDetection(
  region: string,
  stack: string,
  status: { detection: string; drift?: string; reason?: string; polls?: number },
) {
  const id = `det-${stack}`;
  const scope = cfn(region)
    .post('/', action('DetectStackDrift', { StackName: stack }))
    .reply(200, xml('DetectStackDrift', `<StackDriftDetectionId>${id}</StackDriftDetectionId>`));
  const running = status.polls ?? 0;
  for (let i = 0; i < running; i++) {
    scope
      .post('/', action('DescribeStackDriftDetectionStatus', { StackDriftDetectionId: id }))
      .reply(
        200,
        xml(
          'DescribeStackDriftDetectionStatus',
          `<StackId>${STACK_ID(stack, region)}</StackId><StackDriftDetectionId>${id}</StackDriftDetectionId><DetectionStatus>DETECTION_IN_PROGRESS</DetectionStatus><Timestamp>2026-11-22T09:00:00Z</Timestamp>`,
        ),
      );
  }
  // A completed detection is followed by ListStackResources (looking for nested stacks): none, unless a test says.
  cfn(region)
    .post('/', action('ListStackResources', { StackName: stack }))
    .optionally()
    .reply(200, xml('ListStackResources', '<StackResourceSummaries/>'));
  scope
    .post('/', action('DescribeStackDriftDetectionStatus', { StackDriftDetectionId: id }))
    .reply(
      200,
      xml(
        'DescribeStackDriftDetectionStatus',
        `<StackId>${STACK_ID(stack, region)}</StackId><StackDriftDetectionId>${id}</StackDriftDetectionId>` +
          `<DetectionStatus>${status.detection}</DetectionStatus>` +
          (status.drift ? `<StackDriftStatus>${status.drift}</StackDriftStatus>` : '') +
          (status.reason ? `<DetectionStatusReason>${status.reason}</DetectionStatusReason>` : '') +
          '<Timestamp>2026-11-22T09:00:05Z</Timestamp>',
      ),
    );
  return scope;
}

export interface XmlDiff {
  path: string;
  expected?: string;
  actual?: string;
  type: 'ADD' | 'REMOVE' | 'NOT_EQUAL';
}

export function resourceXml(
  stack: string,
  region: string,
  r: { logicalId: string; type: string; status?: string; diffs?: XmlDiff[] },
): string {
  const diffs = (r.diffs ?? [])
    .map(
      (d) =>
        `<member><PropertyPath>${d.path}</PropertyPath>` +
        (d.expected !== undefined ? `<ExpectedValue>${d.expected}</ExpectedValue>` : '') +
        (d.actual !== undefined ? `<ActualValue>${d.actual}</ActualValue>` : '') +
        `<DifferenceType>${d.type}</DifferenceType></member>`,
    )
    .join('');
  return (
    `<member><StackId>${STACK_ID(stack, region)}</StackId><LogicalResourceId>${r.logicalId}</LogicalResourceId>` +
    `<PhysicalResourceId>${r.logicalId.toLowerCase()}-phys</PhysicalResourceId><ResourceType>${r.type}</ResourceType>` +
    `<StackResourceDriftStatus>${r.status ?? 'MODIFIED'}</StackResourceDriftStatus>` +
    `<PropertyDifferences>${diffs}</PropertyDifferences><Timestamp>2026-11-22T09:00:05Z</Timestamp></member>`
  );
}

/** One page of DescribeStackResourceDrifts, filtered to MODIFIED and DELETED. */
export function mockResourceDrifts(
  region: string,
  stack: string,
  members: string[],
  page?: { token?: string; next?: string },
) {
  const fields: Record<string, string> = {
    StackName: stack,
    'StackResourceDriftStatusFilters.member.1': 'MODIFIED',
    'StackResourceDriftStatusFilters.member.2': 'DELETED',
  };
  if (page?.token) fields.NextToken = page.token;
  return cfn(region)
    .post(
      '/',
      (body: Record<string, string>) =>
        action('DescribeStackResourceDrifts', fields)(body) && (page?.token ? true : body.NextToken === undefined),
    )
    .reply(
      200,
      xml(
        'DescribeStackResourceDrifts',
        `<StackResourceDrifts>${members.join('')}</StackResourceDrifts>${page?.next ? `<NextToken>${page.next}</NextToken>` : ''}`,
      ),
    );
}

export function mockStackMissing(region: string, stack: string, op = 'DetectStackDrift') {
  return cfn(region)
    .post('/', action(op, { StackName: stack }))
    .reply(400, xmlError('ValidationError', `Stack with id ${stack} does not exist`));
}

export function mockDescribeStack(region: string, stack: string, status: string, reason?: string) {
  return cfn(region)
    .post('/', action('DescribeStacks', { StackName: stack }))
    .reply(
      200,
      xml(
        'DescribeStacks',
        `<Stacks><member><StackId>${STACK_ID(stack, region)}</StackId><StackName>${stack}</StackName>` +
          `<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>${status}</StackStatus>` +
          (reason ? `<StackStatusReason>${reason}</StackStatusReason>` : '') +
          '</member></Stacks>',
      ),
    );
}
