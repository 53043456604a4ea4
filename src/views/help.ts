import type { Config } from '../app/config.js';
import { clip, LIMITS, type SlackMessage } from './slack-message.js';

export const USAGE = {
  deploy:
    '`/deploy <service> <environment> [ref] [--force]` — queue a deployment of a branch, tag or commit (default: the service’s default branch; `--force` deploys a commit that was rolled back)',
  lock: '`/deploy lock <service> <environment> <reason>` — hold a target: requests queue but nothing runs; `/deploy unlock <service> <environment>` lets the queue move again',
  status:
    '`/deploy-status [service [environment]]` — what is running, the queue and the last results; `/deploy-status drift|health [post]` — preview (or post) a digest; `/deploy-status doctor` — check the wiring (Slack, AWS, GitHub)',
  rollback:
    '`/rollback <service> <environment> [sha | #id]` — stop a running update, or go back to the last good version (or the given commit or deployment); the target stays locked afterwards',
} as const;

function targetsLine(config: Config): string {
  const parts = Object.entries(config.services).map(
    ([svc, s]) => `\`${svc}\` (${Object.keys(s.environments).join(', ')})`,
  );
  return `Services: ${parts.join(' · ')}`;
}

/** `/deploy help`: short usage of all three commands and what can be deployed. */
export function helpMessage(config: Config): SlackMessage {
  const lines = [
    '*Coxswain* deploys from Slack. Each deployment reports in one thread in the environment’s channel.',
    `• ${USAGE.deploy}`,
    `• ${USAGE.lock}`,
    `• ${USAGE.status}`,
    `• ${USAGE.rollback}`,
    targetsLine(config),
  ];
  const text = lines.join('\n');
  return {
    text: clip(text, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } }],
  };
}

/** Missing or extra arguments: what was wrong, then how to call the command. */
export function usageMessage(command: 'deploy' | 'rollback', problem?: string): SlackMessage {
  const usage = command === 'deploy' ? USAGE.deploy : USAGE.rollback;
  const text = `${problem ? `${problem} ` : ''}Usage: ${usage}. Try \`/deploy help\`.`;
  return { text: clip(text, LIMITS.sectionText) };
}
