/**
 * The /deploy form's handlers: open it (blank `/deploy`), redraw it when the service changes, submit it. Thin: ack,
 * read, let DeployFormService do what the typed command does, answer (inline errors, or the typed command's reply
 * as an ephemeral message in the channel where /deploy was run).
 */
import type { App, BlockAction, SlackCommandMiddlewareArgs, StaticSelectAction } from '@slack/bolt';
import type { SlackViews } from '../../adapters/slack-views.js';
import { logError } from '../../app/log-error.js';
import type { Logger } from '../../app/logger.js';
import type { DeployFormService } from '../../deploys/deploy-form.js';
import {
  channelFromMetadata,
  DEPLOY_MODAL_CALLBACK,
  DEPLOY_MODAL_SERVICE_ACTION,
  deployModal,
  type ViewStateValues,
} from '../../views/deploy-modal.js';
import { replyOf } from '../../views/request-replies.js';
import type { SlackMessage } from '../../views/slack-message.js';

export interface DeployModalDeps {
  form: Pick<DeployFormService, 'choices' | 'submit'>;
  views: SlackViews;
  logger: Logger;
  /** Slack wants a view_submission answered within 3 s; past this the form closes and the reply follows. */
  submitWaitMs?: number;
}

type CommandListener = (args: SlackCommandMiddlewareArgs) => Promise<void>;

/** `/deploy` with nothing after it opens the form; anything else is the typed command. */
export function withDeployForm(typed: CommandListener, deps: DeployModalDeps): CommandListener {
  return async (args) => {
    const { command } = args;
    if (command.text.trim() !== '' || !command.trigger_id) return typed(args);
    await args.ack();
    try {
      const services = await deps.form.choices(command.user_id);
      await deps.views.openModal(command.trigger_id, deployModal({ services, channel: command.channel_id }));
      deps.logger.info({ command: '/deploy', user: command.user_id, outcome: 'form' }, 'command handled');
    } catch (err) {
      logError(deps.logger, err, { user: command.user_id }, 'could not open the deploy form', 'warn');
      await args
        .respond({
          response_type: 'ephemeral',
          text: 'Could not open the deploy form; type `/deploy <service> <environment> [ref]` instead.',
        })
        .catch(() => {});
    }
  };
}

export function registerDeployModal(app: App, deps: DeployModalDeps): void {
  app.action<BlockAction<StaticSelectAction>>(
    { action_id: DEPLOY_MODAL_SERVICE_ACTION, type: 'block_actions' },
    async ({ ack, body, action }) => {
      await ack();
      if (!body.view) return;
      const services = await deps.form.choices(body.user.id, action.selected_option.value);
      const view = deployModal({
        services,
        selected: action.selected_option.value,
        channel: channelFromMetadata(body.view.private_metadata) ?? '',
      });
      await deps.views.updateModal(body.view.id, body.view.hash, view).catch((err: unknown) => {
        logError(deps.logger, err, { user: body.user.id }, 'could not redraw the deploy form', 'warn');
      });
    },
  );

  app.view(DEPLOY_MODAL_CALLBACK, async ({ ack, body, view, client }) => {
    const user = body.user.id;
    const channel = channelFromMetadata(view.private_metadata);
    const submitted = deps.form.submit(user, view.state.values as ViewStateValues, `view:${view.id}:${view.hash}`);
    const wait = deps.submitWaitMs ?? 2500;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), wait);
    });
    const first = await Promise.race([submitted, late]);
    clearTimeout(timer);
    const tell = async (reply: SlackMessage) => {
      if (!channel) return;
      await client.chat
        .postEphemeral({ channel, user, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) })
        .catch((err: unknown) => logError(deps.logger, err, { user }, 'could not reply to the form', 'warn'));
    };
    if (first === 'late') {
      await ack();
      const result = await submitted;
      await tell(replyOf(result));
      deps.logger.info(
        { command: '/deploy', user, outcome: result.ok ? 'form_queued' : 'form_refused' },
        'form handled late',
      );
      return;
    }
    if (!first.ok) {
      await ack({ response_action: 'errors', errors: first.errors });
      deps.logger.info({ command: '/deploy', user, outcome: 'form_refused' }, 'form handled');
      return;
    }
    await ack();
    await tell(replyOf(first));
    deps.logger.info(
      { command: '/deploy', user, outcome: 'form_queued', deploymentId: first.deploymentId },
      'form handled',
    );
  });
}
