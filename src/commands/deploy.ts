import type { Config } from '../config.js';
import type { DeployRequests } from '../deploy-requests.js';
import { parseDeploy } from '../domain/command-parser.js';
import type { Logger } from '../logger.js';
import { helpMessage, usageMessage } from '../views/help.js';
import { refusal } from '../views/request-replies.js';
import { type CommandOutcome, commandHandler } from './handle-command.js';

export interface DeployCommandDeps {
  config: Config;
  requests: Pick<DeployRequests, 'request'>;
  logger: Logger;
}

/** `/deploy <service> <environment> [ref]`, `/deploy help`. */
export function deployCommand(deps: DeployCommandDeps) {
  return commandHandler('/deploy', deps.logger, async (command): Promise<CommandOutcome> => {
    const parsed = parseDeploy(command.text);
    switch (parsed.kind) {
      case 'help':
        return { reply: helpMessage(deps.config), outcome: 'help' };
      case 'usage':
        return { reply: usageMessage('deploy', parsed.problem), outcome: 'usage' };
      case 'invalid':
        return { reply: refusal(parsed.message), outcome: 'invalid' };
      case 'deploy': {
        const result = await deps.requests.request({
          ...parsed.args,
          userId: command.user_id,
          requestId: command.trigger_id || undefined,
        });
        return result.ok
          ? { reply: result.reply, outcome: result.outcome, deploymentId: result.deployment.id }
          : { reply: result.reply, outcome: result.reason };
      }
    }
  });
}
