import type { Config } from '../../app/config.js';
import type { Logger } from '../../app/logger.js';
import { parseRollback } from '../../domain/command-parser.js';
import type { RollbackService } from '../../rollbacks/rollback-service.js';
import { replyOf } from '../../views/request-replies.js';
import { type CommandOutcome, commandHandler, parserAnswer } from './handle-command.js';

export interface RollbackCommandDeps {
  config: Config;
  rollbacks: Pick<RollbackService, 'rollbackTarget'>;
  logger: Logger;
}

/**
 * `/rollback <service> <environment> [sha | #id]`: without an argument, stops a running update (CloudFormation rolls
 * it back) or queues a rollback to the last good deployment; with one, queues a rollback to that commit/deployment.
 */
export function rollbackCommand(deps: RollbackCommandDeps) {
  return commandHandler('/rollback', deps.logger, async (command): Promise<CommandOutcome> => {
    const parsed = parseRollback(command.text);
    switch (parsed.kind) {
      case 'help':
      case 'usage':
      case 'invalid':
        return parserAnswer(deps.config, 'rollback', parsed);
      case 'target': {
        const result = await deps.rollbacks.rollbackTarget({
          service: parsed.service,
          environment: parsed.environment,
          user: command.user_id,
          ...(parsed.arg !== undefined ? { arg: parsed.arg } : {}),
          ...(command.trigger_id ? { requestId: command.trigger_id } : {}),
        });
        return {
          reply: replyOf(result),
          outcome: result.ok ? 'rollback' : 'rollback_refused',
          ...(result.ok && result.deployment ? { deploymentId: result.deployment.id } : {}),
        };
      }
    }
  });
}
