import nock from 'nock';

/**
 * Stateful AWS fakes behind nock: CodeBuild (AWS JSON 1.1, x-amz-target) and CloudFormation (awsQuery form body,
 * XML answers). Tests script what AWS reports; the fakes record every call so tests assert on request bodies.
 */

export const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders a plain object as awsQuery XML; arrays become <member> lists. */
export function toXml(value: unknown): string {
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

export function cfnResponse(action: string, result: unknown): string {
  return `<${action}Response xmlns="${CFN_NS}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`;
}

export function cfnError(code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="${CFN_NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`;
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
    return `arn:aws:cloudformation:${this.region}:123456789012:stack/${name}/abc`;
  }

  /**
   * CloudFormation takes a stack's name or its id (ARN). A stack's ARN resolves to its name while it exists; a
   * deleted stack is known only by its ARN (tests key it by the ARN).
   */
  private resolveStack(ref: string): string {
    if (this.stackStatus.has(ref) || this.events.has(ref)) return ref;
    const m = /^arn:aws:cloudformation:[^:]+:123456789012:stack\/([^/]+)\/abc$/.exec(ref);
    return m?.[1] && (this.stackStatus.has(m[1]) || this.events.has(m[1])) ? m[1] : ref;
  }

  install(): nock.Scope {
    return nock(`https://cloudformation.${this.region}.amazonaws.com`)
      .persist()
      .post('/')
      .reply(async (req: Request) => this.handle(new URLSearchParams(await req.text())));
  }

  handle(params: URLSearchParams): Reply {
    const action = params.get('Action') ?? '';
    this.calls.push({ action, params });
    const xml = { 'content-type': 'text/xml' };
    const stack = this.resolveStack(params.get('StackName') ?? '');
    const err = this.errors.get(`${action} ${stack}`)?.shift() ?? this.errors.get(action)?.shift();
    if (err) return [err.status, cfnError(err.code, err.message, err.status >= 500 ? 'Receiver' : 'Sender'), xml];
    const ok = (result: unknown): Reply => [200, cfnResponse(action, result), xml];
    const missing = (): Reply => [400, cfnError('ValidationError', `Stack with id ${stack} does not exist`), xml];
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
          return [400, cfnError('AlreadyExistsException', `ChangeSet ${name} already exists`), xml];
        this.changeSets.set(name, { Status: 'CREATE_IN_PROGRESS', ExecutionStatus: 'UNAVAILABLE', Changes: [] });
        return ok({ Id: `arn:aws:cloudformation:${this.region}:123456789012:changeSet/${name}/cs1`, StackId: stack });
      }
      case 'DescribeChangeSet': {
        const name = params.get('ChangeSetName') ?? '';
        const cs = this.changeSets.get(name);
        if (!cs) return [404, cfnError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`), xml];
        return ok({ ChangeSetName: name, ChangeSetId: `cs-${name}`, StackName: stack, ...cs });
      }
      case 'ExecuteChangeSet': {
        const name = params.get('ChangeSetName') ?? '';
        const cs = this.changeSets.get(name);
        if (!cs) return [404, cfnError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`), xml];
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
        return [400, cfnError('InvalidAction', `fake does not know ${action}`), xml];
    }
  }
}

export interface FakeBuild {
  id: string;
  buildStatus: string;
  resolvedSourceVersion?: string;
  artifacts?: { location: string };
  startTime?: number;
  endTime?: number;
  phases?: { phaseType: string; phaseStatus?: string; contexts?: { statusCode?: string; message?: string }[] }[];
  logs?: { deepLink: string };
  environment?: { environmentVariables: { name: string; value: string; type: string }[] };
}

/** One CodeBuild region; records StartBuild bodies (the ref-to-SHA pinning is asserted on them). */
export class FakeCodeBuild {
  builds = new Map<string, FakeBuild>();
  startBodies: Record<string, unknown>[] = [];
  calls: string[] = [];
  errors = new Map<string, { status: number; type: string; message: string }[]>();
  private byToken = new Map<string, string>();
  /** BatchGetProjects answers: a project's `artifacts` (ProjectArtifacts), S3 without a build id by default. */
  projects = new Map<string, Record<string, unknown>>();
  /** Next StartBuild: the build is created but the answer is lost (a 500), like a response lost on the way. */
  loseNextStart = false;
  /** StartBuild's own answer before provisioning: CodeBuild reports `group=null;stream=null` log links. */
  startDeepLink: string | undefined;
  /** The idempotency tokens' 5 minutes have passed: the same token starts a new build. */
  expireTokens(): void {
    this.byToken.clear();
  }
  /** Builds of each project in start order (ListBuildsForProject answers newest first). */
  byProject = new Map<string, string[]>();

