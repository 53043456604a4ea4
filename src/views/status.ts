import type { KnownBlock } from '@slack/types';
import type { Deployment } from '../domain/deployment.js';
import { STATE_EMOJI } from './deployment-parent.js';
import { formatDuration } from './format.js';
import { commitUrl, type RepoRef, shortSha } from './links.js';
import { requester } from './requester.js';
import { clip, esc, escKeepMentions, LIMITS, link, type SlackMessage } from './slack-message.js';
import { phaseWords } from './thread-replies.js';

export interface TargetStatus {
  service: string;
  environment: string;
  channel: string;
  repo: RepoRef;
  active?: { deployment: Deployment; phase?: string; threadUrl?: string; monitoringPausedSince?: number };
  queue: { deployment: Deployment; position: number; threadUrl?: string }[];
  /** Newest first; the view shows at most 5. */
  recent: Deployment[];
  /** The lock line (mrkdwn, already escaped) when the target is locked. */
  lock?: string;
}

export interface StatusViewInput {
  targets: TargetStatus[];
  /** Slack messages the outbox gave up on: people may have missed reports. */
  deadLetters: number;
  now: number;
  githubWeb: string;
}

const RECENT = 5;
const QUEUE_SHOWN = 8;
const BLOCKS_PER_TARGET = 2;
// Room kept for the warning, the idle line and the "more targets" line.
const MAX_TARGETS = Math.floor((LIMITS.blocksPerMessage - 3) / BLOCKS_PER_TARGET);

function sha(t: TargetStatus, d: Deployment, web: string): string {
  const ref = d.sha.startsWith(d.ref) ? '' : ` (${esc(d.ref)})`;
  return `${link(commitUrl(web, t.repo, d.sha), shortSha(d.sha))}${ref}`;
}

/** Slack renders the date in the reader's own time zone; the fallback is UTC. */
function when(ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${iso} UTC>`;
}

function thread(url: string | undefined): string {
  return url ? ` · ${link(url, 'thread')}` : '';
}

function runningLine(t: TargetStatus, now: number, web: string): string {
  if (!t.active) return '*Running:* nothing';
  const { deployment: d, phase, threadUrl } = t.active;
  const elapsed = d.startedAt ? ` · ${formatDuration(now - d.startedAt)} elapsed` : '';
  const stalled = d.stalledAt ? ' · :warning: stalled' : '';
  const paused =
    t.active.monitoringPausedSince !== undefined
      ? ` · :see_no_evil: monitoring paused for ${formatDuration(now - t.active.monitoringPausedSince)}`
      : '';
  return `*Running:* ${STATE_EMOJI[d.state]} #${d.id} ${d.state}${phase ? ` (${esc(phaseWords(phase))})` : ''} · ${sha(t, d, web)} by ${requester(d.requestedBy)}${elapsed}${stalled}${paused}${thread(threadUrl)}`;
}

function queueLines(t: TargetStatus, web: string): string[] {
  if (t.queue.length === 0) return ['*Queue:* empty'];
  const lines = t.queue.slice(0, QUEUE_SHOWN).map(({ deployment: d, position, threadUrl }) => {
    const wait = d.waitReason
      ? ` · ${d.waitReason.startsWith('waiting') ? '' : 'waiting: '}${escKeepMentions(d.waitReason)}`
      : d.state === 'pending_approval'
        ? ' · waiting for approval'
        : '';
    return `${position}. #${d.id} ${sha(t, d, web)} by ${requester(d.requestedBy)}${wait}${thread(threadUrl)}`;
  });
  const more = t.queue.length - QUEUE_SHOWN;
  return [`*Queue (${t.queue.length}):*`, ...lines, ...(more > 0 ? [`…and ${more} more`] : [])];
}

function recentLine(t: TargetStatus, d: Deployment, web: string): string {
  const took = d.startedAt && d.finishedAt ? ` · ${formatDuration(d.finishedAt - d.startedAt)}` : '';
  return `${STATE_EMOJI[d.state]} #${d.id} ${sha(t, d, web)} by ${requester(d.requestedBy)} · ${when(d.finishedAt ?? d.updatedAt)}${took}`;
}

function isIdle(t: TargetStatus): boolean {
  return !t.active && t.queue.length === 0 && t.recent.length === 0 && !t.lock;
}

function targetBlocks(t: TargetStatus, now: number, web: string): KnownBlock[] {
  const title = `*${esc(t.service)} → ${esc(t.environment)}* · <#${t.channel}>`;
  const main = [title, ...(t.lock ? [t.lock] : []), runningLine(t, now, web), ...queueLines(t, web)].join('\n');
  const recent = t.recent.slice(0, RECENT).map((d) => recentLine(t, d, web));
  return [
    { type: 'section', text: { type: 'mrkdwn', text: clip(main, LIMITS.sectionText) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            recent.length ? `Last results:\n${recent.join('\n')}` : 'No finished deployments yet.',
            LIMITS.sectionText,
          ),
        },
      ],
    },
  ];
}

/** `/deploy-status`: per target what runs, the queue with positions, the last 5 results; ≤ 50 blocks. */
export function deployStatus(input: StatusViewInput): SlackMessage {
  const { targets, deadLetters, now, githubWeb } = input;
  const blocks: KnownBlock[] = [];
  if (deadLetters > 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:warning: ${deadLetters} Slack message${deadLetters === 1 ? '' : 's'} could not be delivered and ${deadLetters === 1 ? 'was' : 'were'} given up on: some deployment reports may be missing.`,
      },
    });
  }
  const busy = targets.filter((t) => !isIdle(t));
  const idle = targets.filter(isIdle);
  const shown = busy.slice(0, MAX_TARGETS);
  for (const t of shown) blocks.push(...targetBlocks(t, now, githubWeb));
  if (idle.length > 0) {
    const names = idle.map((t) => `${esc(t.service)} → ${esc(t.environment)}`).join(', ');
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(`Never deployed by Coxswain: ${names}`, LIMITS.sectionText) }],
    });
  }
  const hidden = busy.length - shown.length;
  if (hidden > 0) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `…and ${hidden} more targets: use \`/deploy-status <service>\` to see them.` },
      ],
    });
  }
  const running = targets.filter((t) => t.active).length;
  const queued = targets.reduce((n, t) => n + t.queue.length, 0);
  const summary = `Deploy status: ${targets.length} target${targets.length === 1 ? '' : 's'}, ${running} running, ${queued} queued${deadLetters > 0 ? `, ${deadLetters} undelivered Slack messages` : ''}.`;
  return { text: clip(summary, LIMITS.fallbackText), blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
}
