import nock from 'nock';
import { queryError, queryResponse } from '../../src/sandbox/query-xml.js';
import { resourceEvent } from './cfn-shapes.js';

/**
 * The tests' CloudFormation on nock. It speaks the awsQuery protocol (form body with Action=…, XML answers written by
 * src/sandbox/query-xml.ts, the writer the sandbox uses too) with CloudFormation's error codes: ValidationError
 * "Stack with id X does not exist" (400), ChangeSetNotFound (404), AlreadyExistsException (400)
 * (docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html, API_DescribeChangeSet.html,
 * API_CreateChangeSet.html, CommonErrors.html).
 * - FakeCloudFormation: a stateful region (stacks, change sets, events); tests script what AWS reports and assert
 *   on the recorded calls.
 * - cfnScripted, or cfnScope + matchAction: one-shot interceptors, for tests that prove an exact sequence of calls
 *   (nock fails any call nobody scripted; scope.isDone() proves each scripted one came).
 */

export { queryError, queryResponse, toXml } from '../../src/sandbox/query-xml.js';
export { resourceChange, resourceEvent } from './cfn-shapes.js';

export const ACCOUNT = '123456789012';
export const XML = { 'content-type': 'text/xml' };

/** The id (ARN) CloudFormation gives a stack of this account. */
export function stackArn(region: string, name: string): string {
  return `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/${name}/0f1e2d3c-aaaa-bbbb-cccc-000000000001`;
}

/** The regional endpoint, for interceptors of one test. */
export function cfnScope(region: string): nock.Scope {
  return nock(`https://cloudformation.${region}.amazonaws.com`);
}

/** The awsQuery form fields of a request body (nock hands a form body over as a string or parsed). */
export function formFields(body: unknown): Record<string, string> {
  return typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body as Record<string, string>);
}

/** A nock body matcher for one action and, optionally, some of its form fields. */
export function matchAction(name: string, fields: Record<string, string> = {}) {
  return (body: unknown): boolean => {
    const f = formFields(body);
    return f.Action === name && Object.entries(fields).every(([k, v]) => f[k] === v);
  };
}

/**
 * One-shot: DescribeStacks reports `status` for api-production, then each of `then` answers once with its Result
 * (empty unless given). Records the form fields of every call it answered, in order.
 */
export function cfnScripted(region: string, status: string, then: { op: string; result?: unknown }[] = []) {
  const seen: Record<string, string>[] = [];
  const scope = cfnScope(region);
  const matches = (b: unknown, op: string) => {
    if (!matchAction(op)(b)) return false;
    seen.push(formFields(b));
    return true;
  };
  const stack = 'api-production';
  scope
    .post('/', (b) => matches(b, 'DescribeStacks'))
    .reply(
      200,
      queryResponse('DescribeStacks', {
        Stacks: [
          { StackName: stack, StackId: stackArn(region, stack), StackStatus: status, CreationTime: new Date(0) },
        ],
      }),
      XML,
    );
  for (const t of then) scope.post('/', (b) => matches(b, t.op)).reply(200, queryResponse(t.op, t.result ?? {}), XML);
  return { scope, seen };
}

export interface FakeEvent {
  EventId: string;
  LogicalResourceId: string;
  ResourceType: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ClientRequestToken?: string;
  Timestamp: Date;
  PhysicalResourceId?: string;
}

type Reply = [number, string, Record<string, string>];
export interface CfnCall {
  action: string;
  params: URLSearchParams;
}

/** One CloudFormation region: stacks, change sets, events (newest first), scripted errors. */
export class FakeCloudFormation {
  stackStatus = new Map<string, string>();
  stackParams = new Map<string, Record<string, string>>();
  /** Newest first, like DescribeStackEvents. */
  events = new Map<string, FakeEvent[]>();
  changeSets = new Map<
    string,
    { Status: string; StatusReason?: string; ExecutionStatus: string; Changes: unknown[] }
  >();
  calls: CfnCall[] = [];
  /**
   * DescribeEvents answers per change set name: OperationEvents as CloudFormation returns them for early validation
   * (ValidationName, ValidationStatus, ValidationFailureMode, ValidationStatusReason, ValidationPath — API_DescribeEvents,
   * client-cloudformation OperationEvent). Empty by default.
   */
  operationEvents = new Map<string, Record<string, unknown>[]>();
  /** Errors to answer instead, per action, consumed in order. */
  errors = new Map<string, { status: number; code: string; message: string }[]>();
  pageSize = 100;
  /** GetTemplateSummary DeclaredTransforms per stack (none by default). */
  transforms = new Map<string, string[]>();
  private seq = 0;
  onExecute: ((stackName: string, token: string) => void) | undefined;

