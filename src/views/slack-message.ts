import type { KnownBlock } from '@slack/types';

/** What a view builder returns: blocks plus the plain-text fallback Slack shows in notifications. */
export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** Block Kit limits (docs.slack.dev/reference/block-kit/blocks; python-slack-sdk models). */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  header: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  fallbackText: 40_000,
} as const;

/** Cuts text to a limit, marking the cut, so a long AWS reason never breaks a message. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes text for mrkdwn but keeps user mentions (`<@U…>`): lock and wait reasons carry the mention of who
 * locked or rolled back, and a mention a user typed in a reason is harmless (no `<!channel>` or links survive).
 */
export function escKeepMentions(text: string): string {
  return esc(text).replace(/&lt;@([UW][A-Z0-9]{2,})&gt;/g, '<@$1>');
}

/** A mrkdwn link; the label is escaped and the URL must already be safe (built by us, not typed by users). */
export function link(url: string, label: string): string {
  return `<${url}|${esc(label).replace(/\|/g, '¦')}>`;
}
