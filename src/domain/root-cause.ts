import { isCascadeReason, isFailedResourceStatus } from './cfn-status.js';

/** The fields of a stack event root-cause analysis needs (stored rows and SDK events both map to it). */
export interface CauseEvent {
  eventId: string;
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string | null;
  timestamp: number;
}

export interface RootCause {
  cause: CauseEvent | undefined;
  /** Failed events that are consequences of the cause (cancelled siblings, stack summaries). */
  cascades: CauseEvent[];
}

/**
 * The first real failure of one operation: the earliest *_FAILED event whose reason is not a cascade.
 * Later failures that are cascades are only counted, never named.
 */
export function findRootCause(events: readonly CauseEvent[]): RootCause {
  const failed = events
    .filter((e) => isFailedResourceStatus(e.status))
    .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
  const cause = failed.find((e) => !isCascadeReason(e.reason));
  return { cause, cascades: failed.filter((e) => e !== cause && isCascadeReason(e.reason)) };
}
