import type { ActionsBlock } from '@slack/types';
import type { ChangeSummary } from '../domain/change-summary.js';
import type { Failure } from '../domain/deployment.js';
import type { CauseEvent, RootCause } from '../domain/root-cause.js';
import { isStateful } from '../domain/stateful-resources.js';
import { formatDuration } from './format.js';
import { commitUrl, type RepoRef, shortSha } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/** Short thread replies that link out. Pure: every input is data, every output a SlackMessage with a fallback. */

function reply(mrkdwn: string, fallback: string): SlackMessage {
  return {
    text: clip(fallback, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, LIMITS.sectionText) } }],
  };
}

export interface BuildFinishedInput {
  durationMs: number;
  sha: string;
  builtSha: string | null;
  repo: RepoRef;
  githubWeb: string;
  logUrl: string | null;
}

export function buildFinishedReply(i: BuildFinishedInput): SlackMessage {
  const built = i.builtSha ?? i.sha;
  const shaLink = link(commitUrl(i.githubWeb, i.repo, built), shortSha(built));
  const logs = i.logUrl ? ` · ${link(i.logUrl, 'build logs')}` : '';
  const mismatch =
    i.builtSha && i.builtSha !== i.sha
      ? `\n:warning: The build reports it built \`${shortSha(i.builtSha)}\`, not the requested \`${shortSha(i.sha)}\`.`
      : '';
  const unknown = i.builtSha ? '' : ' (the build did not report the commit it built)';
  return reply(
    `:package: Build finished in ${formatDuration(i.durationMs)} · built ${shaLink}${unknown}${logs}${mismatch}`,
    `Build finished in ${formatDuration(i.durationMs)}, built ${shortSha(built)}${mismatch ? ' (SHA MISMATCH)' : ''}`,
  );
}

export function changeSetReply(stackName: string, c: ChangeSummary, stackUrl: string): SlackMessage {
  const counts = `${c.total} resource change${c.total === 1 ? '' : 's'} (${c.add} add, ${c.modify} modify, ${c.remove} remove)`;
  const shown = c.replacements.slice(0, 10).map((r) => {
    const flag = isStateful(r.type) ? ':rotating_light: *stateful*' : ':warning:';
    return `${flag} ${r.conditional ? 'may replace' : 'replaces'} \`${esc(r.logicalId)}\` (${esc(r.type)})`;
  });
  const more =
    c.replacements.length > shown.length ? [`+ ${c.replacements.length - shown.length} more replacements`] : [];
  const lines = [`:clipboard: Change set for ${link(stackUrl, stackName)}: ${counts}`, ...shown, ...more];
  return reply(lines.join('\n'), `Change set for ${stackName}: ${counts}`);
}

export function stackUpdateStartedReply(stackName: string, stackUrl: string): SlackMessage {
  return reply(
    `:rocket: Updating stack ${link(stackUrl, stackName)} · ${link(stackUrl, 'events')}`,
    `Stack update started: ${stackName}`,
  );
}

export function rootCauseReply(
  cause: CauseEvent,
  stackName: string,
  eventsUrl: string,
  detail: Pick<RootCause, 'reason' | 'more' | 'unread'> = {},
): SlackMessage {
  const raw = detail.reason !== undefined ? detail.reason : cause.reason;
  const reason = raw ? esc(raw) : '(CloudFormation gave no reason)';
  const notes = [
    detail.unread ? 'its own events could not be read' : null,
    detail.more ? `and ${detail.more} more failure${detail.more === 1 ? '' : 's'}` : null,
  ].filter((n): n is string => n !== null);
  const note = notes.length ? `\n_${notes.join('; ')}_` : '';
  const textNote = notes.length ? ` (${notes.join('; ')})` : '';
  return reply(
    `:rotating_light: *Root cause:* \`${esc(cause.logicalId)}\` (${esc(cause.resourceType)}) ${esc(cause.status)}\n>${reason}${note}\n${link(eventsUrl, `${stackName} events`)}`,
    `Root cause: ${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${raw ?? 'no reason given'}${textNote}`,
  );
}

export interface ResultInput {
  outcome: 'succeeded' | 'noop' | 'failed' | 'cancelled';
  durationMs: number | null;
  failure?: Failure | null;
  /** Failed events after the root cause, summarised rather than listed. */
  cascadeCount?: number;
  logUrl?: string | null;
  stackUrl?: string | null;
  /** Cancelled: what the cancel did; failed: a line after the reason (e.g. a stack to delete before the next try). */
  detail?: string;
  /** Failure: the retry / roll back buttons (views/failure-actions.ts). */
  actions?: ActionsBlock;
  /** The root cause reply is already in the thread: the result points at it instead of saying it again. */
  causeAbove?: boolean;
}

/** Phase names as people say them (failure phases are internal names such as `stack_update`). */
export function phaseWords(phase: string): string {
  return phase === 'stack_update' ? 'stack update' : phase === 'changeset' ? 'change set' : phase.replace(/_/g, ' ');
}

export function resultReply(i: ResultInput): SlackMessage {
  const msg = resultBody(i);
  return i.actions && i.outcome === 'failed' ? { ...msg, blocks: [...(msg.blocks ?? []), i.actions] } : msg;
}

