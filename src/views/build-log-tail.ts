import { maskSecretLines } from '../domain/secret-mask.js';
import { clip, LIMITS, link, type SlackMessage } from './slack-message.js';

export type BuildLogTailInput =
  | { kind: 'lines'; phase: string; lines: readonly string[]; logUrl: string | null }
  | { kind: 'off' | 'denied' | 'missing' | 'unavailable'; phase: string; code?: string; logUrl: string | null };

/** Longest line shown; longer ones end in "…". */
const MAX_LINE = 200;

/** Room for the head line and the link around the code block inside one section. */
const CODE_ROOM = LIMITS.sectionText - 400;

/** Lines that fit the code block, newest kept: the end of a failed phase is where its error is. */
function fitLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i] ?? '';
    // Backticks would close the code block early.
    const l = (raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE - 1)}…` : raw).replace(/```/g, "'''");
    if (size + l.length + 1 > CODE_ROOM) break;
    out.unshift(l);
    size += l.length + 1;
  }
  return out;
}

const WHY: Record<Exclude<BuildLogTailInput['kind'], 'lines'>, string> = {
  off: 'the CodeBuild project has CloudWatch logs turned off, so Coxswain cannot show its last lines',
  denied: 'Coxswain may not read the build log (grant `logs:GetLogEvents` on the project’s log group)',
  missing: 'CloudWatch Logs has no log stream for this build',
  unavailable: 'CloudWatch Logs did not answer; open the log instead',
};

/** The last lines of a failed build phase's log, secrets masked, under the failure. */
export function buildLogTailReply(i: BuildLogTailInput): SlackMessage {
  const open = i.logUrl ? ` · ${link(i.logUrl, 'full build log')}` : '';
  if (i.kind !== 'lines') {
    const why = `${WHY[i.kind]}${i.code ? ` (${i.code})` : ''}`;
    return {
      text: `Build log of the ${i.phase} phase: ${why.replace(/`/g, '')}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:page_facing_up: Build log: ${why}${open}` } }],
    };
  }
  const shown = fitLines(maskSecretLines(i.lines));
  if (shown.length === 0) {
    return {
      text: `Build log of the ${i.phase} phase: no lines were logged`,
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `:page_facing_up: The ${i.phase} phase logged nothing${open}` },
        },
      ],
    };
  }
  const head = `:page_facing_up: Last ${shown.length} line${shown.length === 1 ? '' : 's'} of the ${i.phase} phase${open}`;
  return {
    text: clip(`Last ${shown.length} lines of the ${i.phase} phase log`, LIMITS.fallbackText),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: clip(`${head}\n\`\`\`${shown.join('\n')}\`\`\``, LIMITS.sectionText) },
      },
    ],
  };
}