  constructor(readonly region = 'us-east-1') {}

  failNext(op: string, type: string, message: string, status = 400): void {
    const list = this.errors.get(op) ?? [];
    list.push({ status, type, message });
    this.errors.set(op, list);
  }

  count(op: string): number {
    return this.calls.filter((c) => c === op).length;
  }

  install(): nock.Scope {
    return nock(`https://codebuild.${this.region}.amazonaws.com`)
      .persist()
      .post('/')
      .reply(async (req: Request) => {
        const op = (req.headers.get('x-amz-target') ?? '').replace('CodeBuild_20161006.', '');
        return this.handle(op, JSON.parse(await req.text()) as Record<string, unknown>);
      });
  }

  handle(op: string, body: Record<string, unknown>): Reply {
    this.calls.push(op);
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    const err = this.errors.get(op)?.shift();
    if (err) return [err.status, JSON.stringify({ __type: err.type, message: err.message }), json];
    const wire = (b: FakeBuild) => ({
      ...b,
      startTime: b.startTime !== undefined ? b.startTime / 1000 : undefined,
      endTime: b.endTime !== undefined ? b.endTime / 1000 : undefined,
    });
    if (op === 'StartBuild') {
      this.startBodies.push(body);
      const token = String(body.idempotencyToken ?? '');
      const existing = this.byToken.get(token);
      const id = existing ?? `${String(body.projectName)}:build-${this.builds.size + 1}`;
      if (!existing) {
        this.byToken.set(token, id);
        const project = String(body.projectName);
        this.byProject.set(project, [...(this.byProject.get(project) ?? []), id]);
        this.builds.set(id, {
          id,
          buildStatus: 'IN_PROGRESS',
          environment: {
            environmentVariables: (body.environmentVariablesOverride ?? []) as {
              name: string;
              value: string;
              type: string;
            }[],
          },
          logs: {
            deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#logEvent:group=/aws/codebuild/${id}`,
          },
        });
      }
      if (this.loseNextStart) {
        this.loseNextStart = false;
        return [500, JSON.stringify({ __type: 'InternalFailure', message: 'response lost' }), json];
      }
      const answer = wire(this.builds.get(id)!);
      if (this.startDeepLink) answer.logs = { deepLink: this.startDeepLink };
      return [200, JSON.stringify({ build: answer }), json];
    }
    if (op === 'BatchGetBuilds') {
      const ids = (body.ids as string[]) ?? [];
      const builds = ids.map((i) => this.builds.get(i)).filter((b): b is FakeBuild => !!b);
      return [
        200,
        JSON.stringify({ builds: builds.map(wire), buildsNotFound: ids.filter((i) => !this.builds.has(i)) }),
        json,
      ];
    }
    if (op === 'BatchGetProjects') {
      const names = (body.names as string[]) ?? [];
      const artifacts = (name: string) =>
        this.projects.get(name) ?? {
          type: 'S3',
          location: 'artifacts-bucket',
          path: 'infra',
          name: '/',
          namespaceType: 'NONE',
          packaging: 'ZIP',
        };
      return [
        200,
        JSON.stringify({ projects: names.map((name) => ({ name, artifacts: artifacts(name) })), projectsNotFound: [] }),
        json,
      ];
    }
    if (op === 'ListBuildsForProject') {
      const ids = [...(this.byProject.get(String(body.projectName)) ?? [])].reverse();
      return [200, JSON.stringify({ ids }), json];
    }
    if (op === 'StopBuild') {
      const b = this.builds.get(String(body.id));
      if (!b) return [400, JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such build' }), json];
      if (b.buildStatus === 'IN_PROGRESS') b.buildStatus = this.stopResult;
      return [200, JSON.stringify({ build: wire(b) }), json];
    }
    return [400, JSON.stringify({ __type: 'InvalidInputException', message: `fake does not know ${op}` }), json];
  }

  /** What a StopBuild leaves (CodeBuild may take a while: tests can set IN_PROGRESS and finish it later). */
  stopResult = 'STOPPED';
}
