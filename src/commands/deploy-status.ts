import type { Config } from '../config.js';
import { parseStatus } from '../domain/command-parser.js';
import type { Logger } from '../logger.js';
import type { StatusReport } from '../status-report.js';
import { helpMessage, USAGE } from '../views/help.js';
import { digestEmptyReply, digestQueuedReply, refusal } from '../views/request-replies.js';
import type { SlackMessage } from '../views/slack-message.js';
import { type CommandOutcome, commandHandler } from './handle-command.js';

export type DigestKind = 'drift' | 'health';

/** Implemented by the digests job; /deploy-status only previews or posts on demand. */
export interface Digests {
  preview(kind: DigestKind): Promise<SlackMessage[]>;
  /** Queues the digest to its channel (through the outbox). */
  post(kind: DigestKind): Promise<void>;
}

export interface StatusCommandDeps {
  config: Config;
  status: Pick<StatusReport, 'build'>;
  digests: Digests | undefined;
  logger: Logger;
}

/** `/deploy-status [service [environment]]`, `/deploy-status drift|health [post]`. */
export function deployStatusCommand(deps: StatusCommandDeps) {
  return commandHandler('/deploy-status', deps.logger, async (command): Promise<CommandOutcome> => {
    const parsed = parseStatus(command.text);
    switch (parsed.kind) {
      case 'help':
        return { reply: helpMessage(deps.config), outcome: 'help' };
      case 'invalid':
        return { reply: refusal(`${parsed.message} Usage: ${USAGE.status}.`), outcome: 'invalid' };
      case 'all':
      case 'target': {
        const filter = parsed.kind === 'target' ? { service: parsed.service, environment: parsed.environment } : {};
        const result = deps.status.build(filter, command.team_domain);
        return result.ok
          ? { reply: result.message, outcome: 'status' }
          : { reply: refusal(result.message), outcome: 'unknown_target' };
      }
      case 'digest': {
        if (!deps.digests)
          return { reply: refusal('Digests are not set up on this Coxswain yet.'), outcome: 'no_digests' };
        if (parsed.post) {
          await deps.digests.post(parsed.digest);
          return {
            reply: digestQueuedReply(parsed.digest, deps.config.digests?.[parsed.digest]?.channel),
            outcome: `${parsed.digest}_posted`,
          };
        }
        const [first] = await deps.digests.preview(parsed.digest);
        return { reply: first ?? digestEmptyReply(parsed.digest), outcome: `${parsed.digest}_preview` };
      }
    }
  });
}
