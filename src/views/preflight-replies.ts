import { ROLLBACK_ACTION } from './failure-actions.js';
import { clip, esc, LIMITS, type SlackMessage } from './slack-message.js';

/** The thread note of a deployment refused by the stack-state preflight; "Continue rollback" where it helps. */
export function preflightNote(deploymentId: number, reason: string, continueRollback: boolean): SlackMessage {
  const text = `:no_entry: *Rejected before anything was built*: ${esc(reason)}.`;
  return {
    text: clip(text.replace(/[*`]/g, ''), LIMITS.fallbackText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } },
      ...(continueRollback
        ? [
            {
              type: 'actions' as const,
              block_id: `preflight:${deploymentId}`,
              elements: [
                {
                  type: 'button' as const,
                  // The rollback button's handler knows a preflight refusal: it continues the stack's rollback.
                  action_id: ROLLBACK_ACTION,
                  style: 'danger' as const,
                  text: { type: 'plain_text' as const, text: 'Continue rollback' },
                  value: String(deploymentId),
                },
              ],
            },
          ]
        : []),
    ],
  };
}
