import {
  BatchGetBuildsCommand,
  type Build,
  ListBuildsForProjectCommand,
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

function toInfo(b: Build): BuildInfo {
  const bad = (b.phases ?? []).find((p) => p.phaseStatus !== undefined && p.phaseStatus !== 'SUCCEEDED');
  return {
    id: b.id ?? '',
    status: (b.buildStatus ?? 'IN_PROGRESS') as BuildInfo['status'],
    logUrl: b.logs?.deepLink ?? null,
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

export type TemplateLocation = { ok: true; url: string } | { ok: false; reason: string };

/**
 * The https S3 URL of one file among a build's artifacts. CodeBuild reports `artifacts.location` as an S3 ARN
 * (arn:aws:s3:::bucket/path); with packaging NONE the files sit under it. A zip cannot be read by CloudFormation.
 */
export function templateUrlFromArtifacts(
  location: string | null,
  artifactPath: string,
  region: string,
): TemplateLocation {
  if (!location) {
    return { ok: false, reason: 'the build reported no artifact location: give the CodeBuild project S3 artifacts' };
  }
  const m = /^arn:aws[a-z-]*:s3:::([^/]+)\/?(.*)$/.exec(location);
  if (!m) return { ok: false, reason: `unexpected artifact location ${location} (expected an S3 ARN)` };
  const [, bucket, prefix] = m as unknown as [string, string, string];
  if (/\.zip$/i.test(prefix)) {
    return {
      ok: false,
      reason: `the build's artifacts are a zip (${location}): set the project's artifacts packaging to NONE so the template can be read`,
    };
  }
  const key = [...prefix.split('/'), ...artifactPath.split('/')].filter((p) => p.length > 0);
  return { ok: true, url: `https://${bucket}.s3.${region}.amazonaws.com/${key.map(encodeURIComponent).join('/')}` };
}
