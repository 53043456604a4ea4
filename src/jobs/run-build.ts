import type { Target } from '../domain/targets.js';
import type { Deployment } from '../store/deployment-row.js';
import { buildFinishedReply, buildStartedReply } from '../views/thread-replies.js';
import { failDeployment, mutate, type RunContext, type StepOutcome, updateActive } from './run-context.js';
import { needsBuild } from './run-plan.js';

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
    const next = ctx.db.transaction(() => {
      const moved = ctx.repo.transition(d.id, 'building', 'deploying', ctx.clock.now());
      if (moved) ctx.reporter.stateChanged(moved);
      return moved;
    })();
    return next ? 'progressed' : 'waiting';
  }
  const project = target.build.project;
  if (!d.buildId) {
    const started = await mutate(() =>
      ctx.codebuild.startBuild({
        region,
        project,
        sha: d.sha,
        ref: d.ref,
        deploymentId: d.id,
        idempotencyToken: d.token,
      }),
    );
    if (!started.ok) return failDeployment(ctx, d, { phase: 'build', reason: started.reason });
    const b = started.value;
    const now = ctx.clock.now();
    ctx.db
      .transaction(() => {
        // Kept even if a cancel moved the deployment meanwhile: the cancel must know which build to stop.
        if (!updateActive(ctx, d, { buildId: b.id, buildLogUrl: b.logUrl })) return;
        ctx.phases.start(d.id, d.targetKey, 'build', now);
        ctx.reporter.reply(d, 'build-started', buildStartedReply(project, b.logUrl));
      })
      .immediate();
    ctx.logger.info({ deploymentId: d.id, buildId: b.id }, 'build started');
    return 'progressed';
  }

  const b = await ctx.codebuild.getBuild(region, d.buildId);
  const now = ctx.clock.now();
  if (!b) return failDeployment(ctx, d, { phase: 'build', reason: `CodeBuild no longer knows build ${d.buildId}` });
  if (b.logUrl && b.logUrl !== d.buildLogUrl) ctx.repo.update(d.id, 'building', now, { buildLogUrl: b.logUrl });
  if (b.status === 'IN_PROGRESS') return 'waiting';
  if (b.status !== 'SUCCEEDED') {
    const phase = b.failedPhase;
    const reason = phase
      ? `${phase.type} phase ${phase.status}${phase.message ? `: ${phase.message}` : ''}`
      : `build ${b.status}`;
    return failDeployment(
      ctx,
      { ...d, buildLogUrl: b.logUrl ?? d.buildLogUrl },
      {
        phase: 'build',
        reason,
        status: b.status,
        ...(b.logUrl ? { link: b.logUrl } : {}),
      },
    );
  }

  const startedAt = b.startTime ?? d.startedAt ?? now;
  const durationMs = (b.endTime ?? now) - startedAt;
  if (b.resolvedSourceVersion && b.resolvedSourceVersion !== d.sha) {
    ctx.logger.warn({ deploymentId: d.id, expected: d.sha, built: b.resolvedSourceVersion }, 'build SHA mismatch');
  }
  ctx.db
    .transaction(() => {
      const next = ctx.repo.transition(d.id, 'building', 'deploying', now, { buildLogUrl: b.logUrl ?? d.buildLogUrl });
      if (!next) return;
      ctx.phases.end(d.id, 'build', 'succeeded', now);
      ctx.reporter.reply(
        next,
        'build-finished',
        buildFinishedReply({
          durationMs,
          sha: d.sha,
          builtSha: b.resolvedSourceVersion,
          repo: target.repo,
          githubWeb: o.githubWeb,
          logUrl: b.logUrl,
        }),
      );
      ctx.reporter.stateChanged(next);
    })
    .immediate();
  return 'progressed';
}
