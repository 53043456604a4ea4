/**
 * Pure deployment health figures over a window: no clock, no database, no I/O.
 * Every figure is null when there is no data for it, so the view can say "—" instead of inventing 0.
 */
import type { DeploymentKind } from './deployment-state.js';

/** A deployment that ended in the window (cancelled ones are kept to be shown, never counted as failures). */
export interface FinishedDeployment {
  id: number;
  kind: DeploymentKind;
  targetKey: string;
  state: 'succeeded' | 'failed' | 'cancelled';
  startedAt: number | null;
  finishedAt: number;
}

export interface HealthFigures {
  /** Deployments that finished in the window (deploys and rollbacks, any outcome). */
  deployments: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** succeeded / (succeeded + failed); cancelled are left out. */
  successRate: number | null;
  /** Deploys (not rollbacks) that failed or were rolled back next, over finished deploys. */
  changeFailureRate: number | null;
  /** Run time (start → finish) of succeeded deployments. */
  medianDurationMs: number | null;
  p90DurationMs: number | null;
  /** From the first failure of a streak to the next success on the same target. */
  recoveries: number;
  medianRecoveryMs: number | null;
  maxRecoveryMs: number | null;
  /** Failure streaks with no success after them yet: the time the oldest one started. */
  failingSince: number | null;
  rollbacks: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100): always one of the observed values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function byFinish(a: FinishedDeployment, b: FinishedDeployment): number {
  return a.finishedAt - b.finishedAt || a.id - b.id;
}

/** Figures for one set of deployments (one target, or all of them). */
export function healthFigures(deployments: readonly FinishedDeployment[]): HealthFigures {
  const sorted = [...deployments].sort(byFinish);
  const succeeded = sorted.filter((d) => d.state === 'succeeded');
  const failed = sorted.filter((d) => d.state === 'failed');
  const durations = succeeded.filter((d) => d.startedAt !== null).map((d) => d.finishedAt - d.startedAt!);

  // Per target, in finish order: change failures and recovery streaks.
  const byTarget = new Map<string, FinishedDeployment[]>();
  for (const d of sorted) byTarget.set(d.targetKey, [...(byTarget.get(d.targetKey) ?? []), d]);

  let deploys = 0;
  let changeFailures = 0;
  const recoveryTimes: number[] = [];
  let failingSince: number | null = null;
  for (const list of byTarget.values()) {
    const ran = list.filter((d) => d.state !== 'cancelled');
    ran.forEach((d, i) => {
      if (d.kind !== 'deploy') return;
      deploys++;
      const rolledBackNext = ran[i + 1]?.kind === 'rollback';
      if (d.state === 'failed' || rolledBackNext) changeFailures++;
    });
    let streakStart: number | null = null;
    for (const d of ran) {
      if (d.state === 'failed' && streakStart === null) streakStart = d.finishedAt;
      if (d.state === 'succeeded' && streakStart !== null) {
        recoveryTimes.push(d.finishedAt - streakStart);
        streakStart = null;
      }
    }
    if (streakStart !== null) failingSince = failingSince === null ? streakStart : Math.min(failingSince, streakStart);
  }

  return {
    deployments: sorted.length,
    succeeded: succeeded.length,
    failed: failed.length,
    cancelled: sorted.length - succeeded.length - failed.length,
    successRate: ratio(succeeded.length, succeeded.length + failed.length),
    changeFailureRate: ratio(changeFailures, deploys),
    medianDurationMs: median(durations),
    p90DurationMs: percentile(durations, 90),
    recoveries: recoveryTimes.length,
    medianRecoveryMs: median(recoveryTimes),
    maxRecoveryMs: recoveryTimes.length ? Math.max(...recoveryTimes) : null,
    failingSince,
    rollbacks: sorted.filter((d) => d.kind === 'rollback').length,
  };
}

/** Figures per target key, for every key given (targets with no deployments get empty figures). */
export function healthByTarget(
  targetKeys: readonly string[],
  deployments: readonly FinishedDeployment[],
): Map<string, HealthFigures> {
  const out = new Map<string, HealthFigures>();
  for (const key of targetKeys) out.set(key, healthFigures(deployments.filter((d) => d.targetKey === key)));
  return out;
}

/** Stacks that need a human now: failed, or busy (possibly someone deploying outside Coxswain). */
export function stackAttention(stackStatus: string): 'failed' | 'in_progress' | null {
  if (stackStatus.endsWith('_IN_PROGRESS')) return 'in_progress';
  // ROLLBACK_COMPLETE: the stack's creation failed and it can only be deleted.
  if (stackStatus.endsWith('_FAILED') || stackStatus === 'ROLLBACK_COMPLETE') return 'failed';
  return null;
}
