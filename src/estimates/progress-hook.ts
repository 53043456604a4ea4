/**
 * The deploy worker's onPoll hook: after every poll it keeps the deployment's one progress reply current (estimator
 * → progressReply, upserted in place) and posts a stall reply with keep-waiting / roll-back buttons when the stall
 * rule holds. Also the source of queue ETAs for /deploy replies and thread parents.
 */
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import type { PollContext } from '../deploys/poll-context.js';
import type { TargetOf } from '../deploys/target-of.js';
import type { Deployment } from '../domain/deployment.js';
import { type Phase, phasesFor } from '../domain/estimates.js';
import type { QueueEta } from '../domain/eta.js';
import { mayPostStall } from '../domain/stall.js';
import type { Db } from '../store/db.js';
import type { Repos } from '../store/repos.js';
import { type RunProgress, runProgressLine } from '../views/actions-replies.js';
import { progressReply } from '../views/progress.js';
import { stallReply } from '../views/stall.js';
import { threadKeys } from '../views/thread-keys.js';
import type { Estimator } from './estimator.js';

export interface ProgressHookDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  estimator: Pick<Estimator, 'progress' | 'stall' | 'queueEta'>;
  /** A deployment's target (deploys/target-of.ts); a removed one gets no estimate. */
  targetOf: TargetOf;
  /** The shared repositories (store/repos.ts). */
  repos: Pick<Repos, 'deployments' | 'outbox' | 'actions' | 'githubDeployments'>;
}

/** Entries kept of the last progress content per deployment; old ones are dropped (the outbox has them anyway). */
const MAX_REMEMBERED = 1_000;

export class ProgressHook {
  private readonly repo: Repos['deployments'];
  private readonly outbox: Repos['outbox'];
  private readonly actions: Repos['actions'];
  private readonly github: Repos['githubDeployments'];
  private readonly lastContent = new Map<number, string>();

  constructor(private readonly deps: ProgressHookDeps) {
    this.repo = deps.repos.deployments;
    this.outbox = deps.repos.outbox;
    this.actions = deps.repos.actions;
    this.github = deps.repos.githubDeployments;
  }

  /** Pass as DeployWorker's `onPoll`. Never throws into the runner for a reporting problem: it logs instead. */
  readonly onPoll = (ctx: PollContext): void => {
    const d = ctx.deployment;
    if (ctx.outcome === 'done' || (d.state !== 'building' && d.state !== 'deploying')) {
      this.lastContent.delete(d.id);
      return;
    }
    const phases = this.phasesOf(d);
    // Replies need their thread: /deploy (or the runner's reporter) posts the parent first.
    if (!phases || !this.outbox.has(threadKeys.parent(d.id))) return;
    this.progress(ctx, phases);
    // While AWS reads fail there are no events to be quiet about: the blind monitor's reply speaks instead.
    if (ctx.outcome !== 'transient_error') this.stall(ctx, phases);
  };

  /** ETA to start and to finish of a waiting deployment, or undefined when it is not waiting. */
  queueEta(d: Deployment): QueueEta | undefined {
    const phases = this.phasesOf(d);
    return phases ? this.deps.estimator.queueEta(d.id, d.targetKey, phases) : undefined;
  }

  /** What a thread parent shows as ETA: time to start while queued, time to finish while running. */
  parentEtaMs(d: Deployment): number | undefined {
    if (d.state !== 'queued' && d.state !== 'building' && d.state !== 'deploying') return undefined;
    const eta = this.queueEta(d);
    if (!eta) return undefined;
    return d.state === 'queued' ? eta.startIn.expectedMs : eta.finishIn.expectedMs;
  }

  private phasesOf(d: Deployment): Phase[] | undefined {
    const t = this.deps.targetOf(d);
    if (!t.ok) return undefined;
    // A rollback reuses an image that was already built: no build phase (see rollbacks.ts).
    return phasesFor(Boolean(t.target.build) && d.kind !== 'rollback');
  }

  private progress({ deployment: d, stacks, now }: PollContext, phases: Phase[]): void {
    const total = stacks.some((s) => s.changes) ? stacks.reduce((n, s) => n + (s.changes?.total ?? 0), 0) : undefined;
    const facts = this.deps.estimator.progress({
      deploymentId: d.id,
      targetKey: d.targetKey,
      phases,
      ...(total !== undefined ? { totalResources: total } : {}),
    });
    if (!facts) return;
    const message = progressReply({
      deploymentId: d.id,
      phases,
      phase: facts.phase,
      elapsedMs: now - (d.startedAt ?? now),
      resources: facts.resources,
      remaining: facts.remaining,
      targetKey: d.targetKey,
      detail: this.buildDetail(d, facts.phase),
    });
    const content = JSON.stringify(message);
    const key = threadKeys.progress(d.id);
    if (content === this.previous(d.id, key)) return;
    this.deps.db.transaction(() => {
      this.outbox.upsert(
        { key, channel: d.channel, threadKey: threadKeys.parent(d.id), deploymentId: d.id, message },
        now,
      );
    })();
    this.remember(d.id, content);
  }

  /** A GitHub Actions build shows its current job and step (runner/actions-build.ts stores them). */
  private buildDetail(d: Deployment, phase: Phase): string | undefined {
    if (phase !== 'build' || !d.buildId) return undefined;
    const p = this.github.runProgress<RunProgress>(d.id);
    return p ? runProgressLine(p) : undefined;
  }

  private stall({ deployment: d, now }: PollContext, phases: Phase[]): void {
    const stallMinutes = this.deps.config.timing.stallMinutes;
    const s = this.deps.estimator.stall({
      deploymentId: d.id,
      targetKey: d.targetKey,
      phases,
      stallMinutes,
      lastPostedAt: d.stalledAt,
    });
    if (!s) return;
    const stallMs = stallMinutes * 60_000;
    // Keep waiting restarts the quiet period: quiet is measured from the later of the last event and that click.
    const kept = this.actions.lastAt(d.id, 'keep_waiting')?.at;
    const quietMs = kept !== undefined ? Math.min(s.quietMs, Math.max(0, now - kept)) : s.quietMs;
    const stalled = s.stalled && quietMs >= stallMs;
    if (stalled && mayPostStall({ now, lastPostedAt: d.stalledAt, stallMs })) {
      this.deps.db.transaction(() => {
        if (!this.repo.update(d.id, d.state, now, { stalledAt: now })) return;
        this.outbox.post(
          {
            key: threadKeys.reply(d.id, `stall-${now}`),
            channel: d.channel,
            threadKey: threadKeys.parent(d.id),
            deploymentId: d.id,
            message: stallReply({ deploymentId: d.id, quietMs, resources: s.resources }),
          },
          now,
        );
      })();
      this.deps.logger.warn({ deploymentId: d.id, quietMs, phase: s.phase }, 'deployment stalled');
    } else if (!stalled && d.stalledAt !== null) {
      this.repo.update(d.id, d.state, now, { stalledAt: null });
    }
  }

  private previous(id: number, key: string): string | undefined {
    const known = this.lastContent.get(id);
    if (known !== undefined) return known;
    // After a restart: compare with what the outbox last queued for this message.
    return this.outbox.latestPayload(key);
  }

  private remember(id: number, content: string): void {
    if (this.lastContent.size >= MAX_REMEMBERED && !this.lastContent.has(id)) {
      const oldest = this.lastContent.keys().next().value;
      if (oldest !== undefined) this.lastContent.delete(oldest);
    }
    this.lastContent.set(id, content);
  }
}
