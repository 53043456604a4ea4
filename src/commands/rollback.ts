import type { Config } from '../config.js';
import { parseRollback } from '../domain/command-parser.js';
import { findTarget } from '../domain/targets.js';
import type { Logger } from '../logger.js';
import type { StatusReport } from '../status-report.js';
import { refusal, rollbackNotYetReply } from '../views/request-replies.js';
import { type CommandOutcome, commandHandler } from './handle-command.js';

export interface RollbackCommandDeps {
  config: Config;
  status: Pick<StatusReport, 'lastGoodSha'>;
  logger: Logger;
}

/** `/rollback`: not yet available; points at the last good SHA so people can roll forward to it with /deploy. */
export function rollbackCommand(deps: RollbackCommandDeps) {
  return commandHandler('/rollback', deps.logger, async (command): Promise<CommandOutcome> => {
    const parsed = parseRollback(command.text);
    if (parsed.kind !== 'target') return { reply: rollbackNotYetReply(), outcome: 'not_available' };
    const found = findTarget(deps.config, parsed.service, parsed.environment);
    if (!found.ok) {
      return { reply: refusal(`${found.message} ${rollbackNotYetReply().text}`), outcome: 'unknown_target' };
    }
    const target = found.target;
    return {
      reply: rollbackNotYetReply(target, deps.status.lastGoodSha(target)),
      outcome: 'not_available',
    };
  });
}
