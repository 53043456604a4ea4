import type { CheckItem } from '../domain/commit-checks.js';
import { formatDuration } from './format.js';
import { shortSha } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/** Replies about the commit-checks gate: refusals at /deploy, the waiting line, forced and rejected notes. */

const MAX_LISTED = 10;

/** "30 min", or "30s" / "7m 30s" for fractions of a minute (every duration in the config accepts fractions). */
export function minutesText(minutes: number): string {
  return Number.isInteger(minutes) ? `${minutes} min` : formatDuration(minutes * 60_000);
}

function section(text: string): SlackMessage {
  return {
    text: clip(text.replace(/[*`]/g, ''), LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } }],
  };
}

/** A link only to a plain https URL as GitHub returned it (html_url / target_url), never anything else. */
function checkLink(c: CheckItem): string {
  return c.url && /^https:\/\/[^\s|<>]+$/.test(c.url) ? ` — ${link(c.url, 'details')}` : '';
}

/** "`test` failed — details, `lint` cancelled — details" */
export function failedChecksText(failed: readonly CheckItem[]): string {
  const shown = failed.slice(0, MAX_LISTED).map((c) => {
    const verb = c.state === 'failure' ? 'failed' : c.state;
    return `\`${esc(c.name)}\` ${esc(verb)}${checkLink(c)}`;
  });
  const more = failed.length > MAX_LISTED ? ` and ${failed.length - MAX_LISTED} more` : '';
  return `${shown.join(', ')}${more}`;
}

export function checksFailedRefusal(o: {
  sha: string;
  failed: readonly CheckItem[];
  allowForce: boolean;
  triedForce: boolean;
}): SlackMessage {
  const force = o.allowForce
    ? ' A deployer may override with `--force` (recorded in the thread).'
    : o.triedForce
      ? ' `--force` cannot override checks here (`gates.allowForce` is off for this environment).'
      : '';
  return section(
    `:no_entry: Not deploying ${shortSha(o.sha)}: its checks failed — ${failedChecksText(o.failed)}. Nothing was queued.${force}`,
  );
}

export function checksErrorRefusal(message: string): SlackMessage {
  return section(`:warning: Cannot check the commit's checks: ${esc(message)} Nothing was queued.`);
}

/** The wait reason of a deployment waiting for checks: "waiting for checks: build (in progress), test (queued)". */
export function waitingForChecksLine(pending: readonly CheckItem[]): string {
  const shown = pending.slice(0, MAX_LISTED).map((c) => `${c.name} (${c.state})`);
  const more = pending.length > MAX_LISTED ? ` and ${pending.length - MAX_LISTED} more` : '';
  return clip(`waiting for checks: ${shown.join(', ')}${more}`, 280);
}

export function waitingForChecksNote(pending: readonly CheckItem[], waitMinutes: number): SlackMessage {
  return section(
    `:vertical_traffic_light: ${esc(waitingForChecksLine(pending))}. It proceeds in its turn once they pass, and is rejected if one fails or they still run after ${minutesText(waitMinutes)}.`,
  );
}

export function checksForcedNote(user: string, what: readonly CheckItem[], state: 'failed' | 'pending'): SlackMessage {
  const list = state === 'failed' ? failedChecksText(what) : esc(waitingForChecksLine(what));
  return section(`:warning: <@${user}> deployed past the commit checks with \`--force\` (${state}: ${list}).`);
}

export function checksRejectedNote(reason: string): SlackMessage {
  return section(`:no_entry: Rejected before anything was built: ${reason}`);
}
