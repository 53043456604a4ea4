import type { App } from '@slack/bolt';
import type { Config } from '../../app/config.js';
import type { Logger } from '../../app/logger.js';
import type { DeployRequests } from '../../deploys/requests.js';
import type { StatusReport } from '../../deploys/status-report.js';
import type { LockService } from '../../locks/lock-service.js';
import type { RollbackService } from '../../rollbacks/rollback-service.js';
import { type DeployModalDeps, withDeployForm } from '../interactions/deploy-modal.js';
import { deployCommand } from './deploy.js';
import { type Digests, type Doctor, deployStatusCommand, type StatusCommandDeps } from './deploy-status.js';
import { rollbackCommand } from './rollback.js';

export interface CommandDeps {
  config: Config;
  requests: Pick<DeployRequests, 'request'>;
  status: Pick<StatusReport, 'build'>;
  digests: Digests;
  versions?: StatusCommandDeps['versions'];
  locks: Pick<LockService, 'lock' | 'unlock'>;
  rollbacks: Pick<RollbackService, 'rollbackTarget'>;
  logger: Logger;
  doctor?: Doctor;
  /** `/deploy` with no arguments opens this form (runtime.ts wires it). */
  deployForm?: DeployModalDeps;
}

/** Every slash command Coxswain answers; manifest.yml must declare exactly these (a test checks it). */
export const COMMANDS = ['/deploy', '/deploy-status', '/rollback'] as const;

export function register(app: App, deps: CommandDeps): void {
  const typed = deployCommand(deps);
  app.command('/deploy', deps.deployForm ? withDeployForm(typed, deps.deployForm) : typed);
  app.command('/deploy-status', deployStatusCommand(deps));
  app.command('/rollback', rollbackCommand(deps));
}
