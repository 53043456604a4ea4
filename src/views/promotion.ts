import type { Deployment } from '../domain/deployment.js';
import type { Target } from '../domain/targets.js';
import { formatMinutes } from './format.js';
import { shortSha } from './links.js';
import { esc, type SlackMessage } from './slack-message.js';

/** Views of promotion (issue 16): refusals, the Promote button and what replaces it. Pure. */

export const PROMOTE_ACTION = 'deploy_promote';
const BLOCK_PREFIX = 'promote:';

function clock(ms: number): string {
  const iso = new Date(ms).toISOString().slice(11, 16);
  return `<!date^${Math.floor(ms / 1000)}^{time}|${iso} UTC>`;
}

export function notPromotable(i: {
  target: Target;
  source: Target;
  sha: string;
  now: number;
  soakMinutes: number;
  succeededAt: number | undefined;
  sourceRuns: { sha: string; finishedAt: number } | undefined;
}): SlackMessage {
  const src = esc(i.source.environment);
  const dst = esc(i.target.environment);
  const why =
    i.succeededAt === undefined
      ? `\`${shortSha(i.sha)}\` has not succeeded in ${src}`
      : `\`${shortSha(i.sha)}\` succeeded in ${src} only ${formatMinutes(Math.max(i.now - i.succeededAt, 0))} ago; ${dst} takes it after a ${i.soakMinutes}-min soak, from ${clock(i.succeededAt + i.soakMinutes * 60_000)}`;
  const runs = i.sourceRuns
    ? ` ${src} runs \`${shortSha(i.sourceRuns.sha)}\` now${i.sourceRuns.sha === i.sha ? '' : ` — \`/deploy ${esc(i.target.service)} ${dst}\` takes it once it has soaked`}.`
    : ` ${src} has no successful deployment yet.`;
  return { text: `:no_entry: Not promotable to ${dst}: ${why} (\`promoteFrom: ${src}\`).${runs}` };
}

/** `/deploy api production` with no ref, and the source runs nothing yet. */
export function nothingToPromote(target: Target, source: Target): SlackMessage {
  return {
    text: `:no_entry: Nothing to promote to ${esc(target.environment)}: ${esc(source.environment)} has no successful deployment yet. Name a ref that succeeded there.`,
  };
}

/** The block id carries the destination environment (the value is the source deployment's id). */
export function promoteBlockId(environment: string): string {
  return `${BLOCK_PREFIX}${environment}`;
}

export function environmentFromBlockId(blockId: string | undefined): string | undefined {
  return blockId?.startsWith(BLOCK_PREFIX) ? blockId.slice(BLOCK_PREFIX.length) : undefined;
}

/** In the source environment's success thread: one button per environment that promotes from it. */
export function promoteOffer(d: Deployment, to: Target, soakMinutes: number): SlackMessage {
  const when =
    soakMinutes > 0 && d.finishedAt
      ? ` after the ${soakMinutes}-min soak (from ${clock(d.finishedAt + soakMinutes * 60_000)})`
      : '';
  const text = `Promote \`${shortSha(d.sha)}\` to ${esc(to.environment)}${when}: it queues exactly this SHA there, with ${esc(to.environment)}'s approvals, locks and gates.`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        block_id: `${promoteBlockId(to.environment)}:text`,
        text: { type: 'mrkdwn', text },
      },
      {
        type: 'actions',
        block_id: promoteBlockId(to.environment),
        elements: [
          {
            type: 'button',
            action_id: PROMOTE_ACTION,
            text: { type: 'plain_text', text: `Promote to ${to.environment}`.slice(0, 75) },
            style: 'primary',
            value: String(d.id),
          },
        ],
      },
    ],
  };
}

/** Replaces the button once used. */
export function promotedNote(d: Deployment, to: string, by: string, promoted: Deployment): SlackMessage {
  const text = `:arrow_double_up: \`${shortSha(d.sha)}\` promoted to ${esc(to)} by <@${by}>: deployment #${promoted.id} (${promoted.state.replace('_', ' ')}), thread in <#${promoted.channel}>.`;
  // Blocks given explicitly, so the update replaces the button instead of keeping it.
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
