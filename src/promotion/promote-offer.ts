import type { Config } from '../app/config.js';
import type { Deployment } from '../domain/deployment.js';
import { findTarget } from '../domain/targets.js';
import { promoteOffer } from '../views/promotion.js';
import type { SlackMessage } from '../views/slack-message.js';

/** The reply name of the Promote button for one destination environment (one Slack message, replaced after use). */
export function promoteReplyName(environment: string): string {
  return `promote-${environment}`;
}

/** What a successful deployment's thread offers: a Promote button per environment with `promoteFrom` = its own. */
export function promoteOffers(config: Config, d: Deployment): { name: string; message: SlackMessage }[] {
  if (d.kind !== 'deploy' || d.state !== 'succeeded') return [];
  const svc = config.services[d.service];
  if (!svc || !Object.hasOwn(config.services, d.service)) return [];
  return Object.entries(svc.environments)
    .filter(([, e]) => e.promoteFrom === d.environment)
    .flatMap(([env, e]) => {
      const to = findTarget(config, d.service, env);
      return to.ok ? [{ name: promoteReplyName(env), message: promoteOffer(d, to.target, e.soakMinutes) }] : [];
    });
}
