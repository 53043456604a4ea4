import {
  DescribeStackDriftDetectionStatusCommand,
  type DescribeStackDriftDetectionStatusCommandOutput,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import type { Clock } from '../app/clock.js';
import type { ResourceDrift } from '../domain/drift-diff.js';
import type { AwsBudget } from './aws-budget.js';
import type { AwsClients } from './aws-clients.js';
import { awsErrorCode, classifyAwsError } from './aws-errors.js';

export interface StackRef {
  name: string;
  /** undefined: the SDK's default region. */
  region: string | undefined;
}

export type StackDriftCheck =
  | { status: 'IN_SYNC'; stackId: string | null }
  | { status: 'DRIFTED'; stackId: string | null; resources: ResourceDrift[] }
  | { status: 'UNKNOWN'; stackId: string | null; reason: string };

export type StackStatusCheck =
  | { found: true; stackId: string; stackStatus: string; reason: string | null }
  | { found: false; reason: string };

/** What the drift digest needs from CloudFormation. */
export interface DriftDetector {
  check(stack: StackRef): Promise<StackDriftCheck>;
}

/** What the health digest needs from CloudFormation. */
export interface StackStatusReader {
  stackStatus(stack: StackRef): Promise<StackStatusCheck>;
}

export interface CloudFormationDriftOptions {
  clock: Clock;
  /** The shared AWS request budget: drift detection polls count against the same rate as the runner. */
  budget: AwsBudget;
  /** Injected so tests never wait; production passes a real timer. */
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  /** Give up on one stack's detection after this long (by the injected clock). */
  detectionTimeoutMs?: number;
  /** Hard cap on status polls, even if the clock never moves. */
  maxPolls?: number;
  /** Hard cap on DescribeStackResourceDrifts pages. */
  maxPages?: number;
}

/** Nested stacks inside nested stacks are followed this deep. */
const MAX_NESTED_DEPTH = 3;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Turns SDK errors into the short reason a digest reader can act on. */
export function describeAwsError(err: unknown, stackName: string): string {
  const e = err as { name?: string; message?: string };
  const message = e.message ?? String(err);
  const kind = classifyAwsError(err);
  if (kind === 'not_found') return 'stack not found';
  if (kind === 'permission' || /not authorized/i.test(message)) return `access denied (${message.slice(0, 160)})`;
  if (kind === 'credentials') return `AWS credentials expired or missing (${awsErrorCode(err)})`;
  if (kind === 'transient') {
    return /Throttl/i.test(e.name ?? '') || /rate exceeded/i.test(message)
      ? 'throttled by AWS, try again later'
      : `AWS did not answer (${awsErrorCode(err)}), try again later`;
  }
  return `${e.name ?? 'Error'} for ${stackName}: ${message.slice(0, 200)}`;
}

/** The only code that runs CloudFormation drift detection and reads stack status for digests. */
export class CloudFormationDrift implements DriftDetector, StackStatusReader {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly maxPolls: number;
  private readonly maxPages: number;

  constructor(
    private readonly clients: AwsClients,
    private readonly options: CloudFormationDriftOptions,
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.pollMs = options.pollMs ?? 5_000;
    this.timeoutMs = options.detectionTimeoutMs ?? 10 * 60_000;
    this.maxPolls = options.maxPolls ?? 240;
    this.maxPages = options.maxPages ?? 20;
  }

  /**
   * The stack's drift, nested stacks included: DetectStackDrift does not look into the stacks of its
   * AWS::CloudFormation::Stack resources (DetectStackDrift API reference), so each is checked by its stack id and
   * its drifted resources are reported as `Nested/Resource`. A nested stack that cannot be checked makes the result
   * UNKNOWN with that reason, so the digest never calls a stack in sync without having looked inside it.
   */
  async check(stack: StackRef, depth = 0): Promise<StackDriftCheck> {
    const own = await this.checkOne(stack);
    if (own.status === 'UNKNOWN' || depth >= MAX_NESTED_DEPTH) return own;
    let nested: { logicalId: string; stackId: string }[];
    try {
      nested = await this.nestedStacks(stack);
    } catch (err) {
      return {
        status: 'UNKNOWN',
        stackId: own.stackId,
        reason: `nested stacks not checked: ${describeAwsError(err, stack.name)}`,
      };
    }
    const resources = own.status === 'DRIFTED' ? [...own.resources] : [];
    for (const n of nested) {
      const c = await this.check({ name: n.stackId, region: stack.region }, depth + 1);
      if (c.status === 'UNKNOWN') {
        return {
          status: 'UNKNOWN',
          stackId: own.stackId,
          reason: `nested stack ${n.logicalId} not checked: ${c.reason}`,
        };
      }
      if (c.status === 'DRIFTED')
        resources.push(...c.resources.map((r) => ({ ...r, logicalId: `${n.logicalId}/${r.logicalId}` })));
    }
    return resources.length > 0
      ? { status: 'DRIFTED', stackId: own.stackId, resources }
      : { status: 'IN_SYNC', stackId: own.stackId };
  }

  /** The stack's AWS::CloudFormation::Stack resources that exist (their physical id is the nested stack's id). */
  private async nestedStacks(stack: StackRef): Promise<{ logicalId: string; stackId: string }[]> {
    const cfn = this.clients.cloudFormation(stack.region);
    const out: { logicalId: string; stackId: string }[] = [];
    let next: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const res = await cfn.send(
        new ListStackResourcesCommand({ StackName: stack.name, ...(next ? { NextToken: next } : {}) }),
      );
      for (const r of res.StackResourceSummaries ?? []) {
        if (r.ResourceType !== 'AWS::CloudFormation::Stack' || !r.PhysicalResourceId?.startsWith('arn:')) continue;
        if (r.ResourceStatus === 'DELETE_COMPLETE') continue;
        out.push({ logicalId: r.LogicalResourceId ?? '?', stackId: r.PhysicalResourceId });
      }
      next = res.NextToken;
      if (!next) break;
    }
    return out;
  }

  private async checkOne(stack: StackRef): Promise<StackDriftCheck> {
    const cfn = this.clients.cloudFormation(stack.region);
    let detectionId: string;
    try {
      const started = await this.options.budget.run(() =>
        cfn.send(new DetectStackDriftCommand({ StackName: stack.name })),
      );
      if (!started.StackDriftDetectionId) return { status: 'UNKNOWN', stackId: null, reason: 'no detection id' };
      detectionId = started.StackDriftDetectionId;
    } catch (err) {
      return { status: 'UNKNOWN', stackId: null, reason: describeAwsError(err, stack.name) };
    }

    const deadline = this.options.clock.now() + this.timeoutMs;
    for (let poll = 0; poll < this.maxPolls; poll++) {
      let s: DescribeStackDriftDetectionStatusCommandOutput;
      try {
        s = await this.options.budget.run(() =>
          cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId })),
        );
      } catch (err) {
        return { status: 'UNKNOWN', stackId: null, reason: describeAwsError(err, stack.name) };
      }
      const stackId = s.StackId ?? null;
      if (s.DetectionStatus === 'DETECTION_FAILED') {
        return {
          status: 'UNKNOWN',
          stackId,
          reason: `drift detection failed: ${(s.DetectionStatusReason ?? 'no reason given').slice(0, 300)}`,
        };
      }
      if (s.DetectionStatus === 'DETECTION_COMPLETE') {
        if (s.StackDriftStatus === 'IN_SYNC') return { status: 'IN_SYNC', stackId };
        if (s.StackDriftStatus !== 'DRIFTED') {
          return { status: 'UNKNOWN', stackId, reason: `drift status ${s.StackDriftStatus ?? 'missing'}` };
        }
        try {
          return { status: 'DRIFTED', stackId, resources: await this.driftedResources(stack) };
        } catch (err) {
          return { status: 'UNKNOWN', stackId, reason: `drifted, but ${describeAwsError(err, stack.name)}` };
        }
      }
      if (this.options.clock.now() >= deadline) break;
      await this.sleep(this.pollMs);
    }
    return { status: 'UNKNOWN', stackId: null, reason: 'drift detection did not finish in time' };
  }

  private async driftedResources(stack: StackRef): Promise<ResourceDrift[]> {
    const cfn = this.clients.cloudFormation(stack.region);
    const out: ResourceDrift[] = [];
    let next: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const res = await this.options.budget.run(() =>
        cfn.send(
          new DescribeStackResourceDriftsCommand({
            StackName: stack.name,
            StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
            ...(next ? { NextToken: next } : {}),
          }),
        ),
      );
      for (const d of res.StackResourceDrifts ?? []) {
        out.push({
          logicalId: d.LogicalResourceId ?? '?',
          physicalId: d.PhysicalResourceId ?? null,
          resourceType: d.ResourceType ?? '?',
          driftStatus: d.StackResourceDriftStatus ?? 'MODIFIED',
          differences: (d.PropertyDifferences ?? []).map((p) => ({
            path: p.PropertyPath ?? '',
            expected: p.ExpectedValue ?? null,
            actual: p.ActualValue ?? null,
            type: p.DifferenceType ?? 'NOT_EQUAL',
          })),
        });
      }
      next = res.NextToken;
      if (!next) break;
    }
    return out;
  }

  async stackStatus(stack: StackRef): Promise<StackStatusCheck> {
    try {
      const res = await this.options.budget.run(() =>
        this.clients.cloudFormation(stack.region).send(new DescribeStacksCommand({ StackName: stack.name })),
      );
      const s = res.Stacks?.[0];
      if (!s?.StackStatus) return { found: false, reason: 'stack not found' };
      return {
        found: true,
        stackId: s.StackId ?? stack.name,
        stackStatus: s.StackStatus,
        reason: s.StackStatusReason ?? null,
      };
    } catch (err) {
      return { found: false, reason: describeAwsError(err, stack.name) };
    }
  }
}
