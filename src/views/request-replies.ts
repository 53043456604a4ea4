import type { Deployment } from '../store/deployment-row.js';
import { commitUrl, type RepoRef, shortSha } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/** Ephemeral answers to the person who typed a command; posted through respond(), never the outbox. */

function text(t: string): SlackMessage {
  return { text: clip(t, LIMITS.sectionText) };
}

export interface RequestReplyInput {
  deployment: Deployment;
  /** Queue position (1 = next) while queued. */
  position: number | undefined;
  repo: RepoRef;
  githubWeb: string;
}

function what(i: RequestReplyInput): string {
  const d = i.deployment;
  const ref = d.sha.startsWith(d.ref) ? '' : ` (${esc(d.ref)})`;
  return `#${d.id} ${esc(d.service)} → ${esc(d.environment)} ${link(commitUrl(i.githubWeb, i.repo, d.sha), shortSha(d.sha))}${ref}`;
}

function where(i: RequestReplyInput): string {
  const d = i.deployment;
  if (d.state === 'queued' && i.position !== undefined)
    return `position ${i.position}${i.position === 1 ? ' (next)' : ''}`;
  return `now ${d.state.replace('_', ' ')}`;
}

export function queuedReply(i: RequestReplyInput): SlackMessage {
  return text(`Queued ${what(i)}, ${where(i)} — follow the thread in <#${i.deployment.channel}>.`);
}

export function joinedReply(i: RequestReplyInput): SlackMessage {
  return text(
    `<@${i.deployment.requestedBy}> already queued the same commit: you joined ${what(i)}, ${where(i)} — follow the thread in <#${i.deployment.channel}>.`,
  );
}

/** The short note posted in the joined deployment's thread. */
export function joinedThreadNote(userId: string): SlackMessage {
  return text(`<@${userId}> also asked for this.`);
}

/** A normal refusal (bad input, not allowed, unknown ref): the message says what to do instead. */
export function refusal(message: string): SlackMessage {
  return text(message);
}

export function internalErrorReply(): SlackMessage {
  return text('Something went wrong on Coxswain’s side and nothing was queued. Try again in a moment.');
}

export function rollbackNotYetReply(
  target?: { service: string; environment: string },
  lastGoodSha?: string,
): SlackMessage {
  const base =
    'Rollback is not yet available (it arrives with its own issue): use `/deploy <service> <env> <previous sha>` meanwhile.';
  if (!target) return text(base);
  const t = `\`${target.service}\` → \`${target.environment}\``;
  if (!lastGoodSha) return text(`${base} Coxswain has no successful deployment of ${t} on record yet.`);
  return text(
    `${base} The last successful deployment of ${t} was \`${lastGoodSha}\`: \`/deploy ${target.service} ${target.environment} ${lastGoodSha}\``,
  );
}

export function digestQueuedReply(kind: 'drift' | 'health', channel: string | undefined): SlackMessage {
  return text(`The ${kind} digest is queued${channel ? ` for <#${channel}>` : ''}.`);
}

export function digestEmptyReply(kind: 'drift' | 'health'): SlackMessage {
  return text(`The ${kind} digest has nothing to show right now.`);
}
