import type { BuildInfo } from '../adapters/codebuild.js';
import { type TemplateLocation, templateUrlForBuild } from '../adapters/codebuild-artifacts.js';
import type { StepOutcome } from '../deploys/poll-context.js';
import type { Deployment, Failure } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { NewStack } from '../store/stacks-repo.js';
import { buildConsoleUrl, buildQueueFullReply, buildStartedLinksReply } from '../views/build-links.js';
import { buildFinishedReply } from '../views/thread-replies.js';
import { stepActionsBuild } from './actions-build.js';
import { finishBuildDeploy, watchStacks } from './build-deploy.js';
import { postBuildLogTail } from './build-log-tail.js';
import { needsBuild, plannedStacks } from './plan.js';
import { failDeployment, linkRegion, type RunContext, updateActive } from './run-context.js';
import { startDeploymentBuild } from './start-build.js';
import { pinTemplateUrls } from './template-pins.js';

export interface BuildStepOptions {
  githubWeb: string;
}

/**
 * The building state, decided from persisted state alone: no build id → start it (the idempotency token makes a
 * repeated start after a crash return the same build); a build id → poll it until it ends.
 */
export async function stepBuild(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  o: BuildStepOptions,
): Promise<StepOutcome> {
  const region = target.region;
  if (!target.build || !needsBuild(ctx, d, target)) {
    return ctx.lifecycle.startDeploying(d) ? 'progressed' : 'waiting';
  }
  if (target.build.workflow) return stepActionsBuild(ctx, d, target, target.build.workflow, o);
  const project = target.build.project ?? '';
  if (!d.buildId) {
    const started = await startDeploymentBuild(ctx, d, target);
    if (started.kind === 'failed') return failDeployment(ctx, d, { phase: 'build', reason: started.reason });
    if (started.kind === 'queue_full') {
      // No build was created: waiting and starting it again later is safe.
      ctx.reporter.reply(d, 'build-queue-full', buildQueueFullReply(project, started.message));
      ctx.logger.warn({ deploymentId: d.id, project }, 'codebuild queue full; retrying later');
      return 'waiting';
    }
    const b = started.build;
    const now = ctx.clock.now();
    ctx.db
      .transaction(() => {
        // Kept even if a cancel moved the deployment meanwhile: the cancel must know which build to stop.
        if (!updateActive(ctx, d, { buildId: b.id, buildLogUrl: b.logUrl })) return;
        // Mode build: the stacks to follow while the build deploys them.
        if (target.mode === 'build') ctx.stacks.ensure(d.id, plannedStacks(ctx, d, target));
        ctx.phases.start(d.id, d.targetKey, 'build', now);
        ctx.reporter.upsertReply(
          d,
          'build-started',
          buildStartedLinksReply(
            project,
            b.logUrl
              ? { kind: 'logs', url: b.logUrl }
              : { kind: 'console', url: buildConsoleUrl(linkRegion(ctx, target), b.id) },
          ),
        );
      })
      .immediate();
    ctx.logger.info({ deploymentId: d.id, buildId: b.id }, 'build started');
    return 'progressed';
  }

  const b = await ctx.codebuild.getBuild(region, d.buildId);
  const now = ctx.clock.now();
  if (!b) return failDeployment(ctx, d, { phase: 'build', reason: `CodeBuild no longer knows build ${d.buildId}` });
  if (b.logUrl && b.logUrl !== d.buildLogUrl) {
    ctx.db
      .transaction(() => {
        const logUrl = b.logUrl!;
        if (!ctx.repo.update(d.id, 'building', now, { buildLogUrl: logUrl })) return;
        // The log link exists now: the build-started reply links to it instead of the console page.
        if (ctx.reporter.hasReply(d, 'build-started')) {
          ctx.reporter.upsertReply(d, 'build-started', buildStartedLinksReply(project, { kind: 'logs', url: logUrl }));
        }
      })
      .immediate();
  }
  const deploys = target.mode === 'build';
  if (b.status === 'IN_PROGRESS') {
    if (!deploys) return 'waiting';
    return (await watchStacks(ctx, d, target, b.startTime ?? d.startedAt ?? now)) ? 'progressed' : 'waiting';
  }
  const failed: Failure | null =
    b.status === 'SUCCEEDED'
      ? null
      : {
          phase: 'build',
          reason: b.failedPhase
            ? `${b.failedPhase.type} phase ${b.failedPhase.status}${b.failedPhase.message ? `: ${b.failedPhase.message}` : ''}`
            : `build ${b.status}`,
          status: b.status,
          ...(b.logUrl ? { link: b.logUrl } : {}),
        };
  return concludeBuild(ctx, d, target, b, failed, o, {
    // The region the CodeBuild client really uses: the artifacts bucket is there (issue 11 item 18).
    bucketRegion: () => ctx.codebuild.clientRegion(region),
    templateUrl: (artifact, bucketRegion) => templateUrlForBuild(b.artifactLocation, artifact, b.id, bucketRegion),
    afterFailure: () => postBuildLogTail(ctx, d, region, b),
  });
}

