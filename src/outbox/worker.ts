import pLimit from 'p-limit';
import type { SlackDelivery } from '../adapters/slack-web.js';
import type { Clock } from '../app/clock.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import { TickLoop } from '../app/tick-loop.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from '../domain/backoff.js';
import type { TickObserver } from '../metrics/instrument.js';
import type { DueEntry, OutboxDeliveryRepo } from '../store/outbox-delivery-repo.js';
import { logDead, methodsFor, type SendContext, sendEntry } from './send.js';
import { SlackAuthHealth } from './slack-auth-health.js';
import { DEFAULT_WORKSPACE_UPDATE_INTERVAL_MS, isHeld } from './slack-pacing.js';

export interface OutboxWorkerOptions {
  /** Retry schedule for network errors and 5xx (default 5 s doubling to 80 s, then every 80 s). */
  backoff?: BackoffPolicy;
  /** Entries older than this go to the dead letter (default 24 h). */
  maxAgeMs?: number;
  /** Minimum gap between two new messages in one channel (Slack: about 1 per second). */
  postIntervalMs?: number;
  /** Minimum gap between two chat.update calls in one channel (Tier 3: paced modestly). */
  updateIntervalMs?: number;
  /** Minimum gap between two chat.update calls in the whole workspace (Tier 3, ~50/min; default 1.2 s). */
  workspaceUpdateIntervalMs?: number;
  /** How far before an entry was written its channel history is searched when recovering (default 60 s). */
  lookupWindowMs?: number;
  /** Period of the production loop started by start(). */
  pollIntervalMs?: number;
  /** Channels delivered in parallel; within a channel, entries go one at a time. */
  channelConcurrency?: number;
  /** [0, 1) source for backoff jitter; tests inject a fixed one. */
  random?: () => number;
  /** While Slack rejects the token (invalid_auth…), one delivery attempt per this period (default 60 s). */
  authProbeMs?: number;
}

export interface OutboxWorkerDeps {
  /** The delivery side of the outbox (store/repos.ts `outboxDelivery`). */
  outbox: OutboxDeliveryRepo;
  clock: Clock;
  logger: Logger;
  slack: SlackDelivery;
  options?: OutboxWorkerOptions;
  /** Told after every tick of the production loop (metrics and /readyz liveness). */
  onTick?: TickObserver;
}

/**
 * Delivers the Slack outbox: in order, paced per channel, with persisted backoff, exact Retry-After holds, a dead
 * letter, and a lookup before re-posting anything Slack may already have. One worker per database.
 */
export class OutboxWorker extends TickLoop {
  private readonly repo: OutboxDeliveryRepo;
  private readonly send: SendContext;
  private readonly o: Required<Omit<OutboxWorkerOptions, 'backoff' | 'random' | 'authProbeMs'>>;
  /** Whether Slack accepts the bot token; readiness reads `slackAuth.broken()`. */
  readonly slackAuth: SlackAuthHealth;
  private readonly lastPost = new Map<string, number>();
  private readonly lastUpdate = new Map<string, number>();
  private lastWorkspaceUpdate = Number.NEGATIVE_INFINITY;
  private recovered = false;

  constructor(private readonly deps: OutboxWorkerDeps) {
    // The production loop (start/stop, tick() for tests); ticks never overlap.
    super({
      intervalMs: deps.options?.pollIntervalMs ?? 250,
      logger: deps.logger,
      failed: 'outbox tick failed',
      onTick: deps.onTick,
    });
    const o = deps.options ?? {};
    this.repo = deps.outbox;
    this.slackAuth = new SlackAuthHealth(deps.logger, o.authProbeMs ?? 60_000);
    this.o = {
      maxAgeMs: o.maxAgeMs ?? 24 * 3_600_000,
      postIntervalMs: o.postIntervalMs ?? 1_000,
      updateIntervalMs: o.updateIntervalMs ?? 500,
      workspaceUpdateIntervalMs: o.workspaceUpdateIntervalMs ?? DEFAULT_WORKSPACE_UPDATE_INTERVAL_MS,
      lookupWindowMs: o.lookupWindowMs ?? 60_000,
      pollIntervalMs: o.pollIntervalMs ?? 250,
      channelConcurrency: o.channelConcurrency ?? 8,
    };
    this.send = {
      repo: this.repo,
      slack: deps.slack,
      logger: deps.logger,
      now: () => deps.clock.now(),
      backoff: o.backoff ?? DEFAULT_BACKOFF,
      random: o.random ?? Math.random,
      lookupWindowMs: this.o.lookupWindowMs,
      slackAuth: this.slackAuth,
    };
  }