  constructor(readonly region = 'us-east-1') {}

  addStack(name: string, status = 'UPDATE_COMPLETE', params: Record<string, string> = { ImageTag: 'old' }): void {
    this.stackStatus.set(name, status);
    this.stackParams.set(name, params);
    if (!this.events.has(name)) this.events.set(name, []);
  }

  /** Events of a stack known only by id (a nested stack's physical id); DescribeStackEvents accepts either. */
  addNested(arn: string): void {
    this.events.set(arn, []);
  }

  /** Appends an event (it becomes the newest). */
  event(
    stackName: string,
    e: Omit<FakeEvent, 'EventId' | 'Timestamp'> & { EventId?: string; Timestamp?: Date },
    at: number,
  ): FakeEvent {
    this.seq += 1;
    const full: FakeEvent = {
      EventId: e.EventId ?? `ev-${this.seq}`,
      Timestamp: e.Timestamp ?? new Date(at),
      ...e,
    } as FakeEvent;
    this.events.get(stackName)?.unshift(full);
    return full;
  }

  /** CloudFormation finished creating change set `name`: ready to execute, with these changes. */
  readyChangeSet(name: string, changes: unknown[] = []): void {
    this.changeSets.set(name, { Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', Changes: changes });
  }

  /** The stack itself reports `status` under `token` (its own event), and DescribeStacks says so from now on. */
  stackReports(stackName: string, status: string, token: string | undefined, at: number, reason?: string): void {
    this.event(stackName, resourceEvent(stackName, 'AWS::CloudFormation::Stack', status, token, reason), at);
    this.stackStatus.set(stackName, status);
  }

  /** The stack's update under `token` completes: its UPDATE_COMPLETE event arrives and DescribeStacks says so. */
  completeUpdate(stackName: string, token: string, at: number): void {
    this.stackReports(stackName, 'UPDATE_COMPLETE', token, at);
  }

  /** Executing a change set completes the update at once. */
  completesOnExecute(now: () => number): void {
    this.onExecute = (stack, token) => this.completeUpdate(stack, token, now());
  }

  /** Executing a change set starts the update: one resource reports UPDATE_IN_PROGRESS, and no more comes. */
  startsOnExecute(logicalId: string, type: string, now: () => number): void {
    this.onExecute = (stack, token) =>
      void this.event(stack, resourceEvent(logicalId, type, 'UPDATE_IN_PROGRESS', token), now());
  }

  failNext(action: string, code: string, message: string, status = 400): void {
    const list = this.errors.get(action) ?? [];
    list.push({ status, code, message });
    this.errors.set(action, list);
  }

  /** An error for one stack only (e.g. a nested stack whose events cannot be read), consumed in order. */
  failNextFor(action: string, stack: string, code: string, message: string, status = 400): void {
    this.failNext(`${action} ${stack}`, code, message, status);
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  /** The ARN DescribeStacks reports for a stack of this fake. */
  stackArn(name: string): string {
    return stackArn(this.region, name);
  }

  /**
   * CloudFormation takes a stack's name or its id (ARN). A stack's ARN resolves to its name while it exists; a
   * deleted stack is known only by its ARN (tests key it by the ARN).
   */
  private resolveStack(ref: string): string {
    if (this.stackStatus.has(ref) || this.events.has(ref)) return ref;
    const name = /^arn:aws:cloudformation:[^:]+:\d+:stack\/([^/]+)\//.exec(ref)?.[1];
    return name && ref === this.stackArn(name) && (this.stackStatus.has(name) || this.events.has(name)) ? name : ref;
  }

  install(): nock.Scope {
    return cfnScope(this.region)
      .persist()
      .post('/')
      .reply(async (req: Request) => this.handle(new URLSearchParams(await req.text())));
  }

  handle(params: URLSearchParams): Reply {
    const action = params.get('Action') ?? '';
    this.calls.push({ action, params });
    const xml = XML;
    const stack = this.resolveStack(params.get('StackName') ?? '');
    const err = this.errors.get(`${action} ${stack}`)?.shift() ?? this.errors.get(action)?.shift();
    if (err)
      return [err.status, queryError(err.code, err.message, { type: err.status >= 500 ? 'Receiver' : 'Sender' }), xml];
    const ok = (result: unknown): Reply => [200, queryResponse(action, result), xml];
    const missing = (): Reply => [400, queryError('ValidationError', `Stack with id ${stack} does not exist`), xml];
    switch (action) {
      case 'DescribeStacks': {
        const status = this.stackStatus.get(stack);
        if (!status) return missing();
        const p = this.stackParams.get(stack) ?? {};
        return ok({
          Stacks: [
            {
              StackId: stack.startsWith('arn:') ? stack : this.stackArn(stack),
              StackName: stack,
              StackStatus: status,
              CreationTime: new Date(0),
              Parameters: Object.entries(p).map(([k, v]) => ({ ParameterKey: k, ParameterValue: v })),
            },
          ],
        });
      }
      case 'CreateChangeSet': {
        // A CREATE change set makes the stack exist, empty, in REVIEW_IN_PROGRESS (as CloudFormation does).
        if (params.get('ChangeSetType') === 'CREATE' && !this.stackStatus.has(stack)) {
          this.addStack(stack, 'REVIEW_IN_PROGRESS', {});
        }
        if (!this.stackStatus.has(stack)) return missing();
        const name = params.get('ChangeSetName') ?? '';
        if (this.changeSets.has(name))
          return [400, queryError('AlreadyExistsException', `ChangeSet ${name} already exists`), xml];
        this.changeSets.set(name, { Status: 'CREATE_IN_PROGRESS', ExecutionStatus: 'UNAVAILABLE', Changes: [] });
        return ok({ Id: `arn:aws:cloudformation:${this.region}:123456789012:changeSet/${name}/cs1`, StackId: stack });
      }
      case 'DescribeChangeSet': {
        const name = params.get('ChangeSetName') ?? '';
        const cs = this.changeSets.get(name);
        if (!cs) return [404, queryError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`), xml];
        return ok({ ChangeSetName: name, ChangeSetId: `cs-${name}`, StackName: stack, ...cs });
      }
      case 'ExecuteChangeSet': {
        const name = params.get('ChangeSetName') ?? '';
        const cs = this.changeSets.get(name);
        if (!cs) return [404, queryError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`), xml];
        cs.ExecutionStatus = 'EXECUTE_IN_PROGRESS';
        const creating = this.stackStatus.get(stack) === 'REVIEW_IN_PROGRESS';
        this.stackStatus.set(stack, creating ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS');
        this.onExecute?.(stack, params.get('ClientRequestToken') ?? '');
        return ok({});
      }
      case 'GetTemplateSummary': {
        if (!this.stackStatus.has(stack)) return missing();
        return ok({ DeclaredTransforms: this.transforms.get(stack) ?? [], Parameters: [], Version: '2010-09-09' });
      }
      case 'DescribeStackEvents': {
        const all = this.events.get(stack);
        if (!all) return missing();
        const start = Number(params.get('NextToken') ?? '0');
        const page = all.slice(start, start + this.pageSize);
        const next = start + this.pageSize < all.length ? String(start + this.pageSize) : undefined;
        return ok({
          StackEvents: page.map((e) => ({ StackName: stack, StackId: stack, ...e })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case 'DescribeEvents': {
        const events = this.operationEvents.get(params.get('ChangeSetName') ?? '') ?? [];
        const failedOnly = params.get('Filters.FailedEvents') === 'true';
        return ok({ OperationEvents: failedOnly ? events.filter((e) => e.ValidationStatus === 'FAILED') : events });
      }
      default:
        return [400, queryError('InvalidAction', `fake does not know ${action}`), xml];
    }
  }
}
