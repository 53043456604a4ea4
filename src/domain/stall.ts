import type { ResourceAction } from './estimates.js';

/**
 * The stall rule. Pure. A deployment is stalled when BOTH hold:
 * - no new event arrived for the stall period (timing.stallMinutes), and
 * - at least one resource still in progress has run past its p90 duration from history.
 * "At least one" rather than "all": a task definition stuck for 12 minutes is worth a look even while an RDS instance
 * next to it is legitimately still creating; the quiet period keeps a merely slow stack from being called stalled.
 */

/** A stored CloudFormation event, as much as the rule needs. */
export interface ResourceEvent {
  stackName: string;
  logicalId: string;
  resourceType: string;
  status: string;
  timestamp: number;
  physicalId?: string | null;
}

export interface InProgressResource {
  logicalId: string;
  resourceType: string;
  action?: ResourceAction | undefined;
  /** When its current *_IN_PROGRESS began. */
  since: number;
}

export interface WatchedResource extends InProgressResource {
  /** How long this kind of resource usually takes at most (p90 from history, or a prior). */
  p90Ms: number;
}

export interface ResourceStates {
  inProgress: InProgressResource[];
  /** Resources whose latest status is *_COMPLETE. */
  done: number;
  /** Distinct resources seen in the events. */
  seen: number;
  /** Timestamp of the newest event (stack-level events included), if any. */
  lastEventAt: number | undefined;
}

const ACTIONS: Record<string, ResourceAction> = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' };

/** Folds a deployment's events (any order) into what is in progress and what is done, per resource. */
export function resourceStates(events: readonly ResourceEvent[]): ResourceStates {
  const ordered = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const latest = new Map<string, { e: ResourceEvent; since: number }>();
  let lastEventAt: number | undefined;
  for (const e of ordered) {
    lastEventAt = Math.max(lastEventAt ?? e.timestamp, e.timestamp);
    if (e.logicalId === e.stackName) continue; // the stack itself is not a resource
    // Nor is a nested stack's own event (stored for the root cause; its ARN names it).
    if (e.resourceType === 'AWS::CloudFormation::Stack' && e.physicalId?.includes(`:stack/${e.logicalId}/`)) continue;
    const key = `${e.stackName}\u0000${e.logicalId}`;
    const prev = latest.get(key);
    const continues = prev && prev.e.status === e.status;
    latest.set(key, { e, since: continues ? prev.since : e.timestamp });
  }
  const inProgress: InProgressResource[] = [];
  let done = 0;
  for (const { e, since } of latest.values()) {
    if (e.status.endsWith('_IN_PROGRESS')) {
      inProgress.push({
        logicalId: e.logicalId,
        resourceType: e.resourceType,
        action: ACTIONS[e.status.split('_')[0]!],
        since,
      });
    } else if (e.status.endsWith('_COMPLETE')) {
      done++;
    }
  }
  return { inProgress, done, seen: latest.size, lastEventAt };
}

export interface StallInput {
  now: number;
  /** Newest event's time; the phase start when there is none yet. */
  lastEventAt: number;
  stallMs: number;
  inProgress: readonly WatchedResource[];
}

export interface StalledResource extends WatchedResource {
  elapsedMs: number;
  overdue: boolean;
}

export interface StallResult {
  stalled: boolean;
  /** Time since the last event. */
  quietMs: number;
  /** Everything still in progress: overdue first, then longest running. */
  resources: StalledResource[];
}

export function detectStall(input: StallInput): StallResult {
  const quietMs = Math.max(0, input.now - input.lastEventAt);
  const resources = input.inProgress
    .map((r) => {
      const elapsedMs = Math.max(0, input.now - r.since);
      return { ...r, elapsedMs, overdue: elapsedMs > r.p90Ms };
    })
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.elapsedMs - a.elapsedMs);
  const stalled = quietMs >= input.stallMs && resources.some((r) => r.overdue);
  return { stalled, quietMs, resources };
}

/** A stall reply may be posted again only a full stall period after the previous one. */
export function mayPostStall(input: {
  now: number;
  lastPostedAt: number | null | undefined;
  stallMs: number;
}): boolean {
  return input.lastPostedAt == null || input.now - input.lastPostedAt >= input.stallMs;
}
