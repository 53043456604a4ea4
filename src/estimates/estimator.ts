import type { Clock } from '../app/clock.js';
import {
  combine,
  type Estimate,
  estimateFromLearned,
  estimatePhase,
  MIN_TARGET_SAMPLES,
  type Phase,
  type ResourceChange,
  type ResourceTypeStats,
  resourceKey,
  resourceP90,
} from '../domain/estimates.js';
import { type QueueEta, queueEta, type Remaining, remainingTime } from '../domain/eta.js';
import { detectStall, mayPostStall, resourceStates, type StallResult, type WatchedResource } from '../domain/stall.js';
import { summarize } from '../domain/stats.js';
import type { HistoryRepo } from '../store/history-repo.js';
import type { LearnedHistoryRepo } from '../store/learned-history-repo.js';
import type { Repos } from '../store/repos.js';

export interface EstimatorDeps {
  /** Coxswain's own history and what AWS taught (history-learner.ts). */
  repos: Pick<Repos, 'history' | 'learnedHistory'>;
  clock: Clock;
  /** How long query results are reused: about one poll tick, so 200 deployments share one query per tick. */
  cacheMs?: number;
  /** Recent successful runs per target and phase. */
  historyLimit?: number;
  /** Recent durations per resource type (and action). */
  resourceLimit?: number;
  /** Only events this recent teach resource-type durations (bounds the scan). */
  resourceWindowMs?: number;
}

export interface DeploymentEstimate {
  total: Estimate;
  phases: Partial<Record<Phase, Estimate>>;
}

export interface ProgressFacts {
  phase: Phase;
  phaseStartedAt: number;
  remaining: Remaining;
  /** Resources finished / in the change set, once the change set is known. */
  resources?: { done: number; total: number };
}

export interface StallCheck extends StallResult {
  phase: Phase;
  /** Stalled, and the previous stall reply (if any) is at least one stall period old: post one now. */
  post: boolean;
}

const PHASE_ITEM: Record<Phase, { logicalId: string; resourceType: string }> = {
  build: { logicalId: 'Build', resourceType: 'AWS::CodeBuild::Build' },
  changeset: { logicalId: 'ChangeSet', resourceType: 'AWS::CloudFormation::ChangeSet' },
  stack_update: { logicalId: 'Stack', resourceType: 'AWS::CloudFormation::Stack' },
};

