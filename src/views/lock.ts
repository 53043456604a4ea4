import type { Lock } from '../domain/lock.js';
import { clockTime } from './approval.js';
import { formatDuration } from './format.js';
import { shortSha } from './links.js';
import { clip, esc, escKeepMentions, LIMITS, type SlackMessage } from './slack-message.js';

export interface TargetName {
  service: string;
  environment: string;
}

function where(t: TargetName): string {
  return `\`${esc(t.service)}\` → \`${esc(t.environment)}\``;
}

export function unlockHint(t: TargetName): string {
  return `\`/deploy unlock ${t.service} ${t.environment}\``;
}

function since(lock: Lock, now: number): string {
  const day = new Date(lock.lockedAt).toISOString().slice(0, 10);
  return `${day} ${clockTime(lock.lockedAt).mrkdwn} (${formatDuration(now - lock.lockedAt)} ago)`;
}

function plain(text: string): string {
  return text.replace(/<!date\^\d+\^\{time\}\|([^>]+)>/g, '$1').replace(/[*`]/g, '');
}

function message(text: string): SlackMessage {
  const mrkdwn = clip(text, LIMITS.sectionText);
  return {
    text: clip(plain(text), LIMITS.fallbackText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }],
  };
}

/** One line for /deploy-status and wait reasons: who, since when, why. */
export function lockStatusLine(lock: Lock, now: number): string {
  return `:lock: locked by <@${lock.lockedBy}> since ${since(lock, now)}: ${escKeepMentions(lock.reason)}`;
}

/**
 * Told to someone whose request meets a lock: it waits in the queue, and here is who to ask and how to unlock.
 * `queuedId` is set when the request was queued behind the lock.
 */
export function lockRefusal(t: TargetName, lock: Lock, now: number, queuedId?: number): SlackMessage {
  const queued =
    queuedId !== undefined
      ? `Deploy #${queuedId} is queued and will start when the target is unlocked.`
      : 'Nothing will run there until it is unlocked.';
  return message(
    `:lock: ${where(t)} is locked by <@${lock.lockedBy}> since ${since(lock, now)}.\n*Reason:* ${escKeepMentions(lock.reason)}\n${queued} To unlock (after talking to <@${lock.lockedBy}>): ${unlockHint(t)}`,
  );
}

export function lockConfirmation(t: TargetName, lock: Lock): SlackMessage {
  return message(
    `:lock: <@${lock.lockedBy}> locked ${where(t)}: ${escKeepMentions(lock.reason)}\nRequests still queue, but nothing runs until ${unlockHint(t)}.`,
  );
}

export function alreadyLocked(t: TargetName, lock: Lock, now: number): SlackMessage {
  return message(
    `${where(t)} is already locked by <@${lock.lockedBy}> since ${since(lock, now)}: ${escKeepMentions(lock.reason)}\nTo replace the lock, unlock it first with ${unlockHint(t)}.`,
  );
}

export function unlockConfirmation(t: TargetName, lock: Lock, by: string, waiting: number): SlackMessage {
  const queue = waiting > 0 ? ` ${waiting} queued deployment${waiting === 1 ? '' : 's'} can start now.` : '';
  return message(
    `:unlock: <@${by}> unlocked ${where(t)} (locked by <@${lock.lockedBy}>: ${escKeepMentions(lock.reason)}).${queue}`,
  );
}

export function notLocked(t: TargetName): SlackMessage {
  return message(`${where(t)} is not locked.`);
}

/** A redeploy of a SHA that was rolled back: refused unless forced. */
export function badShaRefusal(t: TargetName, sha: string, markedBy: string, markedAt: number): SlackMessage {
  return message(
    `:no_entry: ${shortSha(sha)} was rolled back on ${where(t)} by <@${markedBy}> at ${clockTime(markedAt).mrkdwn}, so it is not deployed again by accident.\nTo deploy it anyway: \`/deploy ${t.service} ${t.environment} ${shortSha(sha)} --force\` (the force is recorded).`,
  );
}

export function rollbackLockReason(badSha: string, by: string): string {
  return `rolled back from ${shortSha(badSha)} by <@${by}>`;
}
