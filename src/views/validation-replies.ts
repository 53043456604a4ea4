import { type EarlyValidationFinding, findingLine } from '../domain/early-validation.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

const SHOWN = 10;

function lines(findings: readonly EarlyValidationFinding[]): string {
  const shown = findings.slice(0, SHOWN).map((f) => `• ${esc(findingLine(f))}`);
  const more = findings.length > SHOWN ? `\n…and ${findings.length - SHOWN} more` : '';
  return `${shown.join('\n')}${more}`;
}

/** Root cause of a change set refused by early validation: each finding, nothing was executed. */
export function earlyValidationReply(
  stackName: string,
  findings: readonly EarlyValidationFinding[],
  url: string,
): SlackMessage {
  const head = `:mag: *Root cause* — CloudFormation's early validation refused the change set of \`${esc(stackName)}\`; nothing was executed:`;
  const text = `${head}\n${lines(findings)}\n${link(url, 'stack events')}`;
  return {
    text: clip(
      `Root cause: early validation refused the change set of ${stackName}: ${findings.map(findingLine).join('; ')}`,
      LIMITS.fallbackText,
    ),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } }],
  };
}

/** WARN findings shown with the change set (they do not block it). */
export function withValidationWarnings(msg: SlackMessage, findings: readonly EarlyValidationFinding[]): SlackMessage {
  if (findings.length === 0) return msg;
  const text = `:warning: Early validation warnings (not blocking):\n${lines(findings)}`;
  return {
    text: clip(`${msg.text}\nEarly validation warnings: ${findings.map(findingLine).join('; ')}`, LIMITS.fallbackText),
    blocks: [
      ...(msg.blocks ?? []),
      { type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } },
    ],
  };
}
