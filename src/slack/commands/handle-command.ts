import { setImmediate as nextTurn, setTimeout as wait } from 'node:timers/promises';
import type { SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import pLimit from 'p-limit';
import type { Config } from '../../app/config.js';
import { logError } from '../../app/log-error.js';
import type { Logger } from '../../app/logger.js';
import { helpMessage, usageMessage } from '../../views/help.js';
import { internalErrorReply, refusal } from '../../views/request-replies.js';
import type { SlackMessage } from '../../views/slack-message.js';

export interface CommandOutcome {
  reply: SlackMessage;
  /** Short word for the log line: "queued", "not_allowed", "usage", … */
  outcome: string;
  deploymentId?: number;
}

/** What a command's parser may answer on its own, before any service is asked. */
export type ParserAnswer =
  | { kind: 'help' }
  | { kind: 'usage'; problem?: string }
  | { kind: 'invalid'; message: string };

/** /deploy and /rollback answer help, a usage problem and a refused argument the same way. */
export function parserAnswer(config: Config, command: 'deploy' | 'rollback', parsed: ParserAnswer): CommandOutcome {
  switch (parsed.kind) {
    case 'help':
      return { reply: helpMessage(config), outcome: 'help' };
    case 'usage':
      return { reply: usageMessage(command, parsed.problem), outcome: 'usage' };
    case 'invalid':
      return { reply: refusal(parsed.message), outcome: 'invalid' };
  }
}

/** Only what the log line needs from an error: messages and codes, never request bodies or tokens. */

/** Runs the work that follows an ack; `arrived()` is called for every command before it is acked. */
export interface WorkQueue {
  arrived(): void;
  run<T>(job: () => Promise<T>): Promise<T>;
}

export interface WorkQueueOptions {
  concurrency?: number;
  /** Work waits until no command has arrived for this long… */
  quietMs?: number;
  /** …but never longer than this, so a steady stream of commands cannot starve the replies. */
  maxDeferMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Post-ack work yields to acks. Slack's 3 s deadline is on the ack; the reply through response_url may come a
 * moment later. So under a burst of commands the replies wait until the burst has been acked (no arrival for
 * `quietMs`, at most `maxDeferMs`), then run a few at a time, each on a fresh event-loop turn.
 */
export function workQueue(options: WorkQueueOptions = {}): WorkQueue {
  const { concurrency = 8, quietMs = 5, maxDeferMs = 1000, now = () => performance.now(), sleep = wait } = options;
  const limit = pLimit(concurrency);
  let lastArrival = Number.NEGATIVE_INFINITY;
  return {
    arrived: () => {
      lastArrival = now();
    },
    run: (job) => {
      const queuedAt = now();
      return limit(async () => {
        while (now() - lastArrival < quietMs && now() - queuedAt < maxDeferMs) await sleep(quietMs);
        await nextTurn();
        return job();
      });
    },
  };
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
    queue.arrived();
    await ack();
    await queue.run(() => work(name, logger, command, respond, run));
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
    logError(logger, err, { command: name, user: command.user_id }, 'command failed');
    result = { reply: internalErrorReply(), outcome: 'error' };
  }
  let replied = true;
  try {
    await respond({ response_type: 'ephemeral', ...result.reply });
  } catch (err) {
    replied = false;
    logError(logger, err, { command: name, user: command.user_id }, 'could not reply to the command', 'warn');
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
