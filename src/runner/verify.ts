import type { StepOutcome } from '../deploys/poll-context.js';
import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import {
  describeServed,
  expectedText,
  isServing,
  type ProbeView,
  seenLine,
  smokeFailure,
} from '../domain/verification.js';
import { bakedReply } from '../views/bake-replies.js';
import { shortSha } from '../views/links.js';
import { staleReason, verifyReplies } from '../views/verify-replies.js';
import { failDeployment, type RunContext, succeedDeployment } from './run-context.js';

/**
 * The end of a stack update (every stack done, alarm window over): with `verify` the deployment goes on to
 * verifying, without it succeeds as before.
 */
export function finishStackUpdate(ctx: RunContext, d: Deployment, noop: boolean): StepOutcome {
  const found = ctx.targetOf(d);
  if (d.state === 'baking' && found.ok) {
    const last = ctx.stacks.list(d.id).at(-1);
    ctx.verifications.finish(d.id, 'bake', 'succeeded', ctx.clock.now());
    ctx.reporter.upsertReply(
      d,
      'progress',
      bakedReply(last?.stackName ?? d.targetKey, found.target.env.alarms?.arns ?? []),
    );
  }
  const verify = found.ok ? found.target.env.verify : undefined;
  if (!verify) return succeedDeployment(ctx, d, noop);
  const timeoutMs = verify.timeoutSeconds * 1000;
  const next = ctx.lifecycle.startVerifying(
    d,
    timeoutMs,
    verifyReplies.started(verify.url, d.sha, timeoutMs, verify.smoke.length),
    verifyReplies.waitLine(d.sha, verify.url),
  );
  if (next) ctx.logger.info({ deploymentId: d.id, url: verify.url }, 'verifying');
  return 'progressed';
}

/** One poll of the verifying state: the verify URL until it serves the SHA (or the timeout), then each smoke check once. */
export async function stepVerify(ctx: RunContext, d: Deployment, target: Target): Promise<StepOutcome> {
  const verify = target.env.verify;
  const now = ctx.clock.now();
  if (!verify) return succeedDeployment(ctx, d, false);
  const rec =
    ctx.verifications.get(d.id, 'verify') ??
    ctx.verifications.start(d.id, 'verify', now, now + verify.timeoutSeconds * 1000);
  const r: ProbeView = await ctx.probe.get(verify.url);
  ctx.verifications.polled(d.id, 'verify', seenLine(r));
  if (isServing(r, expectedText(verify.expect, d.sha))) {
    for (const smoke of verify.smoke) {
      const why = smokeFailure(smoke, await ctx.probe.get(smoke.url));
      if (why) return failVerification(ctx, d, target, `serving ${shortSha(d.sha)}, but ${why}`);
    }
    const at = ctx.clock.now();
    ctx.lifecycle.verified(
      d,
      `serving ${shortSha(d.sha)} at ${verify.url}`,
      verifyReplies.succeeded(d.sha, verify.url, d.startedAt ? at - d.startedAt : null, false),
    );
    ctx.logger.info({ deploymentId: d.id, url: verify.url }, 'verified: serving the new SHA');
    return 'done';
  }
  if (ctx.clock.now() < rec.until) return 'waiting';
  const known = ctx.repo.recentFinished(d.targetKey, 100).map((x) => x.sha);
  const reason = r.ok
    ? staleReason(d.sha, verify.url, describeServed(r.body, known))
    : `deployed but not serving ${shortSha(d.sha)} — ${verify.url} did not answer: ${r.error}`;
  return failVerification(ctx, d, target, reason);
}

async function failVerification(ctx: RunContext, d: Deployment, target: Target, reason: string): Promise<StepOutcome> {
  const now = ctx.clock.now();
  const out = failDeployment(
    ctx,
    d,
    { phase: 'verify', reason },
    { inTx: () => ctx.verifications.finish(d.id, 'verify', 'failed', now) },
  );
  // A rollback that fails verification is not rolled back again: a person decides.
  if (target.env.verify?.onFailure === 'rollback' && d.kind === 'deploy' && ctx.autoRollback) {
    const res = await ctx.autoRollback(d.id);
    const failed = ctx.repo.get(d.id);
    if (failed) {
      ctx.reporter.reply(
        failed,
        'auto-rollback',
        res.ok && res.deployment
          ? verifyReplies.autoRollback(res.deployment.id, res.deployment.sha)
          : verifyReplies.autoRollbackRefused(res.message),
      );
    }
  }
  return out;
}
