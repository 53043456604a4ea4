import nock from 'nock';

/**
 * The tests' CodeBuild on nock (AWS JSON 1.1: x-amz-target CodeBuild_20161006.<Op>, errors as {__type, message};
 * docs.aws.amazon.com/codebuild/latest/APIReference/API_StartBuild.html, API_BatchGetBuilds.html, CommonErrors.html).
 * Records StartBuild bodies (the ref-to-SHA pinning is asserted on them).
 */

type Reply = [number, string, Record<string, string>];

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
