import type { WorkflowRun } from '../adapters/github-actions.js';
import { logError } from '../app/log-error.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import { actionsCancelReply } from '../views/actions-replies.js';
import { lookForRun } from './actions-build.js';
import { type RunContext, updateActive } from './run-context.js';

/** Cancel of a GitHub Actions build (runner/cancel.ts): the run is cancelled on GitHub, the stacks follow today's rules. */

/** How long after the GitHub deployment a cancel still waits for its run to appear (GitHub starts it in seconds). */
export const CANCEL_RUN_GRACE_MS = 60_000;

/**
 * A cancel before the run was found: the GitHub deployment may already have started it. Adopt the run so the cancel
 * can stop it ('adopted'), wait a little for it to appear ('wait'), or give up when there is none or it cannot be
 * told apart ('none'). An uncreated GitHub deployment is never created once the deployment left `building`.
 */
export async function adoptRunToCancel(ctx: RunContext, d: Deployment, target: Target) {
  const workflow = target.build?.workflow;
  const row = ctx.githubDeployments.get(d.id);
  if (!workflow || !row || row.githubId === null || row.githubCreated === null) return 'none' as const;
  const { runs, m } = await lookForRun(ctx, d, target, workflow, {
    githubId: row.githubId,
    created: row.githubCreated,
  });
  if (m.kind === 'found') {
    const run = runs.find((r) => r.id === m.runId)!;
    const adopted = ctx.db
      .transaction(
        () =>
          ctx.githubDeployments.claimRun(d.id, run.id) &&
          updateActive(ctx, d, { buildId: String(run.id), buildLogUrl: run.htmlUrl }),
      )
      .immediate();
    return adopted ? ('adopted' as const) : ('none' as const);
  }
  if (m.kind === 'none' && ctx.clock.now() - Date.parse(row.githubCreated) < CANCEL_RUN_GRACE_MS) {
    return 'wait' as const;
  }
  if (m.kind === 'ambiguous') ctx.logger.warn({ deploymentId: d.id }, 'cancel: the workflow run cannot be told apart');
  return 'none' as const;
}

/**
 * Cancel of a workflow build: POST /actions/runs/{id}/cancel until the run has completed. True while it still runs
 * (a 409 means it completed meanwhile; the next poll reads it).
 */
export async function cancelActionsRun(ctx: RunContext, d: Deployment, target: Target): Promise<boolean> {
  if (!d.buildId) return false;
  const run = await ctx.actions.getRun(target.repo, Number(d.buildId));
  if (run.status === 'completed') return false;
  if (!ctx.reporter.hasReply(d, 'actions-cancel')) await requestCancel(ctx, d, target, run);
  return true;
}

/**
 * Mode build: a cancel while the workflow is updating a stack also cancels the run, so it cannot go on to the next
 * stack (the stack itself follows today's rules). Asked once; the thread says so.
 */
export async function cancelRunOnce(ctx: RunContext, d: Deployment, target: Target): Promise<void> {
  if (!d.buildId || ctx.reporter.hasReply(d, 'actions-cancel')) return;
  const run = await ctx.actions.getRun(target.repo, Number(d.buildId));
  if (run.status !== 'completed') await requestCancel(ctx, d, target, run);
}

async function requestCancel(ctx: RunContext, d: Deployment, target: Target, run: WorkflowRun): Promise<void> {
  const r = await ctx.actions.cancelRun(target.repo, run.id);
  // 409: the run completed meanwhile; the next poll reads how. Anything else is tried again next poll.
  if (!r.ok && r.status !== 409) {
    logError(ctx.logger, r.message, { deploymentId: d.id, runId: run.id }, 'run cancel refused; retrying', 'warn');
    return;
  }
  ctx.reporter.reply(d, 'actions-cancel', actionsCancelReply(run.htmlUrl));
}
