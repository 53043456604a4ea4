import type { SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { internalErrorReply } from '../views/request-replies.js';
import type { SlackMessage } from '../views/slack-message.js';

export interface CommandOutcome {
  reply: SlackMessage;
  /** Short word for the log line: "queued", "not_allowed", "usage", … */
  outcome: string;
  deploymentId?: number;
}

/** Only what the log line needs from an error: messages and codes, never request bodies or tokens. */
export function errorInfo(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message.slice(0, 500), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'unknown', message: String(err).slice(0, 500) };
}

/**
 * The shape every slash command shares: ack at once (Slack's 3 s), then do the work, answer the requester
 * ephemerally through response_url, and log one line. An unexpected error becomes a polite reply, never a crash.
 */
export function commandHandler(
  name: string,
  logger: Logger,
  run: (command: SlashCommand) => Promise<CommandOutcome>,
): (args: SlackCommandMiddlewareArgs) => Promise<void> {
  return async ({ command, ack, respond }) => {
    await ack();
    const started = performance.now();
    let result: CommandOutcome;
    try {
      result = await run(command);
    } catch (err) {
      logger.error({ command: name, user: command.user_id, err: errorInfo(err) }, 'command failed');
      result = { reply: internalErrorReply(), outcome: 'error' };
    }
    let replied = true;
    try {
      await respond({ response_type: 'ephemeral', ...result.reply });
    } catch (err) {
      replied = false;
      logger.warn({ command: name, user: command.user_id, err: errorInfo(err) }, 'could not reply to the command');
    }
    logger.info(
      {
        command: name,
        user: command.user_id,
        outcome: result.outcome,
        ...(result.deploymentId !== undefined ? { deploymentId: result.deploymentId } : {}),
        replied,
        ms: Math.round(performance.now() - started),
      },
      'command handled',
    );
  };
}
