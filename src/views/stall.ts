import type { KnownBlock } from '@slack/types';
import type { StalledResource } from '../domain/stall.js';
import { formatDuration } from './format.js';
import { clip, esc, LIMITS, type SlackMessage } from './slack-message.js';

export interface StallReplyInput {
  deploymentId: number;
  /** Time since the last CloudFormation event (or since the phase began). */
  quietMs: number;
  /** Everything still in progress, overdue first (as detectStall returns them). */
  resources: readonly StalledResource[];
}

export const STALL_ACTIONS = { keepWaiting: 'deploy_keep_waiting', rollback: 'deploy_rollback' } as const;

/** Lines listed before "and N more": the reply stays short and far inside the section text limit. */
const MAX_LINES = 8;

function line(r: StalledResource): string {
  const usual = r.overdue ? ` — usually done within ${formatDuration(r.p90Ms)}` : '';
  return `• \`${esc(r.logicalId)}\` (${esc(r.resourceType)}) in progress for *${formatDuration(r.elapsedMs)}*${usual}`;
}

/** Posted once per stall period: what is still in progress and for how long, with keep-waiting / roll-back buttons. */
export function stallReply(input: StallReplyInput): SlackMessage {
  const id = String(input.deploymentId);
  const head = `:warning: *Deploy #${id} looks stalled*: no new event for ${formatDuration(input.quietMs)}, and it is taking longer than history says it should.`;
  const shown = input.resources.slice(0, MAX_LINES).map(line);
  const more = input.resources.length - shown.length;
  if (more > 0) shown.push(`…and ${more} more in progress`);
  const list = shown.length > 0 ? shown.join('\n') : 'Nothing is reported in progress.';
  const overdue = input.resources.filter((r) => r.overdue);
  const textList = overdue
    .slice(0, MAX_LINES)
    .map((r) => `${r.logicalId} (${r.resourceType}) ${formatDuration(r.elapsedMs)}`)
    .join(', ');
  const text = `Deploy #${id} looks stalled: no new event for ${formatDuration(input.quietMs)}${textList ? `; still in progress: ${textList}` : ''}`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${head}\n${list}`, LIMITS.sectionText) } },
    {
      type: 'actions',
      block_id: `stall_${id}`,
      elements: [
        {
          type: 'button',
          action_id: STALL_ACTIONS.keepWaiting,
          text: { type: 'plain_text', text: 'Keep waiting' },
          value: id,
        },
        {
          type: 'button',
          action_id: STALL_ACTIONS.rollback,
          text: { type: 'plain_text', text: 'Roll back' },
          style: 'danger',
          value: id,
          confirm: {
            title: { type: 'plain_text', text: 'Roll back?' },
            text: { type: 'mrkdwn', text: `Stop deploy #${id} and roll the stack back to its previous state.` },
            confirm: { type: 'plain_text', text: 'Roll back' },
            deny: { type: 'plain_text', text: 'Keep waiting' },
          },
        },
      ],
    },
  ];
  return { text: clip(text, LIMITS.fallbackText), blocks };
}
