/**
 * SIMULATION. A CodeBuild endpoint (AWS JSON 1.1: X-Amz-Target CodeBuild_20161006.<Op>) whose builds take a few
 * seconds and always succeed, building exactly the commit they were given.
 */
import type { Reply } from './sim-cloudformation.js';

interface SimBuild {
  id: string;
  project: string;
  sourceVersion: string;
  env: unknown[];
  startedAt: number;
  stopped: boolean;
}

const BUILD_MS = 2500;
const json = (status: number, body: unknown): Reply => ({
  status,
  type: 'application/x-amz-json-1.1',
  body: JSON.stringify(body),
});

export class SimCodeBuild {
  private readonly builds = new Map<string, SimBuild>();
  private readonly byToken = new Map<string, string>();

  constructor(
    private readonly region: string,
    private readonly now: () => number,
    private readonly projects: string[] = [],
  ) {}

  handle(target: string, body: Record<string, unknown>): Reply {
    const op = target.replace('CodeBuild_20161006.', '');
    if (op === 'StartBuild') {
      const token = String(body.idempotencyToken ?? '');
      const existing = this.byToken.get(token);
      if (existing) return json(200, { build: this.wire(this.builds.get(existing) as SimBuild) });
      const project = String(body.projectName ?? '');
      const id = `${project}:${crypto.randomUUID()}`;
      const b: SimBuild = {
        id,
        project,
        sourceVersion: String(body.sourceVersion ?? ''),
        env: Array.isArray(body.environmentVariablesOverride) ? body.environmentVariablesOverride : [],
        startedAt: this.now(),
        stopped: false,
      };
      this.builds.set(id, b);
      if (token) this.byToken.set(token, id);
      return json(200, { build: this.wire(b) });
    }
    if (op === 'BatchGetBuilds') {
      const ids = (body.ids as string[] | undefined) ?? [];
      const found = ids.map((i) => this.builds.get(i)).filter((b): b is SimBuild => b !== undefined);
      return json(200, {
        builds: found.map((b) => this.wire(b)),
        buildsNotFound: ids.filter((i) => !this.builds.has(i)),
      });
    }
    if (op === 'ListBuildsForProject') {
      const ids = [...this.builds.values()].filter((b) => b.project === body.projectName).map((b) => b.id);
      return json(200, { ids: ids.reverse() });
    }
    if (op === 'BatchGetProjects') {
      const names = (body.names as string[] | undefined) ?? [];
      const known = new Set([...this.builds.values()].map((b) => b.project).concat(this.projects));
      return json(200, {
        projects: names
          .filter((n) => known.has(n))
          .map((name) => ({
            name,
            arn: `arn:aws:codebuild:${this.region}:123456789012:project/${name}`,
            artifacts: { type: 'NO_ARTIFACTS' },
          })),
        projectsNotFound: names.filter((n) => !known.has(n)),
      });
    }
    if (op === 'StopBuild') {
      const b = this.builds.get(String(body.id));
      if (!b)
        return json(400, { __type: 'ResourceNotFoundException', message: `Build ${String(body.id)} does not exist` });
      b.stopped = true;
      return json(200, { build: this.wire(b) });
    }
    return json(400, {
      __type: 'InvalidInputException',
      message: `The sandbox's simulated CodeBuild does not offer ${op}.`,
    });
  }

  private wire(b: SimBuild): Record<string, unknown> {
    const elapsed = this.now() - b.startedAt;
    const done = b.stopped || elapsed >= BUILD_MS;
    const status = b.stopped ? 'STOPPED' : done ? 'SUCCEEDED' : 'IN_PROGRESS';
    const group = `/aws/codebuild/${b.project}`;
    return {
      id: b.id,
      arn: `arn:aws:codebuild:${this.region}:123456789012:build/${b.id}`,
      projectName: b.project,
      buildStatus: status,
      buildComplete: done,
      currentPhase: done ? 'COMPLETED' : 'BUILD',
      sourceVersion: b.sourceVersion,
      resolvedSourceVersion: b.sourceVersion,
      environment: { type: 'LINUX_CONTAINER', environmentVariables: b.env },
      startTime: b.startedAt / 1000,
      ...(done ? { endTime: (b.startedAt + Math.min(elapsed, BUILD_MS)) / 1000 } : {}),
      phases: [
        { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
        { phaseType: 'BUILD', ...(done ? { phaseStatus: status === 'STOPPED' ? 'STOPPED' : 'SUCCEEDED' } : {}) },
      ],
      logs: {
        deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#logEvent:group=${encodeURIComponent(group)};stream=${encodeURIComponent(b.id.split(':')[1] ?? '')}`,
      },
    };
  }
}
