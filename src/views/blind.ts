import type { ErrorKind } from '../domain/error-kind.js';
import { formatMinutes } from './format.js';
import { clip, esc, LIMITS, type SlackMessage } from './slack-message.js';

/** An AWS error code said as what to do about it. */
export function blindCause(kind: ErrorKind, code: string): string {
  switch (kind) {
    case 'credentials':
      return code === 'CredentialsProviderError' || code === 'TokenProviderError'
        ? 'Coxswain has no AWS credentials — configure them (e.g. SSO login / role session)'
        : 'AWS credentials expired — refresh them (e.g. SSO login / role session)';
    case 'permission':
      return `AWS denies the read (${code}) — grant the IAM actions listed in the README`;
    case 'transient':
      return `AWS is not answering (${code}) — throttled, down or unreachable`;
    default:
      return `AWS answers ${code}`;
  }
}

export interface BlindReplyInput {
  deploymentId: number;
  /** What cannot be read, already in mrkdwn ("stack `orders-prod`"). */
  what: string;
  since: number;
  now: number;
  kind: ErrorKind;
  code: string;
}

const hhmm = (t: number) => `${new Date(t).toISOString().slice(11, 16)} UTC`;

/** The one "monitoring paused" reply: posted when reads have failed long enough, then updated in place. */
export function blindReply(i: BlindReplyInput): SlackMessage {
  const cause = blindCause(i.kind, i.code);
  const head = `:see_no_evil: *Monitoring paused* for deploy #${i.deploymentId}: Coxswain cannot read the ${i.what} since ${hhmm(i.since)} (${formatMinutes(i.now - i.since)}).`;
  const body = `${esc(cause)}; CloudFormation keeps going without us. Coxswain keeps retrying and catches up when reads work again.`;
  const plain = `Monitoring paused for deploy #${i.deploymentId}: cannot read the ${i.what.replace(/`/g, '')} since ${hhmm(i.since)}. ${cause}; Coxswain keeps retrying.`;
  return {
    text: clip(plain, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(`${head}\n${body}`, LIMITS.sectionText) } }],
  };
}

/** The same reply once reads work again. */
export function blindClearedReply(i: { deploymentId: number; blindMs: number }): SlackMessage {
  const line = `reading again after ${formatMinutes(i.blindMs)}; nothing was missed`;
  return {
    text: `Monitoring of deploy #${i.deploymentId} resumed: ${line}.`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:eyes: *Monitoring resumed* for deploy #${i.deploymentId}: ${line}.` },
      },
    ],
  };
}

/** The failure reason when permission errors outlast timing.blindFailMinutes. */
export function blindFailureReason(minutes: number, awsMessage: string): string {
  return `Coxswain could not read the stack for ${minutes} min: ${awsMessage}`.slice(0, 280);
}
