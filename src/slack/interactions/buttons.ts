/**
 * Bolt handlers for the deployment buttons. Thin on purpose: ack first, read the deployment id from the button,
 * let the domain service re-check who may click and what state the deployment is in NOW, and answer refusals with
 * an ephemeral message. The visible outcome (buttons replaced, thread notes) goes through the outbox.
 */
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { logError } from '../../app/log-error.js';
import type { Logger } from '../../app/logger.js';
import type { ApprovalService } from '../../approvals/approval-service.js';
import type { ActionResult } from '../../deploys/deployment-actions.js';
import type { PromotionService } from '../../promotion/promotion-service.js';
import type { RollbackService } from '../../rollbacks/rollback-service.js';
import { APPROVE_ACTION, REJECT_ACTION, shaFromBlockId } from '../../views/approval.js';
import { KEEP_WAITING_ACTION, RETRY_ACTION, ROLLBACK_ACTION } from '../../views/failure-actions.js';
import { PROMOTE_ACTION } from '../../views/promotion.js';
import { replyOf } from '../../views/request-replies.js';
import type { SlackMessage } from '../../views/slack-message.js';

export interface ButtonDeps {
  approvals: Pick<ApprovalService, 'decide'>;
  rollbacks: Pick<RollbackService, 'rollbackButton' | 'keepWaiting' | 'retry'>;
  /** The Promote button (issue 16). */
  promotions?: Pick<PromotionService, 'promote'>;
  logger: Logger;
}

export const BUTTON_ACTIONS = [
  APPROVE_ACTION,
  REJECT_ACTION,
  KEEP_WAITING_ACTION,
  ROLLBACK_ACTION,
  RETRY_ACTION,
  PROMOTE_ACTION,
] as const;

interface Click {
  deploymentId: number | undefined;
  user: string;
  blockId: string | undefined;
  /**
   * Slack's trigger id. Slack does not retry clicks (retries are an Events API feature); the same id only comes
   * back when the very same payload is delivered again (a Socket Mode envelope redelivered, a replayed request).
   */
  requestId: string | undefined;
}

function parseClick(body: BlockAction, action: ButtonAction): Click {
  const id = /^\d{1,12}$/.test(action.value ?? '') ? Number(action.value) : undefined;
  return {
    deploymentId: id,
    user: body.user.id,
    blockId: action.block_id,
    requestId: body.trigger_id ? `action:${body.trigger_id}` : undefined,
  };
}

/** Ephemeral to the clicker: through response_url when there is one, else chat.postEphemeral. */
async function tell(body: BlockAction, respond: RespondFn, client: WebClient, reply: SlackMessage): Promise<void> {
  if (body.response_url) {
    await respond({ response_type: 'ephemeral', replace_original: false, ...reply });
    return;
  }
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, ...reply });
  // A click on the Home tab has no channel: the answer goes to the app's DM with the clicker.
  else await client.chat.postMessage({ channel: body.user.id, ...reply });
}

type Handler = (click: Click & { deploymentId: number }) => Promise<ActionResult> | ActionResult;

function button(app: App, actionId: string, deps: ButtonDeps, handle: Handler, tellSuccess: boolean): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: actionId, type: 'block_actions' },
    async ({ ack, body, action, respond, client }) => {
      await ack();
      const click = parseClick(body, action);
      const log = deps.logger.child({ action: actionId, user: click.user, deploymentId: click.deploymentId });
      try {
        if (click.deploymentId === undefined) {
          await tell(body, respond, client, {
            text: 'This button does not name a deployment; it may come from an old message.',
          });
          return;
        }
        const result = await handle({ ...click, deploymentId: click.deploymentId });
        log.info({ ok: result.ok }, 'button handled');
        if (result.message !== '' && (!result.ok || tellSuccess)) await tell(body, respond, client, replyOf(result));
      } catch (err) {
        logError(log, err, {}, 'button failed');
        await tell(body, respond, client, {
          text: 'Something went wrong handling that click; nothing was changed. Try again.',
        }).catch(() => {});
      }
    },
  );
}

export function registerButtons(app: App, deps: ButtonDeps): void {
  const decide = (decision: 'approve' | 'reject') => (c: Click & { deploymentId: number }) => {
    const r = deps.approvals.decide({
      deploymentId: c.deploymentId,
      user: c.user,
      decision,
      clickedSha: shaFromBlockId(c.blockId),
    });
    // A partial approval is news only to the clicker; a settled request shows in the thread.
    return r.ok && r.effect !== 'recorded' ? { ok: true as const, message: '' } : r;
  };
  button(app, APPROVE_ACTION, deps, decide('approve'), true);
  button(app, REJECT_ACTION, deps, decide('reject'), true);
  button(app, KEEP_WAITING_ACTION, deps, (c) => deps.rollbacks.keepWaiting(c.deploymentId, c.user), false);
  button(app, ROLLBACK_ACTION, deps, (c) => deps.rollbacks.rollbackButton(c.deploymentId, c.user, c.requestId), true);
  button(app, RETRY_ACTION, deps, (c) => deps.rollbacks.retry(c.deploymentId, c.user, c.requestId), true);
  const promotions = deps.promotions;
  if (promotions) button(app, PROMOTE_ACTION, deps, (c) => promotions.promote(c), true);
}
