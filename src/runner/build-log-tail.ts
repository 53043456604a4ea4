import type { BuildInfo } from '../adapters/codebuild.js';
import type { Deployment } from '../domain/deployment.js';
import { buildLogTailReply } from '../views/build-log-tail.js';
import type { RunContext } from './run-context.js';

/** Slack of the phase window: CodeBuild's phase times are to the second, log events to the millisecond. */
const WINDOW_SLACK_MS = 2_000;

/**
 * Once a deployment has failed in its build, posts the failed phase's last log lines under the failure (or says
 * why it cannot). Reads CloudWatch Logs once: the reply's stable name makes a later call a no-op.
 */
export async function postBuildLogTail(ctx: RunContext, d: Deployment, region: string | undefined, b: BuildInfo) {
  const fresh = ctx.repo.get(d.id);
  if (fresh?.state !== 'failed' || fresh.failure?.phase !== 'build') return;
  if (ctx.reporter.hasReply(fresh, 'build-log')) return;
  const phase = b.failedPhase?.type ?? 'build';
  const logUrl = b.logUrl;
  let message: ReturnType<typeof buildLogTailReply>;
  if (!b.logs.enabled || !b.logs.group || !b.logs.stream) {
    message = buildLogTailReply({ kind: 'off', phase, logUrl });
  } else {
    const start = b.failedPhase?.startTime;
    const end = b.failedPhase?.endTime ?? b.endTime;
    const tail = await ctx.logs.tail({
      region,
      group: b.logs.group,
      stream: b.logs.stream,
      ...(start ? { startTime: start - WINDOW_SLACK_MS } : {}),
      ...(end ? { endTime: end + WINDOW_SLACK_MS } : {}),
    });
    message = tail.ok
      ? buildLogTailReply({ kind: 'lines', phase, lines: tail.lines, logUrl })
      : buildLogTailReply({ kind: tail.why, phase, code: tail.code, logUrl });
  }
  ctx.reporter.reply(fresh, 'build-log', message);
}
