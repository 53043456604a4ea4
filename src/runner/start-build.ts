import type { BuildInfo } from '../adapters/codebuild.js';
import { perBuildArtifacts } from '../adapters/codebuild-artifacts.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import { mutate, type RunContext } from './run-context.js';

/** StartBuild's idempotencyToken is honoured for 5 minutes only (StartBuild API reference); a margin before that. */
export const IDEMPOTENCY_WINDOW_MS = 4 * 60_000;

export type StartResult =
  | { kind: 'started'; build: BuildInfo; adopted: boolean }
  | { kind: 'failed'; reason: string }
  /** AccountLimitExceededException: the build queue is full and no build was created; safe to try again. */
  | { kind: 'queue_full'; message: string };

/**
 * Starts the deployment's build, or finds the one it already started:
 * - a resume later than the token's window first looks for a build carrying this deployment's id, so a lost
 *   StartBuild response never means a second build (two `cdk deploy`s racing in mode build);
 * - mode template starts the build with per-build, unzipped artifacts (src/adapters/codebuild-artifacts.ts);
 * - a full build queue is a wait, not a failure.
 */
export async function startDeploymentBuild(ctx: RunContext, d: Deployment, target: Target): Promise<StartResult> {
  // Only CodeBuild builds come here (runner/build.ts sends workflow builds to actions-build.ts).
  const projectName = target.build?.project;
  if (!projectName) return { kind: 'failed', reason: 'no CodeBuild project is configured for this target' };
  const region = target.region;
  const since = d.startedAt ?? d.createdAt;
  if (ctx.clock.now() - since >= IDEMPOTENCY_WINDOW_MS) {
    const existing = await ctx.codebuild.findDeploymentBuild(region, projectName, d.id, since);
    if (existing) return { kind: 'started', build: existing, adopted: true };
  }
  let artifactsOverride: Awaited<ReturnType<typeof ctx.codebuild.projectArtifacts>>;
  if (target.mode === 'template') {
    const project = await mutate(() => ctx.codebuild.projectArtifacts(region, projectName));
    if (!project.ok) return { kind: 'failed', reason: project.reason };
    const override = perBuildArtifacts(projectName, project.value);
    if (!override.ok) return { kind: 'failed', reason: override.reason };
    artifactsOverride = override.value;
  }
  const started = await mutate(() =>
    ctx.codebuild
      .startBuild({
        region,
        project: projectName,
        sha: d.sha,
        ref: d.ref,
        deploymentId: d.id,
        idempotencyToken: d.token,
        ...(artifactsOverride ? { artifactsOverride } : {}),
      })
      .catch((err: unknown) => {
        // "Cannot have more than N builds in queue for the account": CodeBuild created no build.
        if ((err as { name?: string }).name === 'AccountLimitExceededException') {
          return { queueFull: (err as Error).message || 'the account build queue is full' };
        }
        throw err;
      }),
  );
  if (!started.ok) return { kind: 'failed', reason: started.reason };
  if ('queueFull' in started.value) return { kind: 'queue_full', message: started.value.queueFull };
  return { kind: 'started', build: started.value, adopted: false };
}
