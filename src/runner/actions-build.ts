import type { BuildInfo } from '../adapters/codebuild.js';
import type { TemplateLocation } from '../adapters/codebuild-artifacts.js';
import type { WorkflowJob, WorkflowRun } from '../adapters/github-actions.js';
import { logTail } from '../adapters/github-actions.js';
import { githubFailure } from '../adapters/github-deployments.js';
import { logError } from '../app/log-error.js';
import type { StepOutcome } from '../deploys/poll-context.js';
import { matchRun } from '../domain/actions-run-match.js';
import type { Deployment, Failure } from '../domain/deployment.js';
import { classifyGitHubError } from '../domain/github-deployment-status.js';
import { median } from '../domain/stats.js';
import { substitute, type Target } from '../domain/targets.js';
import type { JobDuration } from '../store/actions-jobs-repo.js';
import {
  actionsFailureReply,
  actionsShaWarning,
  actionsStartedReply,
  type RunProgress,
} from '../views/actions-replies.js';
import type { BuildStepOptions } from './build.js';
import { concludeBuild } from './build.js';
import { watchStacks } from './build-deploy.js';
import { plannedStacks } from './plan.js';
import { failDeployment, linkRegion, type RunContext, updateActive } from './run-context.js';

/**
 * The building state of a target built by GitHub Actions (docs/adr/0009-i15-github-actions-builds.md): the build is
 * the `on: deployment` run that the GitHub deployment (created by the mirror, Coxswain's own token) triggered, so it
 * checks out exactly the deployment's SHA. No run id yet → find the run; a run id (deployments.build_id) → follow it.
 */
export async function stepActionsBuild(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  workflow: string,
  o: BuildStepOptions,
): Promise<StepOutcome> {
  try {
    return await (d.buildId
      ? follow(ctx, d, target, workflow, Number(d.buildId), o)
      : discover(ctx, d, target, workflow));
  } catch (err) {
    // 5xx, 429, rate limits, network: the runner backs off and polls again. A refusal would repeat forever: fail.
    const f = githubFailure(err);
    const kind = classifyGitHubError(f.status, f.headers);
    if (kind === 'retry' || f.status === undefined) {
      const timeoutMs = (target.build?.startTimeoutMinutes ?? 5) * 60_000;
      const late = !d.buildId && ctx.clock.now() - (d.startedAt ?? ctx.clock.now()) > timeoutMs;
      if (!late) throw err;
      return failDeployment(ctx, d, {
        phase: 'build',
        reason: `GitHub did not answer while looking for ${workflow}'s run: ${f.message}`,
      });
    }
    const needs = kind === 'permission' ? ' (the token needs Actions: read on the repository)' : '';
    return failDeployment(ctx, d, {
      phase: 'build',
      reason: `GitHub refused to show ${workflow}'s run: ${f.message}${needs}`,
    });
  }
}

const workflowPath = (workflow: string) => `.github/workflows/${workflow}`;
const repoName = (t: Target) => `${t.repo.owner}/${t.repo.name}`;

async function discover(ctx: RunContext, d: Deployment, target: Target, workflow: string): Promise<StepOutcome> {
  const gh = ctx.githubDeployments;
  const row = gh.get(d.id);
  const now = ctx.clock.now();
  const timeoutMin = target.build?.startTimeoutMinutes ?? 5;
  const late = now - (d.startedAt ?? now) > timeoutMin * 60_000;
  const fail = (reason: string) => failDeployment(ctx, d, { phase: 'build', reason });
  if (!row) return fail('no GitHub deployment was queued for this deployment, so no workflow can start');
  if (row.deadReason) return fail(`GitHub did not create the deployment that starts ${workflow}: ${row.deadReason}`);
  if (row.githubId === null || row.githubCreated === null) {
    return late
      ? fail(`GitHub did not create the deployment within ${timeoutMin} min (is GitHub reachable?)`)
      : 'waiting';
  }
  const { runs, m } = await lookForRun(ctx, d, target, workflow, {
    githubId: row.githubId,
    created: row.githubCreated,
  });
  if (m.kind === 'none') {
    return late ? fail(`the workflow did not start: is \`on: deployment\` in ${workflow}?`) : 'waiting';
  }
  if (m.kind === 'ambiguous') {
    return fail(
      `${m.candidates} runs of ${workflow} at this commit could be this deployment's: give the workflow a \`run-name\` with \${{ github.event.deployment.id }} so Coxswain can tell them apart`,
    );
  }
  const run = runs.find((r) => r.id === m.runId)!;
  const claimed = ctx.db
    .transaction(() => {
      if (!gh.claimRun(d.id, run.id)) return false;
      if (!updateActive(ctx, d, { buildId: String(run.id), buildLogUrl: run.htmlUrl })) return false;
      if (target.mode === 'build') ctx.stacks.ensure(d.id, plannedStacks(ctx, d, target));
      ctx.phases.start(d.id, d.targetKey, 'build', now);
      ctx.reporter.reply(d, 'build-started', actionsStartedReply(workflow, run.htmlUrl));
      return true;
    })
    .immediate();
  if (claimed) ctx.logger.info({ deploymentId: d.id, runId: run.id, by: m.by }, 'workflow run found');
  return 'progressed';
}

