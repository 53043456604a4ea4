import type { App } from '@slack/bolt';
import type { Logger } from '../../app/logger.js';
import { type ButtonDeps, registerButtons } from './buttons.js';

/** What interaction handlers need: the services the buttons act through. */
export interface InteractionDeps {
  approvals: ButtonDeps['approvals'];
  rollbacks: ButtonDeps['rollbacks'];
  promotions?: ButtonDeps['promotions'];
  logger: Logger;
}

/** The registry of button handlers: approve/reject, keep waiting, roll back, retry. */
export function register(app: App, deps: InteractionDeps): void {
  registerButtons(app, deps);
}
