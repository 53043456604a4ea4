/**
 * SIMULATION. A CloudFormation endpoint (awsQuery: form body in, XML out, as the real one) for the sandbox's
 * stacks. Operations play out on a timeline: what DescribeStacks / DescribeStackEvents show depends on how much
 * time has passed, and on what the deployed commit does (world.ts): succeed, fail with an RDS quota, or stall.
 */
import { randomUUID } from 'node:crypto';
import { type Behaviour, behaviourOf } from './world.js';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const ACCOUNT = '123456789012';

export type Reply = { status: number; body: string; type: string };

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return xmlEscape(String(value));
}

const ok = (action: string, result: unknown): Reply => ({
  status: 200,
  type: 'text/xml',
  body: `<${action}Response xmlns="${NS}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
});

const error = (code: string, message: string, status = 400): Reply => ({
  status,
  type: 'text/xml',
  body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
});

interface StackEvent {
  EventId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ClientRequestToken?: string;
  Timestamp: Date;
}

interface Step {
  afterMs: number;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
  /** The stack's status from this step on. */
  stackStatus?: string;
}

interface SimStack {
  name: string;
  id: string;
  status: string;
  params: Record<string, string>;
  events: StackEvent[];
  /** Steps not yet visible, with absolute times. */
  pending: (Step & { at: number; token: string })[];
}

interface ChangeSet {
  name: string;
  stack: string;
  params: Record<string, string>;
  readyAt: number;
  executed: boolean;
}

const STACK = 'AWS::CloudFormation::Stack';
/** Stretches the timelines below: slow enough to watch the progress reply move, quick enough not to bore. */
const PACE = 2;
const RDS_QUOTA =
  'Resource handler returned message: "DB instance quota exceeded (Service: Rds, Status Code: 400, Request ID: 5f1c0a7e-3b2d-4c8e-9f10-2a6b7d8e9c01)" (RequestToken: 8e2f6a10-4c1d-4b7e-a9f3-0d5c6b7a8e91, HandlerErrorCode: ServiceLimitExceeded)';

function timeline(behaviour: Behaviour, stack: string): Step[] {
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

function formParams(p: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; p.has(`Parameters.member.${i}.ParameterKey`); i++) {
    const key = p.get(`Parameters.member.${i}.ParameterKey`) as string;
    const value = p.get(`Parameters.member.${i}.ParameterValue`);
    if (value !== null) out[key] = value;
  }
  return out;
}

export class SimCloudFormation {
  private readonly stacks = new Map<string, SimStack>();
  private readonly changeSets = new Map<string, ChangeSet>();
  private seq = 0;

  constructor(
    private readonly region: string,
    private readonly now: () => number,
    stackNames: string[],
  ) {
    for (const name of stackNames) {
      this.stacks.set(name, {
        name,
        id: `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/${name}/${randomUUID()}`,
        status: 'UPDATE_COMPLETE',
        params: name.startsWith('search') ? { Version: 'initial' } : { ImageTag: 'initial', DesiredCount: '2' },
        events: [],
        pending: [],
      });
    }
  }

  handle(p: URLSearchParams): Reply {
    const action = p.get('Action') ?? '';
    const name = p.get('StackName') ?? '';
    const stack = this.stacks.get(name) ?? [...this.stacks.values()].find((s) => s.id === name);
    if (stack) this.advance(stack);
    const missing = () => error('ValidationError', `Stack with id ${name} does not exist`);
    switch (action) {
      case 'DescribeStacks':
        if (!stack) return missing();
        return ok(action, {
          Stacks: [
            {
              StackId: stack.id,
              StackName: stack.name,
              StackStatus: stack.status,
              CreationTime: new Date(0),
              Parameters: Object.entries(stack.params).map(([k, v]) => ({ ParameterKey: k, ParameterValue: v })),
            },
          ],
        });
      case 'CreateChangeSet': {
        if (!stack) return missing();
        const csName = p.get('ChangeSetName') ?? '';
        if (this.changeSets.has(csName)) return error('AlreadyExistsException', `ChangeSet ${csName} already exists`);
        this.changeSets.set(csName, {
          name: csName,
          stack: stack.name,
          params: { ...stack.params, ...formParams(p) },
          readyAt: this.now() + 1200,
          executed: false,
        });
        return ok(action, {
          Id: `arn:aws:cloudformation:${this.region}:${ACCOUNT}:changeSet/${csName}/${randomUUID()}`,
          StackId: stack.id,
        });
      }
      case 'DescribeChangeSet': {
        const cs = this.changeSets.get(p.get('ChangeSetName') ?? '');
        if (!cs) return error('ChangeSetNotFound', `ChangeSet [${p.get('ChangeSetName')}] does not exist`, 404);
        const ready = this.now() >= cs.readyAt;
        return ok(action, {
          ChangeSetName: cs.name,
          ChangeSetId: cs.name,
          StackName: cs.stack,
          Status: ready ? 'CREATE_COMPLETE' : 'CREATE_IN_PROGRESS',
          ExecutionStatus: cs.executed ? 'EXECUTE_IN_PROGRESS' : ready ? 'AVAILABLE' : 'UNAVAILABLE',
          Changes: ready ? this.changesOf(cs) : [],
        });
      }
      case 'ExecuteChangeSet': {
        const cs = this.changeSets.get(p.get('ChangeSetName') ?? '');
        const target = cs ? this.stacks.get(cs.stack) : undefined;
        if (!cs || !target)
          return error('ChangeSetNotFound', `ChangeSet [${p.get('ChangeSetName')}] does not exist`, 404);
        if (target.status.endsWith('_IN_PROGRESS')) {
          return error(
            'InvalidChangeSetStatus',
            `Stack ${target.name} is in ${target.status} state and can not be updated.`,
          );
        }
        cs.executed = true;
        const sha = cs.params.ImageTag ?? cs.params.Version ?? '';
        target.params = cs.params;
        target.status = 'UPDATE_IN_PROGRESS';
        this.schedule(target, timeline(behaviourOf(sha), target.name), p.get('ClientRequestToken') ?? '');
        return ok(action, {});
      }
      case 'CancelUpdateStack': {
        if (!stack) return missing();
        if (stack.status !== 'UPDATE_IN_PROGRESS') {
          return error(
            'ValidationError',
            `CancelUpdateStack cannot be called from current stack status ${stack.status}`,
          );
        }
        const token = stack.pending[0]?.token ?? stack.events[0]?.ClientRequestToken ?? '';
        stack.pending = [];
        this.schedule(
          stack,
          [
            {
              afterMs: 0,
              logicalId: stack.name,
              type: STACK,
              status: 'UPDATE_ROLLBACK_IN_PROGRESS',
              reason: 'Stack update cancelled',
              stackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
            },
            { afterMs: 1500, logicalId: 'Service', type: 'AWS::ECS::Service', status: 'UPDATE_COMPLETE' },
            { afterMs: 2000, logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition', status: 'UPDATE_COMPLETE' },
            {
              afterMs: 2500,
              logicalId: stack.name,
              type: STACK,
              status: 'UPDATE_ROLLBACK_COMPLETE',
              stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
            },
          ],
          token,
        );
        return ok(action, {});
      }
      case 'GetTemplateSummary':
        if (!stack) return missing();
        return ok(action, {
          Parameters: Object.keys(stack.params).map((k) => ({
            ParameterKey: k,
            ParameterType: 'String',
            NoEcho: false,
          })),
          Capabilities: [],
          ResourceTypes: ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service'],
          Version: '2010-09-09',
          DeclaredTransforms: [],
        });
      case 'ListStackResources':
        if (!stack) return missing();
        return ok(action, {
          StackResourceSummaries: [
            { LogicalResourceId: 'TaskDefinition', ResourceType: 'AWS::ECS::TaskDefinition' },
            { LogicalResourceId: 'Service', ResourceType: 'AWS::ECS::Service' },
          ].map((r) => ({
            ...r,
            PhysicalResourceId: `${stack.name}-${r.LogicalResourceId.toLowerCase()}`,
            ResourceStatus: 'UPDATE_COMPLETE',
            LastUpdatedTimestamp: new Date(this.now()),
            DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
          })),
        });
      case 'DescribeStackEvents': {
        if (!stack) return missing();
        const start = Number(p.get('NextToken') ?? '0');
        const page = stack.events.slice(start, start + 100);
        const next = start + 100 < stack.events.length ? String(start + 100) : undefined;
        return ok(action, {
          StackEvents: page.map((e) => ({ StackName: stack.name, StackId: stack.id, ...e })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      default:
        return error('InvalidAction', `The sandbox's simulated CloudFormation does not offer ${action}.`);
    }
  }

  private changesOf(cs: ChangeSet): unknown[] {
    const change = (id: string, type: string, action: string, replacement?: string) => ({
      Type: 'Resource',
      ResourceChange: {
        Action: action,
        LogicalResourceId: id,
        ResourceType: type,
        ...(replacement ? { Replacement: replacement } : {}),
      },
    });
    const base = [
      change('TaskDefinition', 'AWS::ECS::TaskDefinition', 'Modify', 'True'),
      change('Service', 'AWS::ECS::Service', 'Modify', 'False'),
    ];
    return behaviourOf(cs.params.ImageTag ?? '') === 'fail-rds-quota'
      ? [...base, change('InvoiceReplica', 'AWS::RDS::DBInstance', 'Add')]
      : base;
  }

  private schedule(stack: SimStack, steps: Step[], token: string): void {
    const t = this.now();
    for (const s of steps) stack.pending.push({ ...s, at: t + s.afterMs * PACE, token });
    this.advance(stack);
  }

  /** Makes every step whose time has come visible (newest event first, as DescribeStackEvents lists them). */
  private advance(stack: SimStack): void {
    const now = this.now();
    while (stack.pending.length > 0 && (stack.pending[0] as { at: number }).at <= now) {
      const s = stack.pending.shift() as Step & { at: number; token: string };
      this.seq += 1;
      stack.events.unshift({
        EventId: `${randomUUID()}-${this.seq}`,
        LogicalResourceId: s.logicalId,
        PhysicalResourceId: s.type === STACK ? stack.id : `${s.logicalId.toLowerCase()}-${this.seq}`,
        ResourceType: s.type,
        ResourceStatus: s.status,
        ...(s.reason ? { ResourceStatusReason: s.reason } : {}),
        ...(s.token ? { ClientRequestToken: s.token } : {}),
        Timestamp: new Date(s.at),
      });
      if (s.stackStatus) stack.status = s.stackStatus;
    }
  }
}
