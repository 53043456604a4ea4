import type { Config } from '../../app/config.js';
import type { Logger } from '../../app/logger.js';
import type { DeployRequests } from '../../deploys/requests.js';
import { parseDeploy } from '../../domain/command-parser.js';
import { findTarget } from '../../domain/targets.js';
import type { LockService } from '../../locks/lock-service.js';
import { replyOf } from '../../views/request-replies.js';
import { type CommandOutcome, commandHandler, parserAnswer } from './handle-command.js';

export interface DeployCommandDeps {
  config: Config;
  requests: Pick<DeployRequests, 'request'>;
  locks: Pick<LockService, 'lock' | 'unlock'>;
  logger: Logger;
}

/** `/deploy <service> <environment> [ref] [--force]`, `/deploy lock|unlock <service> <environment> …`, `/deploy help`. */
export function deployCommand(deps: DeployCommandDeps) {
  return commandHandler('/deploy', deps.logger, async (command): Promise<CommandOutcome> => {
    const parsed = parseDeploy(command.text);
    switch (parsed.kind) {
      case 'help':
      case 'usage':
      case 'invalid':
        return parserAnswer(deps.config, 'deploy', parsed);
      case 'lock':
      case 'unlock': {
        const found = findTarget(deps.config, parsed.service, parsed.environment);
        if (!found.ok) return { reply: replyOf(found), outcome: 'unknown_target' };
        const result =
          parsed.kind === 'lock'
            ? deps.locks.lock(found.target, command.user_id, parsed.reason)
            : deps.locks.unlock(found.target, command.user_id);
        return { reply: replyOf(result), outcome: result.ok ? `${parsed.kind}ed` : `${parsed.kind}_refused` };
      }
      case 'deploy': {
        const result = await deps.requests.request({
          ...parsed.args,
          userId: command.user_id,
          requestId: command.trigger_id || undefined,
        });
        return result.ok
          ? { reply: replyOf(result), outcome: result.outcome, deploymentId: result.deployment.id }
          : { reply: replyOf(result), outcome: result.reason };
      }
    }
  });
}
