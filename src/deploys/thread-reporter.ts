import type { Clock } from '../app/clock.js';
import type { Logger } from '../app/logger.js';
import type { Deployment } from '../domain/deployment.js';
import type { BlindnessRepo } from '../store/blindness-repo.js';
import type { Db } from '../store/db.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import type { OutboxRepo, PostInput } from '../store/outbox-repo.js';
import { isBakedReply } from '../views/bake-replies.js';
import { progressFinishedReply } from '../views/progress.js';
import type { SlackMessage } from '../views/slack-message.js';
import { threadKeys } from '../views/thread-keys.js';
import type { TargetOf } from './target-of.js';
import type { ParentEta, ThreadParent } from './thread-parent.js';

export interface ThreadReporterDeps {
  db: Db;
  targetOf: TargetOf;
  deployments: DeploymentsRepo;
  outbox: OutboxRepo;
  /** The one parent renderer (the core's). */
  parents: ThreadParent;
  blindness: BlindnessRepo;
  clock: Clock;
  logger: Logger;
  githubWeb: string;
  /** The parent's ETA; without it parents show none. */
  etaMs?: ParentEta | undefined;
  /** Replies a state change adds to the thread (core: the Promote buttons of a success, issue 16). */
  offers?: ((d: Deployment) => { name: string; message: SlackMessage }[]) | undefined;
}

/**
 * Writes a deployment's Slack thread through the outbox. Call it inside the transaction of the change it reports:
 * the message then exists if and only if the change happened. Stable keys make every reply idempotent, so a
 * resumed runner never posts the same reply twice.
 */
export class ThreadReporter {
  private readonly outbox: OutboxRepo;
  private readonly repo: DeploymentsRepo;
  private readonly threadParent: ThreadParent;

  constructor(private readonly deps: ThreadReporterDeps) {
    this.outbox = deps.outbox;
    this.repo = deps.deployments;
    this.threadParent = deps.parents;
  }

  /** Re-renders the parent (posting it if /deploy's post is somehow missing) so replies always have a thread. */
  parent(d: Deployment): void {
    this.outbox.upsert(
      {
        key: threadKeys.parent(d.id),
        channel: d.channel,
        deploymentId: d.id,
        message: this.threadParent.render(d, this.deps.clock.now()),
      },
      this.deps.clock.now(),
    );
  }

  /** A state change: the parent, the queue positions of the same target, and one log line. */
  stateChanged(d: Deployment): void {
    this.parent(d);
    this.finishProgress(d);
    this.refreshQueue(d.targetKey, d.id);
    // Every success path ends here, so the Promote buttons (issue 16) are offered in exactly one place.
    for (const offer of this.deps.offers?.(d) ?? []) this.reply(d, offer.name, offer.message);
    this.deps.logger.info(
      { deploymentId: d.id, target: d.targetKey, state: d.state, waitReason: d.waitReason ?? undefined },
      'deployment state changed',
    );
  }

  /** An ended deployment's progress reply (if it was ever posted) stops showing work left. */
  private finishProgress(d: Deployment): void {
    if (d.state !== 'succeeded' && d.state !== 'failed' && d.state !== 'cancelled') return;
    const key = threadKeys.progress(d.id);
    if (!this.outbox.has(key)) return;
    // A success after the alarm window: its "Baked" line (runner/verify.ts) already closed the reply.
    const latest = this.outbox.latest(key);
    if (d.state === 'succeeded' && latest && isBakedReply(latest)) return;
    const now = this.deps.clock.now();
    const elapsedMs = (d.finishedAt ?? now) - (d.startedAt ?? d.createdAt);
    this.outbox.update(key, progressFinishedReply({ deploymentId: d.id, outcome: d.state, elapsedMs }), now);
  }

  /** Queued deployments of a target show their position and ETA to start; both move when the head starts or finishes. */
  refreshQueue(targetKey: string, exceptId?: number): void {
    for (const q of this.repo.queueOf(targetKey)) {
      if (q.id === exceptId || q.state !== 'queued') continue;
      if (!this.outbox.has(threadKeys.parent(q.id))) continue;
      const now = this.deps.clock.now();
      this.outbox.update(threadKeys.parent(q.id), this.threadParent.render(q, now), now);
    }
  }

  /** Posts a one-off reply under a stable name; false when it was already posted. */
  reply(d: Deployment, name: string, message: SlackMessage): boolean {
    return this.outbox.post(this.threadReply(d, name, message), this.deps.clock.now());
  }

  /** A reply that changes as something progresses: posted once, then updated in place (never a stream). */
  upsertReply(d: Deployment, name: string, message: SlackMessage): void {
    this.outbox.upsert(this.threadReply(d, name, message), this.deps.clock.now());
  }

  /** A reply whose content may be corrected later: posted once, updated in place only when its content changed. */
  reviseReply(d: Deployment, name: string, message: SlackMessage): void {
    const key = threadKeys.reply(d.id, name);
    const current = this.outbox.latest(key);
    if (current && JSON.stringify(current) === JSON.stringify(message)) return;
    this.upsertReply(d, name, message);
  }

  /** A reply in the deployment's thread; the parent is posted first if it somehow is not there yet. */
  private threadReply(d: Deployment, name: string, message: SlackMessage): PostInput {
    if (!this.outbox.has(threadKeys.parent(d.id))) this.parent(d);
    return {
      key: threadKeys.reply(d.id, name),
      channel: d.channel,
      threadKey: threadKeys.parent(d.id),
      deploymentId: d.id,
      message,
    };
  }

  hasReply(d: Deployment, name: string): boolean {
    return this.outbox.has(threadKeys.reply(d.id, name));
  }
}
