import type { BlindOutcome } from '../domain/blind-watch.js';
import { formatDuration } from './format.js';
import { shortSha } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/** The blind reply and the late outcome of a deployment failed because its stack could not be read. Pure. */

function section(mrkdwn: string, fallback: string): SlackMessage {
  return {
    text: clip(fallback, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, LIMITS.sectionText) } }],
  };
}

const names = (stacks: readonly string[]) => stacks.map((s) => `\`${s}\``).join(', ');

/** The blind reply once the deployment was failed for it: what is still watched, how, for how long. */
export function blindWatchingReply(i: {
  deploymentId: number;
  minutes: number;
  code: string;
  watched: readonly string[];
  watchHours: number;
}): SlackMessage {
  const head = `:no_entry: *Monitoring stopped* for deploy #${i.deploymentId}: AWS denied the reads for ${i.minutes} min (${esc(i.code)}), so the deployment is marked failed. The stack was left alone.`;
  const next =
    i.watched.length > 0
      ? `Coxswain still checks ${names(i.watched)} read-only every few minutes for ${i.watchHours} h and posts CloudFormation's outcome here once it can read it.`
      : 'No running stack update of this deployment is left to watch.';
  return section(
    `${head}\n${next}`,
    `Monitoring stopped for deploy #${i.deploymentId}: AWS denied the reads for ${i.minutes} min (${i.code}). ${next.replace(/`/g, '')}`,
  );
}

/**
 * The blind reply when reads work again after the failure. While the update still runs it names its status only
 * (no ticking duration, so repeated polls change nothing); once it ended, how long after the failure.
 */
export function blindReadingAgainReply(
  i: { deploymentId: number; stackName: string } & ({ stillRunning: string } | { afterFailMs: number }),
): SlackMessage {
  const line =
    'stillRunning' in i
      ? `Coxswain reads \`${i.stackName}\` again: it is still ${esc(i.stillRunning)}; its outcome follows here.`
      : `reading again ${formatDuration(i.afterFailMs)} after the failure. CloudFormation finished \`${i.stackName}\` meanwhile; the outcome is below.`;
  return section(
    `:eyes: *Monitoring resumed* for deploy #${i.deploymentId}: ${line}`,
    `Monitoring of deploy #${i.deploymentId} resumed: ${line.replace(/`/g, '')}`,
  );
}

/** The blind reply when the watch ends without ever reading the stack again. */
export function blindWatchEndedReply(i: {
  deploymentId: number;
  stackName: string;
  stackUrl: string;
  watchHours: number;
}): SlackMessage {
  return section(
    `:see_no_evil: *Stopped watching* ${link(i.stackUrl, i.stackName)} for deploy #${i.deploymentId}: AWS still refused the reads ${i.watchHours} h after the failure. Its outcome is in the CloudFormation console.`,
    `Stopped watching ${i.stackName} for deploy #${i.deploymentId}: reads still failed ${i.watchHours} h after the failure.`,
  );
}

export interface BlindOutcomeInput {
  stackName: string;
  stackUrl: string;
  sha: string;
  outcome: Exclude<BlindOutcome, { kind: 'running' }>;
  /** The root cause from the shared picker ("Db: Disk full"), for anything but a success. */
  cause: string | null;
  /** Later stacks of the deployment that never started (it failed before them). */
  notStarted: readonly string[];
}

/** The one reply with CloudFormation's real outcome, read after the deployment was failed for blindness. */
export function blindOutcomeReply(i: BlindOutcomeInput): SlackMessage {
  const stack = link(i.stackUrl, i.stackName);
  const cause = i.cause ? `: ${i.cause}` : '';
  const rest = i.notStarted.length > 0 ? `\nNot started by this deployment: ${names(i.notStarted)}.` : '';
  const o = i.outcome;
  const sha = shortSha(i.sha);
  if (o.kind === 'gone') {
    return section(
      `:grey_question: ${esc(i.stackName)} no longer exists: it was deleted while Coxswain could not read it.${rest}`,
      `${i.stackName} no longer exists (deleted while Coxswain could not read it)`,
    );
  }
  if (o.kind === 'succeeded') {
    return section(
      `:white_check_mark: CloudFormation finished meanwhile: ${esc(o.status)} — ${stack} now runs \`${sha}\`. The deployment stays failed: Coxswain did not see it through.${rest}`,
      `CloudFormation finished meanwhile: ${o.status} — ${i.stackName} now runs ${sha}`,
    );
  }
  const rolledBack = o.kind === 'rolled_back';
  const what = rolledBack
    ? `CloudFormation rolled back ${stack} meanwhile (${esc(o.status)})`
    : `${stack} ended in ${esc(o.status)} meanwhile`;
  const tail = rolledBack ? ' It still runs the previous version.' : '';
  return section(
    `:x: ${what}${esc(cause)}.${tail}${rest}`,
    rolledBack
      ? `CloudFormation rolled back ${i.stackName} meanwhile (${o.status})${cause}`
      : `${i.stackName} ended in ${o.status} meanwhile${cause}`,
  );
}