/** Wires history queries to the pure model. Cheap to call every poll: results are cached for about one tick. */
export class Estimator {
  private readonly history: HistoryRepo;
  private readonly learned: LearnedHistoryRepo;
  private readonly cacheMs: number;
  private readonly historyLimit: number;
  private readonly resourceLimit: number;
  private readonly resourceWindowMs: number;
  private cache = new Map<string, unknown>();
  private cacheAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: EstimatorDeps) {
    this.history = deps.repos.history;
    this.learned = deps.repos.learnedHistory;
    this.cacheMs = deps.cacheMs ?? 5_000;
    this.historyLimit = deps.historyLimit ?? 20;
    this.resourceLimit = deps.resourceLimit ?? 50;
    this.resourceWindowMs = deps.resourceWindowMs ?? 180 * 24 * 3_600_000;
  }

  /** One phase of a target. `resources` = the change set's, when known; else those of the target's last update. */
  phase(targetKey: string, phase: Phase, resources?: readonly ResourceChange[]): Estimate {
    const own = this.cached(`phase|${targetKey}|${phase}`, () =>
      this.history.phaseDurations(targetKey, phase, this.historyLimit),
    );
    const target = summarize(own);
    if (target && target.n >= MIN_TARGET_SAMPLES) return estimatePhase({ phase, target });
    // Before Coxswain knows the target well: what AWS remembers of it, weighed lower than Coxswain's own runs.
    const fromAws = estimateFromLearned(
      own,
      this.cached(`learned|${targetKey}|${phase}`, () =>
        this.learned.phaseDurations(targetKey, phase, this.historyLimit),
      ),
    );
    if (fromAws) return fromAws;
    if (phase !== 'stack_update') return estimatePhase({ phase, target });
    return estimatePhase({
      phase,
      target,
      resources: resources ?? this.cached(`last|${targetKey}`, () => this.history.lastResourceChanges(targetKey)),
      typeStats: this.typeStats(),
    });
  }

  deployment(targetKey: string, phases: readonly Phase[], resources?: readonly ResourceChange[]): DeploymentEstimate {
    const out: Partial<Record<Phase, Estimate>> = {};
    for (const p of phases) out[p] = this.phase(targetKey, p, resources);
    return { total: combine(phases.map((p) => out[p]!)), phases: out };
  }

  remaining(input: {
    targetKey: string;
    phases: readonly Phase[];
    current: Phase;
    phaseStartedAt: number;
    resources?: readonly ResourceChange[];
  }): Remaining {
    return remainingTime({
      phases: input.phases,
      current: input.current,
      currentElapsedMs: this.deps.clock.now() - input.phaseStartedAt,
      estimates: this.deployment(input.targetKey, input.phases, input.resources).phases,
    });
  }

  /**
   * What the progress reply needs, read from the store: the open phase, the remaining time and, once the change set
   * is known (`totalResources`), how many of its resources are done. Undefined when no phase is open.
   */
  progress(input: {
    deploymentId: number;
    targetKey: string;
    phases: readonly Phase[];
    resources?: readonly ResourceChange[];
    totalResources?: number;
  }): ProgressFacts | undefined {
    const open = this.history.openPhase(input.deploymentId);
    if (!open) return undefined;
    const remaining = this.remaining({ ...input, current: open.phase, phaseStartedAt: open.startedAt });
    const facts: ProgressFacts = { phase: open.phase, phaseStartedAt: open.startedAt, remaining };
    if (input.totalResources !== undefined) {
      const done = open.phase === 'stack_update' ? resourceStates(this.history.events(input.deploymentId)).done : 0;
      facts.resources = { done: Math.min(done, input.totalResources), total: input.totalResources };
    }
    return facts;
  }

  /** ETA to start and to finish for a waiting deployment; all deployments of a target share `phases`. */
  queueEta(deploymentId: number, targetKey: string, phases: readonly Phase[]): QueueEta | undefined {
    const q = this.history.queueAhead(deploymentId);
    if (!q) return undefined;
    const own = this.deployment(targetKey, phases).total;
    let active: Remaining | undefined;
    if (q.active) {
      const phase = q.active.phase;
      active = phase
        ? this.remaining({ targetKey, phases, current: phase.phase, phaseStartedAt: phase.startedAt })
        : { ...own, longerThanUsual: false };
    }
    return queueEta({ active, ahead: q.ahead.map(() => own), own });
  }

  /** Applies the stall rule to a running deployment; `lastPostedAt` = when the previous stall reply was posted. */
  stall(input: {
    deploymentId: number;
    targetKey: string;
    phases: readonly Phase[];
    stallMinutes: number;
    lastPostedAt: number | null;
  }): StallCheck | undefined {
    const open = this.history.openPhase(input.deploymentId);
    if (!open) return undefined;
    const now = this.deps.clock.now();
    const stallMs = input.stallMinutes * 60_000;
    let watched: WatchedResource[];
    let lastEventAt = open.startedAt;
    if (open.phase === 'stack_update') {
      const states = resourceStates(this.history.events(input.deploymentId));
      const stats = this.typeStats();
      watched = states.inProgress.map((r) => ({ ...r, p90Ms: resourceP90(stats, r.resourceType, r.action) }));
      lastEventAt = Math.max(lastEventAt, states.lastEventAt ?? lastEventAt);
    } else {
      // No events during a build or a change set: the phase itself is the one thing in progress.
      const high = this.phase(input.targetKey, open.phase).highMs;
      watched = [{ ...PHASE_ITEM[open.phase], since: open.startedAt, p90Ms: high }];
    }
    const result = detectStall({ now, lastEventAt, stallMs, inProgress: watched });
    return {
      ...result,
      phase: open.phase,
      post: result.stalled && mayPostStall({ now, lastPostedAt: input.lastPostedAt, stallMs }),
    };
  }

  /** Learned per-resource-type durations across all stacks, shared by every deployment in a tick. */
  typeStats(): ResourceTypeStats {
    return this.cached('types', () => {
      const since = this.deps.clock.now() - this.resourceWindowMs;
      const groups = new Map<string, number[]>();
      for (const r of this.history.resourceDurations(this.resourceLimit, since)) {
        for (const key of [r.resourceType, resourceKey(r.resourceType, r.action)]) {
          const list = groups.get(key) ?? [];
          list.push(r.durationMs);
          groups.set(key, list);
        }
      }
      // Types Coxswain never deployed itself: what AWS's event history taught (lower weight = used only then).
      const learned = new Map<string, number[]>();
      for (const r of this.learned.resourceDurations(this.resourceLimit, since)) {
        for (const key of [r.resourceType, resourceKey(r.resourceType, r.action)]) {
          if (groups.has(key)) continue;
          const list = learned.get(key) ?? [];
          list.push(r.durationMs);
          learned.set(key, list);
        }
      }
      for (const [key, values] of learned) groups.set(key, values);
      const stats = new Map<string, NonNullable<ReturnType<typeof summarize>>>();
      for (const [key, values] of groups) stats.set(key, summarize(values)!);
      return stats;
    });
  }

  private cached<T>(key: string, load: () => T): T {
    const now = this.deps.clock.now();
    if (now - this.cacheAt >= this.cacheMs || now < this.cacheAt) {
      this.cache.clear();
      this.cacheAt = now;
    }
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = load();
    this.cache.set(key, value);
    return value;
  }
}
