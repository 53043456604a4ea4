import type { Deployment } from '../domain/deployment.js';
import type { DeploymentState } from '../domain/deployment-state.js';
import { formatDuration, formatMinutes } from './format.js';
import { commitUrl, type RepoRef, shortSha } from './links.js';
import { requester } from './requester.js';
import { clip, esc, escKeepMentions, LIMITS, link, type SlackMessage } from './slack-message.js';

export const STATE_EMOJI: Record<DeploymentState, string> = {
  waiting_checks: ':vertical_traffic_light:',
  pending_approval: ':raised_hand:',
  queued: ':hourglass_flowing_sand:',
  building: ':hammer_and_wrench:',
  deploying: ':rocket:',
  baking: ':stopwatch:',
  verifying: ':mag:',
  cancelling: ':leftwards_arrow_with_hook:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
  rejected: ':no_entry:',
  expired: ':alarm_clock:',
  superseded: ':fast_forward:',
};

export interface ParentContext {
  deployment: Deployment;
  repo: RepoRef;
  githubWeb: string;
  now: number;
  /** Queue position (1 = next) while queued. */
  position?: number;
  /** Estimated ms until it finishes (or starts, while queued), when history allows. */
  etaMs?: number;
  /** Set while AWS reads fail and the thread has been told (the "monitoring paused" reply). */
  monitoringPausedSince?: number;
}

function stateLine(c: ParentContext): string {
  const d = c.deployment;
  const eta = c.etaMs !== undefined ? ` · ETA ~${formatMinutes(c.etaMs)}` : '';
  switch (d.state) {
    case 'waiting_checks':
      return escKeepMentions(d.waitReason ?? 'waiting for checks');
    case 'pending_approval':
      return 'waiting for approval';
    case 'baking':
    case 'verifying':
      return `${d.waitReason ? escKeepMentions(d.waitReason) : d.state}${d.startedAt ? ` · ${formatDuration(c.now - d.startedAt)} elapsed` : ''}`;
    case 'queued':
      return `queued${c.position ? ` · position ${c.position}` : ''}${d.waitReason ? ` · ${escKeepMentions(d.waitReason)}` : ''}${eta}`;
    case 'building':
    case 'deploying':
    case 'cancelling': {
      const elapsed = d.startedAt ? ` · ${formatDuration(c.now - d.startedAt)} elapsed` : '';
      const what = d.state === 'building' ? 'building' : d.state === 'deploying' ? 'updating stack' : 'rolling back';
      const paused = c.monitoringPausedSince !== undefined ? ' · :see_no_evil: monitoring paused' : '';
      return `${what}${d.stalledAt ? ' · :warning: stalled' : ''}${paused}${elapsed}${eta}`;
    }
    default: {
      const took = d.startedAt && d.finishedAt ? ` in ${formatDuration(d.finishedAt - d.startedAt)}` : '';
      return `${d.state.replace('_', ' ')}${took}${d.summary ? ` · ${esc(d.summary)}` : ''}`;
    }
  }
}

/** The thread's parent: the whole deployment at a glance, updated in place on every state change. */
export function deploymentParent(c: ParentContext): SlackMessage {
  const d = c.deployment;
  const verb = d.kind === 'rollback' ? 'Rollback' : 'Deploy';
  const sha = link(commitUrl(c.githubWeb, c.repo, d.sha), shortSha(d.sha));
  const ref = d.ref !== d.sha ? ` (${esc(d.ref)})` : '';
  const title = `${STATE_EMOJI[d.state]} *${verb} #${d.id}* ${esc(d.service)} → ${esc(d.environment)} · ${sha}${ref}`;
  const line = `requested by ${requester(d.requestedBy)} · ${stateLine(c)}`;
  // Built from unformatted pieces (the state line has no mrkdwn of its own): stripping `*`/`_` afterwards would
  // mangle data such as UPDATE_IN_PROGRESS in a wait reason.
  const text = `${verb} #${d.id} ${d.service} → ${d.environment} · ${shortSha(d.sha)}${d.ref !== d.sha ? ` (${d.ref})` : ''} · ${stateLine(c)}`;
  return {
    text: clip(text, LIMITS.fallbackText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(title, LIMITS.sectionText) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: clip(line, LIMITS.sectionText) }] },
    ],
  };
}
