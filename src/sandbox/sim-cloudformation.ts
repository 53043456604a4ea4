/**
 * SIMULATION. A CloudFormation endpoint (awsQuery: form body in, XML out, as the real one) for the sandbox's
 * stacks. Operations play out on a timeline: what DescribeStacks / DescribeStackEvents show depends on how much
 * time has passed, and on what the deployed commit does (world.ts): succeed, fail with an RDS quota, or stall.
 */
import { randomUUID } from 'node:crypto';
import { queryError, queryResponse } from './query-xml.js';
import { cancelTimeline, PACE, STACK, type Step, timeline } from './sim-stack-timeline.js';
import { behaviourOf } from './world.js';

const ACCOUNT = '123456789012';

export type Reply = { status: number; body: string; type: string };

const ok = (action: string, result: unknown): Reply => ({
  status: 200,
  type: 'text/xml',
  body: queryResponse(action, result, { requestId: randomUUID() }),
});

const error = (code: string, message: string, status = 400): Reply => ({
  status,
  type: 'text/xml',
  body: queryError(code, message, { requestId: randomUUID() }),
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
        this.schedule(stack, cancelTimeline(stack.name), token);
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
