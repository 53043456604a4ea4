/**
 * CloudFormation early validation (on by default): a change set that would fail is FAILED before anything runs,
 * its status reason naming `AWS::EarlyValidation`; DescribeEvents holds one finding per problem.
 */
export interface EarlyValidationFinding {
  /** e.g. PropertyValidation, ResourceExistenceCheck, BucketEmptinessCheck. */
  name: string;
  status: string;
  /** FAIL blocks the change set; WARN is shown but does not. */
  mode: 'FAIL' | 'WARN';
  reason: string | null;
  /** Where in the template, e.g. /Resources/OrdersBucket/Properties/BucketName. */
  path: string | null;
  logicalId: string | null;
  resourceType: string | null;
}

export function isEarlyValidationFailure(statusReason: string | null | undefined): boolean {
  return !!statusReason && /AWS::EarlyValidation/.test(statusReason);
}

export function blocking(findings: readonly EarlyValidationFinding[]): EarlyValidationFinding[] {
  return findings.filter((f) => f.mode === 'FAIL');
}

export function warnings(findings: readonly EarlyValidationFinding[]): EarlyValidationFinding[] {
  return findings.filter((f) => f.mode === 'WARN');
}

/** The logical id a finding is about: its event's, else the one its template path names. */
export function findingResource(f: EarlyValidationFinding): string | null {
  return f.logicalId ?? /^\/Resources\/([^/]+)/.exec(f.path ?? '')?.[1] ?? null;
}

/** "PropertyValidation: Bucket name must be lowercase (/Resources/OrdersBucket/Properties/BucketName)" */
export function findingLine(f: EarlyValidationFinding): string {
  return `${f.name}: ${f.reason ?? f.status}${f.path ? ` (${f.path})` : ''}`;
}