/** The runs at the deployment's SHA and the one the discovery rule picks (domain/actions-run-match.ts). */
export async function lookForRun(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  workflow: string,
  gh: { githubId: number; created: string },
) {
  const repo = ctx.githubDeployments;
  const runs = await ctx.actions.deploymentRuns(target.repo, d.sha);
  const others = repo.othersAwaitingRun(d.id, repoName(target), d.sha).filter((x) => {
    const t = ctx.targetOf(x);
    return t.ok && t.target.build?.workflow === workflow;
  });
  const m = matchRun({
    runs,
    workflowPath: workflowPath(workflow),
    sha: d.sha,
    githubId: gh.githubId,
    githubCreated: gh.created,
    claimed: repo.claimedRuns(repoName(target)),
    othersAwaiting: others.length,
  });
  return { runs, m };
}

/** The job running now (else the last one that ran) and its step: what the progress reply shows. */
export function runProgress(jobs: WorkflowJob[]): RunProgress {
  const done = jobs.filter((j) => j.status === 'completed').length;
  const current = jobs.find((j) => j.status === 'in_progress') ?? [...jobs].reverse().find((j) => j.startedAt);
  const step = current?.steps.find((s) => s.status === 'in_progress') ?? current?.steps.at(-1);
  return { job: current?.name ?? null, step: step?.name ?? null, jobsDone: done, jobsTotal: jobs.length };
}

/** Durations of the jobs that ran (skipped jobs have no start or end). */
export function jobDurations(jobs: WorkflowJob[]): JobDuration[] {
  return jobs
    .filter((j) => j.conclusion === 'success' && j.startedAt && j.completedAt)
    .map((j) => ({ job: j.name, durationMs: Date.parse(j.completedAt!) - Date.parse(j.startedAt!) }))
    .filter((j) => Number.isFinite(j.durationMs) && j.durationMs >= 0);
}

function failedJob(jobs: WorkflowJob[]) {
  const bad = (c: string | null) => c !== null && c !== 'success' && c !== 'skipped' && c !== 'neutral';
  const job = jobs.find((j) => bad(j.conclusion));
  return job ? { job, step: job.steps.find((s) => bad(s.conclusion)) ?? null } : undefined;
}

const STATUS: Record<string, BuildInfo['status']> = {
  success: 'SUCCEEDED',
  cancelled: 'STOPPED',
  timed_out: 'TIMED_OUT',
};

