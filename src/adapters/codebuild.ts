import {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  type Build,
  ListBuildsForProjectCommand,
  type ProjectArtifacts,
  StartBuildCommand,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import type { AwsBudget } from './aws-budget.js';
import type { AwsClients } from './aws-clients.js';

export interface StartBuildInput {
  region: string | undefined;
  project: string;
  /** The resolved commit SHA: a build not pinned to a commit cannot prove what it shipped. */
  sha: string;
  ref: string;
  deploymentId: number;
  /** Same token on a resumed call returns the same build instead of starting a second one. */
  idempotencyToken: string;
  /** Mode template: the project's artifacts with namespaceType BUILD_ID (src/adapters/codebuild-artifacts.ts). */
  artifactsOverride?: ProjectArtifacts;
}

export interface BuildInfo {
  id: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'TIMED_OUT' | 'STOPPED';
  logUrl: string | null;
  resolvedSourceVersion: string | null;
  startTime: number | null;
  endTime: number | null;
  /** First phase that did not succeed, with CodeBuild's context messages and its times (epoch ms). */
  failedPhase: {
    type: string;
    status: string;
    message: string;
    startTime: number | null;
    endTime: number | null;
  } | null;
  /** The build's CloudWatch Logs stream; enabled is false when the project turned CloudWatch logs off. */
  logs: { group: string | null; stream: string | null; enabled: boolean };
  /** Where the build uploaded its artifacts: an S3 ARN such as arn:aws:s3:::bucket/path (mode template). */
  artifactLocation: string | null;
}

/**
 * StartBuild answers before the build is provisioned: its `logs.deepLink` is then `…group=null;stream=null`, a
 * link that opens nothing. Only a deep link to a real log stream is kept.
 */
export function usableLogUrl(deepLink: string | null | undefined): string | null {
  if (!deepLink) return null;
  return /group=null|stream=null/.test(deepLink) ? null : deepLink;
}

function toInfo(b: Build): BuildInfo {
  const bad = (b.phases ?? []).find((p) => p.phaseStatus !== undefined && p.phaseStatus !== 'SUCCEEDED');
  return {
    id: b.id ?? '',
    status: (b.buildStatus ?? 'IN_PROGRESS') as BuildInfo['status'],
    logUrl: usableLogUrl(b.logs?.deepLink),
    resolvedSourceVersion: b.resolvedSourceVersion ?? null,
    startTime: b.startTime ? b.startTime.getTime() : null,
    endTime: b.endTime ? b.endTime.getTime() : null,
    artifactLocation: b.artifacts?.location ?? null,
    failedPhase: bad
      ? {
          type: bad.phaseType ?? 'UNKNOWN',
          status: bad.phaseStatus ?? 'FAILED',
          message: (bad.contexts ?? [])
            .map((c) => c.message)
            .filter((m): m is string => !!m)
            .join('; '),
          startTime: bad.startTime ? bad.startTime.getTime() : null,
          endTime: bad.endTime ? bad.endTime.getTime() : null,
        }
      : null,
    logs: {
      group: b.logs?.groupName ?? null,
      stream: b.logs?.streamName ?? null,
      enabled: b.logs?.cloudWatchLogs?.status !== 'DISABLED',
    },
  };
}

/** How many of a project's newest builds are searched for one of this deployment. */
const LOOKBACK_BUILDS = 25;

/** The only code that speaks to CodeBuild; every call goes through the shared request budget. */
export class CodeBuildAdapter {
  constructor(
    private readonly aws: AwsClients,
    private readonly budget: AwsBudget,
  ) {}

  async startBuild(i: StartBuildInput): Promise<BuildInfo> {
    const out = await this.budget.run(() =>
      this.aws.codeBuild(i.region).send(
        new StartBuildCommand({
          projectName: i.project,
          sourceVersion: i.sha,
          idempotencyToken: i.idempotencyToken,
          ...(i.artifactsOverride ? { artifactsOverride: i.artifactsOverride } : {}),
          environmentVariablesOverride: [
            { name: 'COXSWAIN_DEPLOYMENT_ID', value: String(i.deploymentId), type: 'PLAINTEXT' },
            { name: 'GIT_SHA', value: i.sha, type: 'PLAINTEXT' },
            { name: 'GIT_REF', value: i.ref, type: 'PLAINTEXT' },
          ],
        }),
      ),
    );
    if (!out.build?.id) throw new Error('CodeBuild StartBuild returned no build id');
    return toInfo(out.build);
  }

  /**
   * A build this deployment already started (its COXSWAIN_DEPLOYMENT_ID), among the project's newest builds: after
   * the idempotency token's 5 minutes a second StartBuild would start a second build. Newest first, bounded.
   */
  async findDeploymentBuild(
    region: string | undefined,
    project: string,
    deploymentId: number,
    notBefore: number,
  ): Promise<BuildInfo | undefined> {
    const list = await this.budget.run(() =>
      this.aws.codeBuild(region).send(new ListBuildsForProjectCommand({ projectName: project })),
    );
    const ids = (list.ids ?? []).slice(0, LOOKBACK_BUILDS);
    if (ids.length === 0) return undefined;
    const out = await this.budget.run(() => this.aws.codeBuild(region).send(new BatchGetBuildsCommand({ ids })));
    const mine = (out.builds ?? []).find(
      (b) =>
        (b.startTime === undefined || b.startTime.getTime() >= notBefore) &&
        (b.environment?.environmentVariables ?? []).some(
          (v) => v.name === 'COXSWAIN_DEPLOYMENT_ID' && v.value === String(deploymentId),
        ),
    );
    return mine ? toInfo(mine) : undefined;
  }

  /** The project's artifact settings (BatchGetProjects); undefined when the project does not exist. */
  async projectArtifacts(region: string | undefined, project: string): Promise<ProjectArtifacts | undefined> {
    const out = await this.budget.run(() =>
      this.aws.codeBuild(region).send(new BatchGetProjectsCommand({ names: [project] })),
    );
    return out.projects?.[0]?.artifacts;
  }

  /** The region the CodeBuild client really uses (the target's, the default, or what the SDK resolved). */
  async clientRegion(region: string | undefined): Promise<string> {
    return this.aws.codeBuild(region).config.region();
  }

  /** Asks CodeBuild to stop a build; it only "attempts to stop", so callers poll for STOPPED. */
  async stopBuild(region: string | undefined, id: string): Promise<BuildInfo | undefined> {
    const out = await this.budget.run(() => this.aws.codeBuild(region).send(new StopBuildCommand({ id })));
    return out.build ? toInfo(out.build) : undefined;
  }

  /** The project's most recent builds, newest first (one ListBuildsForProject page, one BatchGetBuilds). */
  async recentBuilds(region: string | undefined, project: string, max = 20): Promise<BuildInfo[]> {
    const list = await this.budget.run(() =>
      this.aws
        .codeBuild(region)
        .send(new ListBuildsForProjectCommand({ projectName: project, sortOrder: 'DESCENDING' })),
    );
    const ids = (list.ids ?? []).slice(0, Math.min(max, 100));
    if (ids.length === 0) return [];
    const out = await this.budget.run(() => this.aws.codeBuild(region).send(new BatchGetBuildsCommand({ ids })));
    return (out.builds ?? []).map(toInfo);
  }

  async getBuild(region: string | undefined, id: string): Promise<BuildInfo | undefined> {
    const out = await this.budget.run(() => this.aws.codeBuild(region).send(new BatchGetBuildsCommand({ ids: [id] })));
    const b = out.builds?.[0];
    return b ? toInfo(b) : undefined;
  }
}
