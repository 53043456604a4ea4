import { isNotFoundAwsError } from '../adapters/aws-errors.js';
import type { BuildInfo } from '../adapters/codebuild.js';
import type { StepOutcome } from '../deploys/poll-context.js';
import { isInProgress, updateOutcome } from '../domain/cfn-status.js';
import type { Deployment, Failure } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { UNTOKENED_OPERATION } from './build-operation.js';
import { reportRootCause, stackRootCause } from './root-cause-report.js';
import { failDeployment, type RunContext, stackEventsUrl, stackFailure } from './run-context.js';
import { readEvents, TAIL_SLACK_MS } from './stack-events.js';
import { finishStackUpdate } from './verify.js';

/**
 * Mode build: the build itself deploys (cdk deploy, sam deploy). Coxswain does not touch the stacks; it follows
 * the operations that began on them after the build started (by the tool's ClientRequestToken, or by time when the
 * tool sends none: src/runner/build-operation.ts), so the
 * thread still gets events, root cause and stalls. The result is the build's, checked against the stacks' ends.
 */

/**
 * The first operation on a stack that began at or after `since`: its oldest stack-level *_IN_PROGRESS event (a
 * later one, such as UPDATE_ROLLBACK_IN_PROGRESS, is the same operation going on, and without a token only the
 * first one dates all of its events).
 */
async function findOperation(ctx: RunContext, target: Target, stackName: string, since: number) {
  let events: Awaited<ReturnType<RunContext['cfn']['tailEvents']>>['events'];
  try {
    events = (await ctx.cfn.tailEvents(target.region, stackName, null, since)).events;
  } catch (err) {
    // The tool may be about to create the stack.
    if (isNotFoundAwsError(err)) return undefined;
    throw err;
  }
  const start = events.findLast(
    (e) =>
      e.logicalId === stackName &&
      e.resourceType === 'AWS::CloudFormation::Stack' &&
      isInProgress(e.status) &&
      e.timestamp >= since,
  );
  return start ? { token: start.token ?? UNTOKENED_OPERATION, startedAt: start.timestamp } : undefined;
}

/** One poll of the configured stacks while the build runs; true when something new was read. */
export async function watchStacks(ctx: RunContext, d: Deployment, target: Target, buildStart: number) {
  let progressed = false;
  for (const row of ctx.stacks.list(d.id)) {
    let s: DeploymentStack = row;
    if (s.status === 'pending') {
      const op = await findOperation(ctx, target, s.stackName, buildStart);
      if (!op) continue;
      // startedAt is back-dated by the tail slack inside readEvents; keep the real start here.
      ctx.stacks.update(d.id, s.position, 'pending', {
        status: 'updating',
        opToken: op.token,
        startedAt: op.startedAt,
      });
      ctx.logger.info({ deploymentId: d.id, stack: s.stackName, token: op.token }, 'following build-driven operation');
      s = ctx.stacks.get(d.id, s.position)!;
      progressed = true;
    }
    if (s.status !== 'updating') continue;
    const stored = await readEvents(ctx, d, target, s.position, stackEventsUrl(ctx, target, s.stackName));
    if (stored.length > 0) progressed = true;
  }
  return progressed;
}

/**
 * The build has ended: wait for every followed stack to be stable, then decide. A green build with a stack rolled
 * back is a failure; a failed build is reported with the stack's root cause when a stack failed, else the build's.
 */
export async function finishBuildDeploy(
  ctx: RunContext,
  d: Deployment,
  target: Target,
  b: BuildInfo,
  buildFailure: Failure | null,
): Promise<StepOutcome> {
  const buildStart = b.startTime ?? d.startedAt ?? 0;
  await watchStacks(ctx, d, target, buildStart);
  const ends: { s: DeploymentStack; status: string }[] = [];
  for (const s of ctx.stacks.list(d.id)) {
    if (s.status !== 'updating') continue;
    const stack = await ctx.cfn.describeStack(target.region, s.stackName);
    const status = stack?.status ?? 'DELETE_COMPLETE';
    if (isInProgress(status)) return 'waiting';
    ends.push({ s, status });
  }
  const now = ctx.clock.now();
  const bad = ends.find((e) => updateOutcome(e.status) !== 'succeeded');
  if (bad) {
    const url = stackEventsUrl(ctx, target, bad.s.stackName);
    const rc = stackRootCause(ctx, d, bad.s.stackName, buildStart - TAIL_SLACK_MS);
    const failure = stackFailure(rc, bad.s.stackName, url, { reason: `stack ended in ${bad.status}` });
    return failDeployment(ctx, { ...d, buildLogUrl: b.logUrl ?? d.buildLogUrl }, failure, {
      cascadeCount: rc.cascades.length,
      stackUrl: url,
      ...(buildFailure
        ? {}
        : { detail: `The build succeeded, but \`${bad.s.stackName}\` ended in ${bad.status}: counted as a failure.` }),
      inTx: () => {
        for (const e of ends) {
          const ok = updateOutcome(e.status) === 'succeeded';
          ctx.stacks.update(d.id, e.s.position, 'updating', { status: ok ? 'succeeded' : 'failed', finishedAt: now });
        }
        reportRootCause(ctx, d, bad.s.stackName, url, rc);
      },
    });
  }
  if (buildFailure) return failDeployment(ctx, { ...d, buildLogUrl: b.logUrl ?? d.buildLogUrl }, buildFailure);
  ctx.db
    .transaction(() => {
      for (const s of ctx.stacks.list(d.id)) {
        if (s.status === 'updating')
          ctx.stacks.update(d.id, s.position, 'updating', { status: 'succeeded', finishedAt: now });
        // No operation after the build started: the tool found nothing to change on this stack.
        if (s.status === 'pending') ctx.stacks.update(d.id, s.position, 'pending', { status: 'noop', finishedAt: now });
      }
    })
    .immediate();
  return finishStackUpdate(ctx, d, ends.length === 0);
}
