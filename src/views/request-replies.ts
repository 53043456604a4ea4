import type { Deployment } from '../domain/deployment.js';
import type { QueueEta } from '../domain/eta.js';
import { formatMinutes } from './format.js';
import { commitUrl, type RepoRef, shortSha } from './links.js';
import { requester } from './requester.js';
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
  /** Time to start and to finish, from history, while queued. */
  eta?: QueueEta | undefined;
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

/** "starts in about 4 min, done in about 9 min (range 6–14 min)"; from history, so it says how it was made. */
export function etaText(eta: QueueEta): string {
  const start =
    eta.startIn.expectedMs < 60_000 ? 'starts now' : `starts in about ${formatMinutes(eta.startIn.expectedMs)}`;
  const lo = Math.floor(eta.finishIn.lowMs / 60_000);
  const hi = Math.max(lo + 1, Math.ceil(eta.finishIn.highMs / 60_000));
  const basis =
    eta.basis === 'target-history'
      ? `from the last ${eta.samples} deploys`
      : eta.basis === 'aws-history'
        ? `from ${eta.samples} past operations AWS remembers`
        : 'a rough guess, little history yet';
  return `${start}${eta.activeOverdue ? ' (at the earliest: the running one is late)' : ''}, done in about ${formatMinutes(eta.finishIn.expectedMs)} (range ${lo}–${hi} min; ${basis})`;
}

export function queuedReply(i: RequestReplyInput): SlackMessage {
  const d = i.deployment;
  if (d.state === 'pending_approval') {
    return text(
      `Requested ${what(i)}: it needs approval before it runs — the approval request is in the thread in <#${d.channel}>.`,
    );
  }
  const eta = d.state === 'queued' && i.eta ? `; ${etaText(i.eta)}` : '';
  return text(`Queued ${what(i)}, ${where(i)}${eta} — follow the thread in <#${d.channel}>.`);
}

/** A reply followed by notes (e.g. "the target is locked"), each its own section. */
export function withNotes(reply: SlackMessage, ...notes: (SlackMessage | undefined)[]): SlackMessage {
  const present = notes.filter((n): n is SlackMessage => n !== undefined);
  if (present.length === 0) return reply;
  const blocks = [
    ...(reply.blocks ?? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: reply.text } }]),
    ...present.flatMap(
      (n) => n.blocks ?? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: n.text } }],
    ),
  ];
  return {
    text: clip([reply.text, ...present.map((n) => n.text)].join('\n'), LIMITS.fallbackText),
    blocks: blocks.slice(0, LIMITS.blocksPerMessage),
  };
}

export function joinedReply(i: RequestReplyInput): SlackMessage {
  return text(
    `${requester(i.deployment.requestedBy)} already queued the same commit: you joined ${what(i)}, ${where(i)} — follow the thread in <#${i.deployment.channel}>.`,
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

/** Any service result a handler answers with: one that carries its own reply (blocks), or only a message. */
export type Replyable = { reply: SlackMessage } | { message: string };

/**
 * The one way a Slack handler turns a service's result — success or refusal (domain/refusal.ts) — into its reply:
 * the result's own reply when it has one (refuseWith, a queued deploy), else its message as plain text.
 */
export function replyOf(result: Replyable): SlackMessage {
  return 'reply' in result ? result.reply : text(result.message);
}

export function digestQueuedReply(kind: 'drift' | 'health', channel: string | undefined): SlackMessage {
  return text(`The ${kind} digest is queued${channel ? ` for <#${channel}>` : ''}.`);
}

export function digestEmptyReply(kind: 'drift' | 'health'): SlackMessage {
  return text(`The ${kind} digest has nothing to show right now.`);
}

/**
 * An ephemeral digest preview: every part in one message while they fit Slack's block limit, else as many parts as
 * fit and a line saying how many more there are (posting shows them all, in the thread).
 */
export function digestPreview(parts: readonly SlackMessage[]): SlackMessage {
  const room = LIMITS.blocksPerMessage - 1;
  const blocks: NonNullable<SlackMessage['blocks']> = [];
  let shown = 0;
  for (const p of parts) {
    const b = p.blocks ?? [
      { type: 'section' as const, text: { type: 'mrkdwn' as const, text: clip(p.text, LIMITS.sectionText) } },
    ];
    if (blocks.length + b.length > room && shown > 0) break;
    blocks.push(...b.slice(0, room - blocks.length));
    shown++;
  }
  const more = parts.length - shown;
  if (more > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${more} more part${more === 1 ? '' : 's'} — add \`post\` to see all.` }],
    });
  }
  const first = parts[0]!;
  return { text: clip(more > 0 ? `${first.text} (${more} more parts)` : first.text, LIMITS.fallbackText), blocks };
}
