/**
 * The App Home tab: per service, what runs where at a glance. Pure: the dashboard service gathers the data, this
 * turns it into a Home view (≤ 100 blocks; targets that do not fit are named, with a pointer to /deploy-status).
 */
import type { HomeView, KnownBlock } from '@slack/types';
import type { Deployment } from '../domain/deployment.js';
import { approvalActions, clockTime } from './approval.js';
import { formatMinutes } from './format.js';
import { commitUrl, type RepoRef, shortSha } from './links.js';
import { clip, esc, escKeepMentions, LIMITS, link } from './slack-message.js';

export const HOME_MAX_BLOCKS = 100;

export interface HomeTarget {
  service: string;
  environment: string;
  repo: RepoRef;
  /** What runs there now: the last successful deployment. */
  current?: Deployment;
  active?: { deployment: Deployment; etaMs?: number };
  /** Waiting deployments (queued or pending approval), position 1 first. */
  queue: { deployment: Deployment; position: number; etaMs?: number }[];
  /** `rollback` locks carry a reason Coxswain wrote (with a mention); a manual lock's reason is user text. */
  lock?: { by: string; reason: string; since: number; kind: 'manual' | 'rollback' };
  /** Pending approvals the viewing user may approve or reject now (same rules as the thread's buttons). */
  approvals: Deployment[];
  /** The newest finished deployment, when it failed. */
  lastFailure?: Deployment;
}

export interface HomeInput {
  userId: string;
  targets: HomeTarget[];
  githubWeb: string;
  now: number;
}

const STATE_EMOJI: Record<string, string> = {
  building: ':hammer_and_wrench:',
  deploying: ':rocket:',
  cancelling: ':octagonal_sign:',
  queued: ':hourglass_flowing_sand:',
  pending_approval: ':raised_hand:',
};

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) },
});
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) }],
});

function eta(ms: number | undefined, what: string): string {
  return ms === undefined ? '' : ` · ${what} in ~${formatMinutes(ms)}`;
}

function kindLabel(d: Deployment): string {
  return d.kind === 'rollback' ? 'rollback' : 'deploy';
}

function targetText(t: HomeTarget, web: string): string {
  const lines: string[] = [];
  const c = t.current;
  const sha = (d: Deployment) => link(commitUrl(web, t.repo, d.sha), shortSha(d.sha));
  lines.push(
    c
      ? `*${esc(t.environment)}* · ${sha(c)} (\`${esc(clip(c.ref, 60))}\`) · ${clockTime(c.finishedAt ?? c.updatedAt).mrkdwn} by <@${c.requestedBy}>`
      : `*${esc(t.environment)}* · _nothing deployed by Coxswain yet_`,
  );
  if (t.lock) {
    const reason = clip(t.lock.reason, 200);
    lines.push(`:lock: Locked by <@${t.lock.by}> since ${clockTime(t.lock.since).mrkdwn}: ${escKeepMentions(reason)}`);
  }
  if (t.active) {
    const d = t.active.deployment;
    lines.push(
      `${STATE_EMOJI[d.state] ?? ':gear:'} Running: ${kindLabel(d)} #${d.id} ${sha(d)} by <@${d.requestedBy}> (${d.state})${eta(t.active.etaMs, 'done')}`,
    );
  }
  for (const q of t.queue.slice(0, 5)) {
    const d = q.deployment;
    const what = d.state === 'pending_approval' ? 'waiting for approval' : `#${q.position} in line`;
    lines.push(
      `${STATE_EMOJI[d.state] ?? ':gear:'} ${kindLabel(d)} #${d.id} ${sha(d)} by <@${d.requestedBy}> · ${what}${eta(q.etaMs, 'starts')}`,
    );
  }
  if (t.queue.length > 5) lines.push(`…and ${t.queue.length - 5} more waiting`);
  return lines.join('\n');
}

function approvalBlocks(t: HomeTarget, d: Deployment, web: string): KnownBlock[] {
  const sha = link(commitUrl(web, t.repo, d.sha), shortSha(d.sha));
  return [
    section(
      `:raised_hand: <@${d.requestedBy}> asks to ${kindLabel(d)} ${sha} (\`${esc(clip(d.ref, 60))}\`) to *${esc(t.service)} → ${esc(t.environment)}* (#${d.id})`,
    ),
    // The same buttons and block id as in the thread: a click is bound to the SHA shown here.
    approvalActions(d),
  ];
}

function failureBlock(d: Deployment): KnownBlock {
  const reason = d.failure ? esc(clip(d.failure.reason, 300)) : 'no reason recorded';
  const where = d.failure?.logicalId ? ` \`${esc(d.failure.logicalId)}\`` : '';
  const more = d.failure?.link ? ` · ${link(d.failure.link, 'details')}` : '';
  return context(
    `:x: Last ${kindLabel(d)} #${d.id} failed ${clockTime(d.finishedAt ?? d.updatedAt).mrkdwn}:${where} ${reason}${more}`,
  );
}

/** Blocks of one service: a header, then per environment its line(s), approvals and last failure. */
function serviceBlocks(service: string, targets: HomeTarget[], web: string): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(service, LIMITS.header), emoji: true } },
  ];
  for (const t of targets) {
    blocks.push(section(targetText(t, web)));
    for (const d of t.approvals) blocks.push(...approvalBlocks(t, d, web));
    if (t.lastFailure) blocks.push(failureBlock(t.lastFailure));
  }
  blocks.push({ type: 'divider' });
  return blocks;
}

export function appHome(input: HomeInput): HomeView {
  const web = input.githubWeb;
  const approvals = input.targets.reduce((n, t) => n + t.approvals.length, 0);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Coxswain: what runs where', emoji: true } },
    context(
      `${approvals > 0 ? `:raised_hand: *${approvals} approval${approvals === 1 ? '' : 's'} waiting for you* · ` : ''}Updated ${clockTime(input.now).mrkdwn} · \`/deploy\` opens a form · \`/deploy-status\` for details`,
    ),
    { type: 'divider' },
  ];
  const byService = new Map<string, HomeTarget[]>();
  for (const t of input.targets) byService.set(t.service, [...(byService.get(t.service) ?? []), t]);
  const left: string[] = [];
  for (const [service, targets] of byService) {
    const more = serviceBlocks(service, targets, web);
    // Keep one block free for the "not shown" note.
    if (left.length > 0 || blocks.length + more.length > HOME_MAX_BLOCKS - 1) {
      left.push(service);
      continue;
    }
    blocks.push(...more);
  }
  if (left.length > 0) {
    blocks.push(
      context(
        `Not shown (too much for one Home tab): ${left.map((s) => `\`${esc(s)}\``).join(', ')}. Use \`/deploy-status <service>\`.`,
      ),
    );
  }
  return { type: 'home', blocks };
}