  /** Delivers every entry that is due now (one step per thread and one paced write per channel). */
  protected async runTick(): Promise<void> {
    const { logger, clock } = this.deps;
    const now = clock.now();
    if (!this.recovered) {
      const n = this.repo.recoverInFlight(now);
      if (n > 0) logger.warn({ entries: n }, 'outbox entries left in flight by a previous run; checking Slack first');
      this.recovered = true;
    }
    this.repo.supersedeUpdates();
    // A broken token is no reason to drop anything: nothing ages out or cascades until Slack takes it again.
    if (!this.slackAuth.mayTry(now)) return;
    if (!this.slackAuth.broken()) {
      logDead(logger, this.repo.expire(now, this.o.maxAgeMs + this.slackAuth.outageMs()));
      logDead(logger, this.repo.cascade(now));
    }
    const holds = this.repo.activeHolds(now);
    const byChannel = new Map<string, DueEntry[]>();
    const due = this.repo.due(now);
    // One probe while the token is rejected, not one call per channel.
    for (const e of this.slackAuth.broken() ? due.slice(0, 1) : due) {
      const list = byChannel.get(e.channel) ?? [];
      list.push(e);
      byChannel.set(e.channel, list);
    }
    const limit = pLimit(this.o.channelConcurrency);
    await Promise.all([...byChannel].map(([channel, entries]) => limit(() => this.deliver(channel, entries, holds))));
  }

  private async deliver(channel: string, entries: DueEntry[], heldAtStart: Map<string, number>): Promise<void> {
    let holds = heldAtStart;
    for (const e of entries) {
      const now = this.deps.clock.now();
      if (!this.slackAuth.mayTry(now)) return;
      if (methodsFor(e).some((m) => isHeld(holds, m, channel, now))) continue;
      const pace = e.op === 'post' ? this.lastPost : this.lastUpdate;
      const gap = e.op === 'post' ? this.o.postIntervalMs : this.o.updateIntervalMs;
      const last = pace.get(channel);
      if (last !== undefined && now - last < gap && !(e.op === 'post' && e.ts)) continue;
      // chat.update is limited per workspace (Tier 3): one shared pace for every channel.
      if (e.op === 'update' && e.ts) {
        if (now - this.lastWorkspaceUpdate < this.o.workspaceUpdateIntervalMs) continue;
        this.lastWorkspaceUpdate = now;
      }
      let outcome: Awaited<ReturnType<typeof sendEntry>>;
      try {
        outcome = await sendEntry(this.send, e);
      } catch (err) {
        // A bug must not stop delivery of the other entries: retry later, looking first in case Slack has it.
        logError(
          this.deps.logger,
          err,
          { outboxId: e.id, key: e.messageKey, channel },
          'outbox entry delivery crashed',
        );
        const next = this.deps.clock.now() + backoffDelay(e.failures + 1, this.send.backoff, this.send.random);
        this.repo.markRetry(e.id, {
          nextAttemptAt: next,
          error: 'internal_error',
          failure: true,
          mayExist: e.op === 'post',
        });
        continue;
      }
      // The token is rejected (SlackAuthHealth knows): stop this channel; the next probe tries again.
      if (outcome === 'auth') return;
      if (outcome === 'sent' || outcome === 'found') this.slackAuth.accepted(this.deps.clock.now());
      if (outcome === 'sent' || outcome === 'retry' || outcome === 'dead') pace.set(channel, this.deps.clock.now());
      // A 429 on this channel stops it for this tick; the hold is read again on the next one.
      if (outcome === 'retry') holds = this.repo.activeHolds(this.deps.clock.now());
    }
  }
}
