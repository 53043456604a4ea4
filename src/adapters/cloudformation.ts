import {
  type Change,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetOutput,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import type { ChangeSummary } from '../domain/change-summary.js';
import type { AwsBudget } from './aws-budget.js';
import type { AwsClients } from './aws-clients.js';
import { isNotFoundAwsError } from './aws-errors.js';

export interface StackInfo {
  stackId: string;
  status: string;
  statusReason: string | null;
  parameterKeys: string[];
}

export interface ChangeSetInfo {
  id: string | null;
  status: string;
  statusReason: string | null;
  executionStatus: string | null;
  changes: ChangeSummary;
}

export interface TailEvent {
  eventId: string;
  logicalId: string;
  physicalId: string | null;
  resourceType: string;
  status: string;
  reason: string | null;
  timestamp: number;
  token: string | null;
}

export interface TailResult {
  /** Events newer than `lastEventId`, newest first, of every operation (the caller filters by token). */
  events: TailEvent[];
  /** The newest event id on the stack (where the next tail stops), or the old one when nothing is new. */
  newestId: string | null;
  pages: number;
}

const MAX_TAIL_PAGES = 20;

export function summarizeChanges(changes: readonly Change[]): ChangeSummary {
  const s: ChangeSummary = { total: 0, add: 0, modify: 0, remove: 0, replacements: [] };
  for (const c of changes) {
    const rc = c.ResourceChange;
    if (!rc) continue;
    s.total += 1;
    if (rc.Action === 'Add') s.add += 1;
    else if (rc.Action === 'Remove') s.remove += 1;
    else s.modify += 1;
    if (rc.Action === 'Modify' && (rc.Replacement === 'True' || rc.Replacement === 'Conditional')) {
      s.replacements.push({
        logicalId: rc.LogicalResourceId ?? '?',
        type: rc.ResourceType ?? '?',
        conditional: rc.Replacement === 'Conditional',
      });
    }
  }
  return s;
}

/** The only code that speaks to CloudFormation; every call goes through the shared request budget. */
export class CloudFormationAdapter {
  constructor(
    private readonly aws: AwsClients,
    private readonly budget: AwsBudget,
  ) {}

  private cfn(region: string | undefined) {
    return this.aws.cloudFormation(region);
  }

  /** undefined when the stack does not exist. */
  async describeStack(region: string | undefined, stackName: string): Promise<StackInfo | undefined> {
    try {
      const out = await this.budget.run(() =>
        this.cfn(region).send(new DescribeStacksCommand({ StackName: stackName })),
      );
      const s = out.Stacks?.[0];
      if (!s) return undefined;
      return {
        stackId: s.StackId ?? stackName,
        status: s.StackStatus ?? 'UNKNOWN',
        statusReason: s.StackStatusReason ?? null,
        parameterKeys: (s.Parameters ?? []).map((p) => p.ParameterKey).filter((k): k is string => !!k),
      };
    } catch (err) {
      if (isNotFoundAwsError(err)) return undefined;
      throw err;
    }
  }

  /**
   * Without a template: UPDATE on the previous template, configured parameters set, every other one kept.
   * With `templateUrl` (mode template, or a first deploy): that template and the configured parameters only — the
   * URL form works for templates above the inline size limit. CREATE has no previous template or values to keep.
   */
  async createChangeSet(i: {
    region: string | undefined;
    stackName: string;
    changeSetName: string;
    token: string;
    parameters: Record<string, string>;
    existingKeys: string[];
    description: string;
    type?: 'CREATE' | 'UPDATE';
    templateUrl?: string | null;
    /** Alarms CloudFormation watches during the update and for `monitoringMinutes` after it (rolls back on ALARM). */
    alarms?: { arns: string[]; monitoringMinutes: number } | undefined;
  }): Promise<string | null> {
    const params: Parameter[] = Object.entries(i.parameters).map(([k, v]) => ({ ParameterKey: k, ParameterValue: v }));
    if (!i.templateUrl) {
      for (const k of i.existingKeys) {
        if (!Object.hasOwn(i.parameters, k)) params.push({ ParameterKey: k, UsePreviousValue: true });
      }
    }
    const out = await this.budget.run(() =>
      this.cfn(i.region).send(
        new CreateChangeSetCommand({
          StackName: i.stackName,
          ChangeSetName: i.changeSetName,
          ChangeSetType: i.type ?? 'UPDATE',
          ...(i.templateUrl ? { TemplateURL: i.templateUrl } : { UsePreviousTemplate: true }),
          Parameters: params,
          ClientToken: i.token,
          Description: i.description.slice(0, 1024),
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
          ...(i.alarms
            ? {
                RollbackConfiguration: {
                  RollbackTriggers: i.alarms.arns.map((Arn) => ({ Arn, Type: 'AWS::CloudWatch::Alarm' })),
                  MonitoringTimeInMinutes: i.alarms.monitoringMinutes,
                },
              }
            : {}),
        }),
      ),
    );
    return out.Id ?? null;
  }

  /** The transforms the stack's current template declares (GetTemplateSummary DeclaredTransforms). */
  async declaredTransforms(region: string | undefined, stackName: string): Promise<string[]> {
    const out = await this.budget.run(() =>
      this.cfn(region).send(new GetTemplateSummaryCommand({ StackName: stackName })),
    );
    return out.DeclaredTransforms ?? [];
  }

  /** undefined when the change set does not exist. Reads every page of changes. */
  async describeChangeSet(
    region: string | undefined,
    stackName: string,
    name: string,
  ): Promise<ChangeSetInfo | undefined> {
    const changes: Change[] = [];
    let first: DescribeChangeSetOutput | undefined;
    let next: string | undefined;
    for (let page = 0; page < MAX_TAIL_PAGES; page++) {
      let out: DescribeChangeSetOutput;
      try {
        const token = next;
        out = await this.budget.run(() =>
          this.cfn(region).send(
            new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: name, NextToken: token }),
          ),
        );
      } catch (err) {
        if (/^ChangeSetNotFound/.test((err as { name?: string }).name ?? '')) return undefined;
        throw err;
      }
      first ??= out;
      changes.push(...(out.Changes ?? []));
      next = out.NextToken;
      if (!next || out.Status !== 'CREATE_COMPLETE') break;
    }
    return {
      id: first?.ChangeSetId ?? null,
      status: first?.Status ?? 'UNKNOWN',
      statusReason: first?.StatusReason ?? null,
      executionStatus: first?.ExecutionStatus ?? null,
      changes: summarizeChanges(changes),
    };
  }

  async executeChangeSet(region: string | undefined, stackName: string, name: string, token: string): Promise<void> {
    await this.budget.run(() =>
      this.cfn(region).send(
        new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: name, ClientRequestToken: token }),
      ),
    );
  }

  /**
   * Reads events newest first and stops at `lastEventId` (or at events older than `notBefore`, the start of our
   * operation, so a first read does not page through years of history).
   */
  async tailEvents(
    region: string | undefined,
    stackName: string,
    lastEventId: string | null,
    notBefore: number,
  ): Promise<TailResult> {
    const events: TailEvent[] = [];
    let newestId: string | null = null;
    let next: string | undefined;
    let pages = 0;
    while (pages < MAX_TAIL_PAGES) {
      const token = next;
      const out = await this.budget.run(() =>
        this.cfn(region).send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: token })),
      );
      pages += 1;
      let done = false;
      for (const e of out.StackEvents ?? []) {
        if (!e.EventId) continue;
        newestId ??= e.EventId;
        const ts = e.Timestamp ? e.Timestamp.getTime() : 0;
        if (e.EventId === lastEventId || ts < notBefore) {
          done = true;
          break;
        }
        events.push({
          eventId: e.EventId,
          logicalId: e.LogicalResourceId ?? '?',
          physicalId: e.PhysicalResourceId ?? null,
          resourceType: e.ResourceType ?? '?',
          status: e.ResourceStatus ?? '?',
          reason: e.ResourceStatusReason ?? null,
          timestamp: ts,
          token: e.ClientRequestToken ?? null,
        });
      }
      next = out.NextToken;
      if (done || !next) break;
    }
    return { events, newestId: newestId ?? lastEventId, pages };
  }
}
