import { isStatefulType } from '../domain/cfn-status.js';
import type { CauseEvent } from '../domain/root-cause.js';
import type { Failure } from '../store/deployment-row.js';
import type { ChangeSummary } from '../store/stacks-repo.js';
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

export function buildStartedReply(project: string, logUrl: string | null): SlackMessage {
  const logs = logUrl ? ` · ${link(logUrl, 'build logs')}` : '';
  return reply(
    `:hammer_and_wrench: Build started in CodeBuild project \`${esc(project)}\`${logs}`,
    `Build started (${project})`,
  );
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
      ? `\n:warning: CodeBuild reports it built \`${shortSha(i.builtSha)}\`, not the requested \`${shortSha(i.sha)}\`.`
      : '';
  const unknown = i.builtSha ? '' : ' (CodeBuild did not report the resolved source version)';
  return reply(
    `:package: Build finished in ${formatDuration(i.durationMs)} · built ${shaLink}${unknown}${logs}${mismatch}`,
    `Build finished in ${formatDuration(i.durationMs)}, built ${shortSha(built)}${mismatch ? ' (SHA MISMATCH)' : ''}`,
  );
}

export function changeSetReply(stackName: string, c: ChangeSummary, stackUrl: string): SlackMessage {
  const counts = `${c.total} resource change${c.total === 1 ? '' : 's'} (${c.add} add, ${c.modify} modify, ${c.remove} remove)`;
  const shown = c.replacements.slice(0, 10).map((r) => {
    const flag = isStatefulType(r.type) ? ':rotating_light: *stateful*' : ':warning:';
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

export function rootCauseReply(cause: CauseEvent, stackName: string, eventsUrl: string): SlackMessage {
  const reason = cause.reason ? esc(cause.reason) : '(CloudFormation gave no reason)';
  return reply(
    `:rotating_light: *Root cause:* \`${esc(cause.logicalId)}\` (${esc(cause.resourceType)}) ${esc(cause.status)}\n>${reason}\n${link(eventsUrl, `${stackName} events`)}`,
    `Root cause: ${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason ?? 'no reason given'}`,
  );
}

export interface ResultInput {
  outcome: 'succeeded' | 'noop' | 'failed';
  durationMs: number | null;
  failure?: Failure | null;
  /** Failed events after the root cause, summarised rather than listed. */
  cascadeCount?: number;
  logUrl?: string | null;
  stackUrl?: string | null;
}

export function resultReply(i: ResultInput): SlackMessage {
  const took = i.durationMs !== null ? ` in ${formatDuration(i.durationMs)}` : '';
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
    f?.link ? link(f.link, 'stack events') : i.stackUrl ? link(i.stackUrl, 'stack events') : null,
  ].filter((l): l is string => l !== null);
  const reason = esc(f?.reason ?? 'unknown');
  return reply(
    `:x: *Failed* in ${phase.replace('_', ' ')}${took}:${what}\n>${reason}${cascades}${links.length ? `\n${links.join(' · ')}` : ''}`,
    `Failed in ${phase}: ${f?.logicalId ? `${f.logicalId}: ` : ''}${f?.reason ?? 'unknown'}`,
  );
}
