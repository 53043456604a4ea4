import type { App } from '@slack/bolt';
import type { Logger } from '../../app/logger.js';
import type { HomeRefresher } from '../../home/refresh-job.js';

/** `app_home_opened` (Events API): publish this user's Home tab; Bolt acks the event itself. */
export function registerAppHome(app: App, deps: { home: Pick<HomeRefresher, 'opened'>; logger: Logger }): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.home.opened(event.user);
    deps.logger.info({ user: event.user }, 'home opened');
  });
}