async function follow(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  workflow: string,
  runId: number,
  o: BuildStepOptions,
): Promise<StepOutcome> {
  const gh = ctx.githubDeployments;
  const learned = ctx.actionsJobs;
  const [run, jobs] = await Promise.all([ctx.actions.getRun(target.repo, runId), ctx.actions.jobs(target.repo, runId)]);
  const progress = runProgress(jobs);
  if (progress.job) {
    const past = learned.recent(d.targetKey, workflow, progress.job);
    if (past.length > 0) progress.usual = { medianMs: median(past), samples: past.length };
  }
  const changed = JSON.stringify(gh.runProgress(d.id)) !== JSON.stringify(progress);
  if (changed) gh.setRunProgress(d.id, progress);
  if (run.headSha !== d.sha && !ctx.reporter.hasReply(d, 'actions-sha')) {
    ctx.logger.warn({ deploymentId: d.id, expected: d.sha, built: run.headSha }, 'workflow run SHA mismatch');
    ctx.reporter.reply(d, 'actions-sha', actionsShaWarning(d.sha, run.headSha, run.htmlUrl));
  }
  const started = Date.parse(run.runStartedAt ?? run.createdAt);
  if (run.status !== 'completed') {
    const moved = target.mode === 'build' && (await watchStacks(ctx, d, target, started));
    return moved || changed ? 'progressed' : 'waiting';
  }
  const b = buildInfo(ctx, d, target, run);
  let failure: Failure | null = null;
  if (run.conclusion === 'success') {
    learned.record(d.id, d.targetKey, workflow, jobDurations(jobs), ctx.clock.now());
  } else {
    const f = failedJob(jobs);
    failure = {
      phase: 'build',
      reason: f
        ? `job \`${f.job.name}\`${f.step ? `, step \`${f.step.name}\`` : ''} ended ${f.step?.conclusion ?? f.job.conclusion}`
        : `workflow run ${run.conclusion ?? 'ended'}`,
      status: run.conclusion ?? 'unknown',
      ...(f?.job.htmlUrl ? { link: f.job.htmlUrl } : {}),
    };
    if (f && !ctx.reporter.hasReply(d, 'actions-failure')) {
      const tail = await readTail(ctx, target, f.job.id, d.id);
      ctx.reporter.reply(
        d,
        'actions-failure',
        actionsFailureReply({ job: f.job.name, step: f.step?.name ?? null, jobUrl: f.job.htmlUrl, tail }),
      );
    }
  }
  ctx.logger.info({ deploymentId: d.id, runId, workflow, conclusion: run.conclusion }, 'workflow run finished');
  const bucketRegion = linkRegion(ctx, target);
  return concludeBuild(ctx, d, target, b, failure, o, {
    bucketRegion: async () => bucketRegion,
    templateUrl: (artifact) => workflowTemplateUrl(b.artifactLocation, artifact, bucketRegion),
  });
}

/**
 * Mode template with a workflow: the template the workflow uploaded under `build.artifacts` (substituted with this
 * deployment's SHA, so another build's template is never taken), as an https URL in the stack's region.
 */
export function workflowTemplateUrl(prefix: string | null, artifact: string, region: string): TemplateLocation {
  const m = prefix ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(prefix) : null;
  if (!m) return { ok: false, reason: 'no `build.artifacts` S3 prefix to read the template from' };
  const [, bucket, path] = m as unknown as [string, string, string];
  const key = [...path.split('/'), ...artifact.split('/')].filter((p) => p.length > 0);
  const url = `https://${bucket}.s3.${region}.amazonaws.com/${key.map(encodeURIComponent).join('/')}`;
  return { ok: true, url, bucket, key: key.join('/') };
}

async function readTail(ctx: RunContext, target: Target, jobId: number, deploymentId: number): Promise<string | null> {
  try {
    return logTail(await ctx.actions.jobLog(target.repo, jobId)) || null;
  } catch (err) {
    // The tail is a courtesy: the failure is reported with its link either way.
    logError(ctx.logger, err, { deploymentId, jobId }, 'job log unavailable', 'warn');
    return null;
  }
}

/** The run as the runner's BuildInfo; `artifactLocation` is the S3 prefix the workflow uploads to (mode template). */
function buildInfo(ctx: RunContext, d: Deployment, target: Target, run: WorkflowRun): BuildInfo {
  const prefix = target.build?.artifacts
    ? substitute(target.build.artifacts, { sha: d.sha, env: d.environment, service: d.service })
    : undefined;
  return {
    id: String(run.id),
    status: run.conclusion ? (STATUS[run.conclusion] ?? 'FAILED') : 'FAILED',
    logUrl: run.htmlUrl,
    // The job log tail comes from Actions (actionsFailureReply), not CloudWatch Logs.
    logs: { group: null, stream: null, enabled: false },
    resolvedSourceVersion: run.headSha,
    startTime: Date.parse(run.runStartedAt ?? run.createdAt),
    endTime: Math.min(Date.parse(run.updatedAt), ctx.clock.now()),
    failedPhase: null,
    artifactLocation: prefix ?? null,
  };
}
