import type { ActionsBlock } from '@slack/types';
import { shortSha } from './links.js';
import { clip, LIMITS, type SlackMessage } from './slack-message.js';

export const RETRY_ACTION = 'deploy_retry';
export const ROLLBACK_ACTION = 'deploy_rollback';
export const KEEP_WAITING_ACTION = 'deploy_keep_waiting';

/** The buttons a failure reply carries: retry the same SHA, or roll back. */
export function failureActions(deploymentId: number): ActionsBlock {
  return {
    type: 'actions',
    block_id: `failure:${deploymentId}`,
    elements: [
      {
        type: 'button',
        action_id: RETRY_ACTION,
        text: { type: 'plain_text', text: 'Retry' },
        value: String(deploymentId),
      },
      {
        type: 'button',
        action_id: ROLLBACK_ACTION,
        style: 'danger',
        text: { type: 'plain_text', text: 'Roll back' },
        value: String(deploymentId),
      },
    ],
  };
}

function note(text: string): SlackMessage {
  return {
    text: clip(text.replace(/[*`]/g, ''), LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } }],
  };
}

/** Thread notes: who pressed what, and what happens next. */
export const actionNotes = {
  keepWaiting: (user: string, stallMinutes: number) =>
    note(
      `:hourglass: <@${user}> chose to keep waiting; the stall alert fires again if nothing moves for another ${stallMinutes} min.`,
    ),
  cancelling: (user: string, stack: string) =>
    note(
      `:leftwards_arrow_with_hook: <@${user}> cancelled the update of \`${stack}\` (CancelUpdateStack): CloudFormation is rolling it back; progress follows here.`,
    ),
  buildCancelling: (user: string) =>
    note(
      `:leftwards_arrow_with_hook: <@${user}> cancelled this deployment while it was building; the stack was not touched.`,
    ),
  continueRollback: (user: string, stack: string) =>
    note(
      `:leftwards_arrow_with_hook: <@${user}> resumed the failed rollback of \`${stack}\` (ContinueUpdateRollback); the stack returns to its last working state.`,
    ),
  rollbackStack: (user: string, stack: string) =>
    note(`:leftwards_arrow_with_hook: <@${user}> rolled \`${stack}\` back to its last stable state (RollbackStack).`),
  retried: (user: string, newId: number, sha: string, merged: boolean) =>
    note(
      `:repeat: <@${user}> ${merged ? `joined deploy #${newId}, already queued for` : `queued deploy #${newId} to retry`} ${shortSha(sha)}.`,
    ),
  rollbackQueued: (user: string, newId: number, fromSha: string, toSha: string, approval: boolean) =>
    note(
      `:rewind: <@${user}> queued rollback #${newId} from ${shortSha(fromSha)} to ${shortSha(toSha)}${approval ? ' (needs approval)' : ''}. The target is locked until someone unlocks it.`,
    ),
};