function resultBody(i: ResultInput): SlackMessage {
  const took = i.durationMs !== null ? ` in ${formatDuration(i.durationMs)}` : '';
  if (i.outcome === 'cancelled') {
    const detail = i.detail ?? 'nothing was deployed';
    return reply(`:no_entry_sign: *Cancelled*${took}: ${detail}`, `Cancelled${took}: ${detail.replace(/[*`]/g, '')}`);
  }
  if (i.outcome === 'succeeded') return reply(`:white_check_mark: *Deployed*${took}`, `Deployed${took}`);
  if (i.outcome === 'noop') {
    return reply(
      `:white_check_mark: *No changes*: the stack already matches this version; nothing was updated${took}`,
      `No changes: nothing to deploy${took}`,
    );
  }
  const f = i.failure;
  const phase = f?.phase ?? 'internal';
  const what = f?.logicalId ? ` \`${esc(f.logicalId)}\`${f.resourceType ? ` (${esc(f.resourceType)})` : ''}` : '';
  const cascades = i.cascadeCount
    ? `\n+ ${i.cascadeCount} resource${i.cascadeCount === 1 ? '' : 's'} cancelled or failed as a consequence`
    : '';
  const links = [
    i.logUrl ? link(i.logUrl, 'build logs') : null,
    // A build failure's own link (e.g. the failed GitHub Actions job); CodeBuild's is the build log itself.
    f?.link && f.phase === 'build'
      ? f.link === i.logUrl
        ? null
        : link(f.link, 'failed job')
      : f?.link
        ? link(f.link, 'stack events')
        : i.stackUrl
          ? link(i.stackUrl, 'stack events')
          : null,
  ].filter((l): l is string => l !== null);
  const pointed = i.causeAbove && f?.logicalId !== undefined;
  const reason = pointed ? '' : `\n>${esc(f?.reason ?? 'unknown')}`;
  const detail = i.detail ? `\n:warning: ${i.detail}` : '';
  const said = pointed ? 'see the root cause above' : (f?.reason ?? 'unknown');
  return reply(
    `:x: *Failed* in ${phaseWords(phase)}${took}:${what}${pointed ? ' (root cause above)' : ''}${reason}${cascades}${detail}${links.length ? `\n${links.join(' · ')}` : ''}`,
    `Failed in ${phaseWords(phase)}: ${f?.logicalId ? `${f.logicalId}: ` : ''}${said}`,
  );
}

export interface RollbackProgressInput {
  stackName: string;
  stackUrl: string;
  /** 'cancel': CancelUpdateStack on a running update; 'recovery': ContinueUpdateRollback/RollbackStack later. */
  kind: 'cancel' | 'recovery';
  /** Resources CloudFormation has put back so far. */
  reverted: number;
  /** Resources still being rolled back (logical ids). */
  inProgress: string[];
  stackStatus: string | null;
}

/** One reply, updated in place while CloudFormation rolls the stack back. */
export function rollbackProgressReply(i: RollbackProgressInput): SlackMessage {
  const what = i.kind === 'cancel' ? 'Rolling back' : 'Recovering';
  const busy = i.inProgress.slice(0, 5).map((l) => `\`${esc(l)}\``);
  const more = i.inProgress.length > busy.length ? ` +${i.inProgress.length - busy.length} more` : '';
  const status = i.stackStatus ? ` · ${esc(i.stackStatus)}` : '';
  const lines = [
    `:leftwards_arrow_with_hook: ${what} ${link(i.stackUrl, i.stackName)}${status}: ${i.reverted} resource${i.reverted === 1 ? '' : 's'} reverted`,
    ...(busy.length ? [`still in progress: ${busy.join(', ')}${more}`] : []),
  ];
  return reply(lines.join('\n'), `${what} ${i.stackName}: ${i.reverted} reverted${status}`);
}

/** The end of a recovery started after a failure (the deployment itself stays failed). */
export function recoveryResultReply(i: {
  stackName: string;
  stackUrl: string;
  status: string;
  ok: boolean;
  reason?: string | null;
}): SlackMessage {
  const reason = i.reason ? `\n>${esc(i.reason)}` : '';
  return i.ok
    ? reply(
        `:white_check_mark: ${link(i.stackUrl, i.stackName)} is back to its last working state (${esc(i.status)}).`,
        `${i.stackName} recovered (${i.status})`,
      )
    : reply(
        `:x: Recovery of ${link(i.stackUrl, i.stackName)} ended in ${esc(i.status)}.${reason}`,
        `Recovery of ${i.stackName} ended in ${i.status}`,
      );
}

/** A rollback deployment returning to an earlier one: what it reuses instead of rebuilding. */
export function rollbackReuseReply(i: { toId: number; sha: string; skippedBuild: boolean }): SlackMessage {
  const build = i.skippedBuild ? 'no build (its build already succeeded)' : 'a fresh build of that commit';
  return reply(
    `:rewind: Rollback to deploy #${i.toId} (\`${shortSha(i.sha)}\`): reusing its stack parameters, ${build}.`,
    `Rollback to #${i.toId} (${shortSha(i.sha)}): reusing its parameters, ${build}`,
  );
}
