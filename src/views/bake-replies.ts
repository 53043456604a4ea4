import { alarmName, timeLeft } from '../domain/bake.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

function section(text: string): SlackMessage {
  return {
    text: clip(text.replace(/[*`]/g, ''), LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } }],
  };
}

function names(arns: readonly string[]): string {
  return arns.map((a) => `\`${esc(alarmName(a))}\``).join(', ');
}

/** The parent's line while baking: "baking: watching api-5xx · 4 min left". */
export function bakingLine(arns: readonly string[], untilMs: number, now: number): string {
  return `baking: watching ${arns.map(alarmName).join(', ')} · ${timeLeft(untilMs - now)}`;
}

/** The countdown reply, edited in place while the window runs. */
export function bakingReply(stackName: string, arns: readonly string[], untilMs: number, now: number): SlackMessage {
  return section(
    `:stopwatch: *Baking* \`${esc(stackName)}\`: resources are updated; CloudFormation watches ${names(arns)} and rolls back if one alarms — ${timeLeft(untilMs - now)}. Success is announced after the window.`,
  );
}

const BAKED = ':stopwatch: *Baked*';

export function bakedReply(stackName: string, arns: readonly string[]): SlackMessage {
  return section(`${BAKED} \`${esc(stackName)}\`: ${names(arns)} stayed quiet for the whole window.`);
}

/** Whether a progress reply already ends with the alarm window's "Baked" (it then says all that is left to say). */
export function isBakedReply(m: SlackMessage): boolean {
  return JSON.stringify(m.blocks ?? []).includes(BAKED);
}

/** Root cause of an alarm rollback: the alarm, and what CloudFormation said. */
export function alarmRootCauseReply(stackName: string, name: string, reason: string, url: string): SlackMessage {
  return section(
    `:rotating_light: *Root cause* — alarm \`${esc(name)}\` went into ALARM; CloudFormation rolled \`${esc(stackName)}\` back.\n>${esc(reason)}\n${link(url, 'stack events')}`,
  );
}
