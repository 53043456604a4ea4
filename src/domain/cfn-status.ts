/** Pure classification of CloudFormation stack and resource statuses (SDK StackStatus / ResourceStatus enums). */

export type StackPhase = 'in_progress' | 'succeeded' | 'rolled_back' | 'failed' | 'stable' | 'missing';

const SUCCESS = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
const ROLLED_BACK = new Set(['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export function isInProgress(status: string | undefined): boolean {
  return status?.endsWith('_IN_PROGRESS') ?? false;
}

export function classifyStack(status: string | undefined): StackPhase {
  if (!status) return 'missing';
  if (isInProgress(status)) return 'in_progress';
  if (SUCCESS.has(status)) return 'succeeded';
  if (ROLLED_BACK.has(status)) return 'rolled_back';
  if (status.endsWith('_FAILED')) return 'failed';
  return 'stable';
}

/**
 * The end of OUR operation: UPDATE_COMPLETE (or CREATE_COMPLETE for a first deploy) succeeded; a rollback or any
 * *_FAILED failed; anything else: keep polling.
 */
export function updateOutcome(status: string | undefined): 'succeeded' | 'failed' | 'running' {
  if (status === 'UPDATE_COMPLETE' || status === 'CREATE_COMPLETE') return 'succeeded';
  const c = classifyStack(status);
  if (c === 'rolled_back' || c === 'failed') return 'failed';
  return 'running';
}

export function isFailedResourceStatus(status: string | undefined): boolean {
  return status?.endsWith('_FAILED') ?? false;
}

/**
 * Follow-on reasons CloudFormation gives once something else has failed (real wording seen in stack events):
 * sibling resources cancelled in flight, the stack-level summary, and a nested stack failing because of its child.
 */
const CASCADE_PATTERNS: readonly RegExp[] = [
  /^Resource (creation|update|deletion) cancelled/i,
  /^The following resource\(s\) failed to (create|update|delete)/i,
  /was not successfully (created|updated|deleted)/i,
  /^Stack operation cancelled/i,
];

export function isCascadeReason(reason: string | undefined | null): boolean {
  if (!reason) return false;
  return CASCADE_PATTERNS.some((p) => p.test(reason.trim()));
}

/** CloudFormation's answer to a change set that would change nothing: a successful no-op, not a failure. */
export function isNoChangesReason(reason: string | undefined | null): boolean {
  if (!reason) return false;
  return /didn't contain changes|No updates are to be performed/i.test(reason);
}

/** The fields rollback progress needs from stored events (oldest first). */
export interface ProgressEvent {
  logicalId: string;
  resourceType: string;
  status: string;
  timestamp: number;
  physicalId?: string | null;
}

/**
 * How far a rollback (or recovery) has got: resources whose newest event since the rollback began is *_COMPLETE
 * (reverted) or *_IN_PROGRESS (still moving). `since` is when the rollback began; the stack's own events are skipped.
 */
export function rollbackProgress(
  events: readonly ProgressEvent[],
  stackName: string,
  since: number,
): { reverted: number; inProgress: string[] } {
  const latest = new Map<string, string>();
  for (const e of events) {
    if (e.timestamp < since || e.logicalId === stackName || isNestedStackOwnEvent(e)) continue;
    latest.set(e.logicalId, e.status);
  }
  const all = [...latest.entries()];
  return {
    reverted: all.filter(([, s]) => s.endsWith('_COMPLETE')).length,
    inProgress: all.filter(([, s]) => s.endsWith('_IN_PROGRESS')).map(([l]) => l),
  };
}

/** A nested stack's own event (stored to find a root cause): its ARN names it; it is not a resource of ours. */
function isNestedStackOwnEvent(e: ProgressEvent): boolean {
  return e.resourceType === 'AWS::CloudFormation::Stack' && (e.physicalId?.includes(`:stack/${e.logicalId}/`) ?? false);
}

/** When the stack's rollback began: its first *ROLLBACK_IN_PROGRESS event (undefined before it has). */
export function rollbackStart(events: readonly ProgressEvent[], stackName: string): number | undefined {
  return events.find((e) => e.logicalId === stackName && /ROLLBACK_IN_PROGRESS$/.test(e.status))?.timestamp;
}
