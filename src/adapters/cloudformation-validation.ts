import { DescribeEventsCommand, type OperationEvent } from '@aws-sdk/client-cloudformation';
import type { EarlyValidationFinding } from '../domain/early-validation.js';
import type { AwsBudget } from './aws-budget.js';
import type { AwsClients } from './aws-clients.js';

const MAX_PAGES = 5;

function finding(e: OperationEvent): EarlyValidationFinding | undefined {
  if (!e.ValidationName && !e.ValidationStatusReason) return undefined;
  return {
    name: e.ValidationName ?? 'validation',
    status: e.ValidationStatus ?? 'FAILED',
    mode: e.ValidationFailureMode === 'WARN' ? 'WARN' : 'FAIL',
    reason: e.ValidationStatusReason ?? e.ResourceStatusReason ?? null,
    path: e.ValidationPath ?? null,
    logicalId: e.LogicalResourceId ?? null,
    resourceType: e.ResourceType ?? null,
  };
}

/**
 * CloudFormation's early-validation findings of one change set: `DescribeEvents` with the change set and
 * `Filters.FailedEvents` (needs `cloudformation:DescribeEvents`). Through the shared request budget.
 */
export class EarlyValidationReader {
  constructor(
    private readonly aws: AwsClients,
    private readonly budget: AwsBudget,
  ) {}

  async findings(region: string | undefined, stackName: string, changeSet: string): Promise<EarlyValidationFinding[]> {
    const out: EarlyValidationFinding[] = [];
    let next: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.budget.run(() =>
        this.aws.cloudFormation(region).send(
          new DescribeEventsCommand({
            StackName: stackName,
            ChangeSetName: changeSet,
            Filters: { FailedEvents: true },
            ...(next ? { NextToken: next } : {}),
          }),
        ),
      );
      for (const e of res.OperationEvents ?? []) {
        const f = finding(e);
        if (f) out.push(f);
      }
      next = res.NextToken;
      if (!next) break;
    }
    return out;
  }
}
