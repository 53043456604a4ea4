import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import pLimit from 'p-limit';
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

/** Runs the work that follows an ack. */
export type WorkQueue = <T>(job: () => Promise<T>) => Promise<T>;

/**
 * Post-ack work, a few jobs at a time, each starting on a fresh event-loop turn. Under a burst of commands the acks
 * (Slack's 3 s deadline) are written between jobs instead of waiting behind every pending status query and reply.
 */
export function workQueue(concurrency = 8): WorkQueue {
  const limit = pLimit(concurrency);
  return (job) =>
    limit(async () => {
      await nextTurn();
      return job();
    });
}

/** One queue per process: every command's post-ack work shares it. */
const defaultQueue = workQueue();

/**
 * The shape every slash command shares: ack at once (Slack's 3 s), then do the work, answer the requester
 * ephemerally through response_url, and log one line. An unexpected error becomes a polite reply, never a crash.
 */
export function commandHandler(
  name: string,
  logger: Logger,
  run: (command: SlashCommand) => Promise<CommandOutcome>,
  queue: WorkQueue = defaultQueue,
): (args: SlackCommandMiddlewareArgs) => Promise<void> {
  return async ({ command, ack, respond }) => {
    await ack();
    await queue(() => work(name, logger, command, respond, run));
  };
}

async function work(
  name: string,
  logger: Logger,
  command: SlashCommand,
  respond: SlackCommandMiddlewareArgs['respond'],
  run: (command: SlashCommand) => Promise<CommandOutcome>,
): Promise<void> {
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
}
