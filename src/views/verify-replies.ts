import { formatDuration } from './format.js';
import { shortSha } from './links.js';
import { clip, esc, LIMITS, type SlackMessage } from './slack-message.js';

function section(text: string): SlackMessage {
  return {
    text: clip(text.replace(/[*`]/g, ''), LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } }],
  };
}

/** Thread replies of the verifying phase and its result. URLs are configuration, shown as plain text. */
export const verifyReplies = {
  started: (url: string, sha: string, timeoutMs: number, smoke: number) =>
    section(
      `:mag: *Verifying*: waiting for ${esc(url)} to serve ${shortSha(sha)} (up to ${formatDuration(timeoutMs)})${smoke > 0 ? `, then ${smoke} smoke check${smoke === 1 ? '' : 's'}` : ''}.`,
    ),
  waitLine: (sha: string, url: string) => `verifying: waiting for ${url} to serve ${shortSha(sha)}`,
  succeeded: (sha: string, url: string, durationMs: number | null, noop: boolean) =>
    section(
      `:white_check_mark: *Deployed*${durationMs !== null ? ` in ${formatDuration(durationMs)}` : ''}${noop ? ' (no stack changes)' : ''}: serving ${shortSha(sha)} at ${esc(url)}`,
    ),
  autoRollback: (newId: number, toSha: string) =>
    section(
      `:rewind: Verification failed, and this environment rolls back on its own (\`verify.onFailure: rollback\`): rollback #${newId} to ${shortSha(toSha)} is queued automatically.`,
    ),
  autoRollbackRefused: (message: string) =>
    section(`:warning: Verification failed; the automatic rollback could not be queued: ${esc(message)}`),
};

export function staleReason(sha: string, url: string, served: string): string {
  return `deployed but not serving ${shortSha(sha)} — ${url} still serves ${served}`;
}
