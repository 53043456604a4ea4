import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';

/** What interaction handlers (buttons, modals) will need; grows with the approvals and rollback issues. */
export interface InteractionDeps {
  logger: Logger;
}

/** The registry of button and modal handlers. Empty for now: the parent message has no buttons yet. */
export function register(_app: App, _deps: InteractionDeps): void {}
