import type { SlackDelivery } from '../adapters/slack-web.js';
import type { Logger } from '../app/logger.js';
import { type BackoffPolicy, backoffDelay } from '../domain/backoff.js';
import type { SlackFailure } from '../domain/slack-errors.js';
import type { DeadLetter } from '../store/dead-letter-repo.js';
import type { DueEntry, OutboxDeliveryRepo } from '../store/outbox-delivery-repo.js';
import type { SlackAuthHealth } from './slack-auth-health.js';
import { holdScope } from './slack-pacing.js';

export type SlackMethod = 'chat.postMessage' | 'chat.update' | 'conversations.history' | 'conversations.replies';

export interface SendContext {
  repo: OutboxDeliveryRepo;
  slack: SlackDelivery;
  logger: Logger;
  now: () => number;
  backoff: BackoffPolicy;
  random: () => number;
  /** How far before an entry's creation the channel history is searched for it. */
  lookupWindowMs: number;
  slackAuth: SlackAuthHealth;
}

/** What happened to one entry, for pacing: a Slack write was attempted or not. */
export type SendOutcome = 'sent' | 'found' | 'retry' | 'dead' | 'skipped' | 'auth';

/** The Slack methods an entry will call now, so held (429) methods can be skipped before doing anything. */
export function methodsFor(e: DueEntry): SlackMethod[] {
  if (e.op === 'update') return ['chat.update'];
  if (e.ts) return [];
  const write: SlackMethod = 'chat.postMessage';
  if (!e.needsLookup) return [write];
  return [e.threadKey ? 'conversations.replies' : 'conversations.history', write];
}

/** Delivers one due entry: looks up a post that may already exist, claims, calls Slack, records the result. */
export async function sendEntry(c: SendContext, e: DueEntry): Promise<SendOutcome> {
  if (e.op === 'post') return sendPost(c, e);
  if (!e.ts) return 'skipped';
  if (!c.repo.markSending(e.id, c.now())) return 'skipped';
  const res = await c.slack.updateMessage({ channel: e.channel, ts: e.ts, ...e.payload });
  if (res.ok) {
    c.repo.markSent(e.id, null, c.now());
    return 'sent';
  }
  return fail(c, e, 'chat.update', res.failure, false);
}

async function sendPost(c: SendContext, e: DueEntry): Promise<SendOutcome> {
  // Never a second Slack message for a message that already has one.
  if (e.ts) {
    c.repo.markSent(e.id, e.ts, c.now());
    return 'found';
  }
  if (e.needsLookup) {
    const method: SlackMethod = e.threadKey ? 'conversations.replies' : 'conversations.history';
    const found = await c.slack.findPosted({
      channel: e.channel,
      key: e.messageKey,
      ...(e.parentTs ? { threadTs: e.parentTs } : {}),
      oldestMs: e.createdAt - c.lookupWindowMs,
    });
    if (!found.ok && found.failure.kind !== 'permanent') return fail(c, e, method, found.failure, true);
    if (!found.ok) {
      // Slack refused the lookup itself (a channel the bot cannot read, a missing scope): no retry can answer it, and
      // dead-lettering would take the rest of the thread with it. Post, accepting a possible duplicate.
      c.logger.warn(
        { outboxId: e.id, key: e.messageKey, channel: e.channel, method, error: found.failure.code },
        'cannot check Slack for an earlier delivery; posting (a duplicate is possible)',
      );
    } else if (found.value.ts) {
      c.repo.markSent(e.id, found.value.ts, c.now());
      c.logger.info(
        { outboxId: e.id, key: e.messageKey, channel: e.channel, ts: found.value.ts },
        'slack post found already delivered; not posting again',
      );
      return 'found';
    }
  }
  if (!c.repo.markSending(e.id, c.now())) return 'skipped';
  const res = await c.slack.postMessage({
    channel: e.channel,
    text: e.payload.text,
    ...(e.payload.blocks ? { blocks: e.payload.blocks } : {}),
    ...(e.parentTs ? { threadTs: e.parentTs } : {}),
    key: e.messageKey,
  });
  if (res.ok) {
    c.repo.markSent(e.id, res.value.ts, c.now());
    return 'sent';
  }
  const mayExist = res.failure.kind === 'retryable' && res.failure.mayHaveSucceeded;
  return fail(c, e, 'chat.postMessage', res.failure, mayExist);
}

function fail(c: SendContext, e: DueEntry, method: SlackMethod, f: SlackFailure, mayExist: boolean): SendOutcome {
  const now = c.now();
  const where = { outboxId: e.id, key: e.messageKey, channel: e.channel, method, error: f.code };
  if (f.kind === 'auth') {
    // Slack rejected the token before acting: nothing was posted, no failure counted; the worker holds the outbox.
    c.repo.markRetry(e.id, { nextAttemptAt: now, error: f.code, failure: false, mayExist });
    c.slackAuth.rejected(f.code, now);
    return 'auth';
  }
  if (f.kind === 'permanent') {
    logDead(c.logger, c.repo.markDead(e.id, f.code, now));
    return 'dead';
  }
  if (f.kind === 'rate_limited') {
    const until = now + f.retryAfterMs;
    c.repo.hold(method, holdScope(method, e.channel), until);
    // Slack refused the call before acting on it: no failure counted, nothing that may exist.
    c.repo.markRetry(e.id, { nextAttemptAt: until, error: f.code, failure: false, mayExist: false });
    c.logger.warn({ ...where, retryInMs: f.retryAfterMs }, 'slack delivery rate limited');
    return 'retry';
  }
  const delay = backoffDelay(e.failures + 1, c.backoff, c.random);
  c.repo.markRetry(e.id, { nextAttemptAt: now + delay, error: f.code, failure: true, mayExist });
  c.logger.warn({ ...where, failures: e.failures + 1, retryInMs: delay }, 'slack delivery failed');
  return 'retry';
}

export function logDead(logger: Logger, dead: DeadLetter[]): void {
  for (const d of dead) {
    logger.error(
      { outboxId: d.id, key: d.messageKey, channel: d.channel, error: d.reason, attempts: d.attempts },
      'slack message dead-lettered',
    );
  }
}