/** Where a finished build's templates are (mode template) and what else a failure shows (CodeBuild's log tail). */
export interface BuildArtifacts {
  /** The artifacts bucket's region, for HeadObject (version pinning). */
  bucketRegion: () => Promise<string>;
  templateUrl: (artifact: string, bucketRegion: string) => TemplateLocation;
  afterFailure?: () => Promise<void>;
}

/**
 * A build has ended (CodeBuild or GitHub Actions, as a BuildInfo): check the SHA, then per mode — build: the stacks
 * decide; template: the change sets use this build's templates (`templateUrl` says where they are); parameters: on.
 */
export async function concludeBuild(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  b: BuildInfo,
  failed: Failure | null,
  o: BuildStepOptions,
  artifacts: BuildArtifacts,
): Promise<StepOutcome> {
  const now = ctx.clock.now();
  const deploys = target.mode === 'build';
  const finished = buildFinishedReply({
    durationMs: (b.endTime ?? now) - (b.startTime ?? d.startedAt ?? now),
    sha: d.sha,
    builtSha: b.resolvedSourceVersion,
    repo: target.repo,
    githubWeb: o.githubWeb,
    logUrl: b.logUrl,
  });
  if (b.resolvedSourceVersion && b.resolvedSourceVersion !== d.sha) {
    ctx.logger.warn({ deploymentId: d.id, expected: d.sha, built: b.resolvedSourceVersion }, 'build SHA mismatch');
  }
  if (deploys) {
    // The build's end is not the deployment's: the stacks it changed decide too.
    if (!failed) ctx.reporter.reply(d, 'build-finished', finished);
    const outcome = await finishBuildDeploy(ctx, d, target, b, failed);
    if (failed) await artifacts.afterFailure?.();
    return outcome;
  }
  if (failed) {
    const outcome = failDeployment(ctx, { ...d, buildLogUrl: b.logUrl ?? d.buildLogUrl }, failed);
    await artifacts.afterFailure?.();
    return outcome;
  }

  // Mode template: the change sets use the template this build produced (never one from another build).
  let stacks: NewStack[] | undefined;
  if (target.mode === 'template') {
    const planned = plannedStacks(ctx, d, target);
    const bucketRegion = await artifacts.bucketRegion();
    const located: Parameters<typeof pinTemplateUrls>[3] = [];
    for (const p of planned) {
      const artifact = target.stacks.find((t) => t.name === p.stackName)?.template ?? '';
      const loc = artifacts.templateUrl(artifact, bucketRegion);
      if (!loc.ok) return failDeployment(ctx, d, { phase: 'build', reason: `template ${artifact}: ${loc.reason}` });
      located.push({ artifact, loc });
    }
    // A versioned bucket: the URLs name the object versions this build wrote (src/runner/template-pins.ts).
    const pinned = await pinTemplateUrls(ctx, d, bucketRegion, located);
    if (!pinned.ok) return failDeployment(ctx, d, { phase: 'build', reason: pinned.reason });
    stacks = planned.map((p, i) => ({ ...p, templateUrl: pinned.urls[i]! }));
  }
  ctx.lifecycle.startDeploying(d, {
    buildLogUrl: b.logUrl ?? d.buildLogUrl,
    finished,
    ...(stacks ? { inTx: () => ctx.stacks.ensure(d.id, stacks) } : {}),
  });
  return 'progressed';
}
