import { isCascadeReason, isFailedResourceStatus } from './cfn-status.js';

/** The fields of a stack event root-cause analysis needs (stored rows and SDK events both map to it). */
export interface CauseEvent {
  eventId: string;
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string | null;
  timestamp: number;
  /** A nested stack resource's physical id is its child's ARN; a stack's own events carry the stack's ARN. */
  physicalId?: string | null;
}

/**
 * How the cause was found, best first: a resource's own failure; a nested stack's "Embedded stack … was not
 * successfully …" message (the child's own events said nothing better or could not be read); a reason only the
 * stack's own rollback event gives (e.g. "No export named X found").
 */
export type CauseKind = 'resource' | 'nested' | 'stack';

export interface RootCause {
  cause: CauseEvent | undefined;
  /** Failed events that are consequences of the cause (cancelled siblings, stack summaries). */
  cascades: CauseEvent[];
  kind?: CauseKind;
  /** What to show as the reason: the event's own, or for a nested stack the part of its message after the colon. */
  reason?: string | null;
  /** Other real failures in the same second as the cause (named: the first in CloudFormation's order). */
  more?: number;
  /** The cause is a nested stack whose own events could not be read. */
  unread?: boolean;
}

const NESTED = /^Embedded stack (\S+) was not successfully (?:created|updated|deleted)(?:\.\s*Currently in \S+)?/i;
const NOT_A_REASON = /^(User Initiated|Rollback requested by user\.?|Stack (update|creation) cancell?ed\.?)$/i;
const RANK: Record<CauseKind, number> = { resource: 0, nested: 1, stack: 2 };

/** A stack's own event (the stack itself or, by its ARN, a nested child's), not a resource's. */
export function isStackLevelEvent(e: CauseEvent, stackName?: string): boolean {
  if (e.resourceType !== 'AWS::CloudFormation::Stack') return false;
  return e.logicalId === stackName || (e.physicalId?.includes(`:stack/${e.logicalId}/`) ?? false);
}

/** A nested stack's message without its "Embedded stack arn:… was not successfully …" preamble. */
export function nestedMessage(reason: string): { childId: string; message: string | null } | undefined {
  const m = NESTED.exec(reason.trim());
  if (!m) return undefined;
  const rest = reason
    .trim()
    .slice(m[0].length)
    .replace(/^\s*(?:with reason)?\s*[:.]?\s*/i, '')
    .trim();
  return { childId: m[1]!, message: rest || null };
}

/** "No export named X found. Rollback requested by user." shows as "No export named X found.". */
function stackReason(reason: string | null): string | null {
  if (!reason) return null;
  const r = reason.replace(/\s*Rollback requested by user\.?\s*$/i, '').trim();
  if (!r || NOT_A_REASON.test(r) || isCascadeReason(r)) return null;
  return r;
}

interface Candidate {
  e: CauseEvent;
  kind: CauseKind;
  reason: string | null;
  order: number;
}

function classify(e: CauseEvent, order: number, stackName?: string): Candidate | undefined {
  if (isStackLevelEvent(e, stackName)) {
    if (!isFailedResourceStatus(e.status) && !/ROLLBACK_IN_PROGRESS$/.test(e.status)) return undefined;
    const reason = stackReason(e.reason);
    return reason ? { e, kind: 'stack', reason, order } : undefined;
  }
  if (!isFailedResourceStatus(e.status)) return undefined;
  const nested = e.resourceType === 'AWS::CloudFormation::Stack' && e.reason ? nestedMessage(e.reason) : undefined;
  if (nested) return { e, kind: 'nested', reason: nested.message ?? e.reason, order };
  if (isCascadeReason(e.reason)) return undefined;
  return { e, kind: 'resource', reason: e.reason, order };
}

/**
 * The first real failure of one operation, ranked: a resource's own failure, then a nested stack's message, then
 * the stack's own rollback reason; within a rank the earliest in CloudFormation's event order (timestamp, then the
 * order the events are given in — callers pass them oldest first, as CloudFormation wrote them). Same-second real
 * failures after the named one are counted in `more`. Later failures that are cascades are only counted.
 * `stackName` lets the stack's own events be told from its resources'.
 */
export function findRootCause(events: readonly CauseEvent[], stackName?: string): RootCause {
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i);
  const candidates = ordered
    .map(({ e, i }) => classify(e, i, stackName))
    .filter((c): c is Candidate => c !== undefined);
  const best = candidates.reduce<Candidate | undefined>(
    (b, c) => (!b || RANK[c.kind] < RANK[b.kind] ? c : b),
    undefined,
  );
  const failed = ordered.map(({ e }) => e).filter((e) => isFailedResourceStatus(e.status));
  const cascades = failed.filter((e) => e !== best?.e && isCascadeReason(e.reason));
  if (!best) return { cause: undefined, cascades };
  const second = Math.floor(best.e.timestamp / 1000);
  const more =
    best.kind === 'resource'
      ? candidates.filter((c) => c !== best && c.kind === 'resource' && Math.floor(c.e.timestamp / 1000) === second)
          .length
      : 0;
  const unread = best.kind === 'nested' && !childWasRead(best.e, events);
  return { cause: best.e, cascades, kind: best.kind, reason: best.reason, more, unread };
}

/** A nested stack was followed when any of its own stack-level events (its ARN as physical id) was stored. */
function childWasRead(nested: CauseEvent, events: readonly CauseEvent[]): boolean {
  const childId = nested.physicalId ?? (nested.reason ? nestedMessage(nested.reason)?.childId : undefined);
  if (!childId) return false;
  return events.some((e) => e !== nested && e.physicalId === childId && isStackLevelEvent(e));
}

/** The cause's reason with what the picker adds: "reason (its own events could not be read; and 1 more failure)". */
export function causeReason(rc: RootCause): string | null {
  if (!rc.cause) return null;
  const notes = [
    rc.unread ? 'its own events could not be read' : null,
    rc.more ? `and ${rc.more} more failure${rc.more === 1 ? '' : 's'}` : null,
  ].filter(Boolean);
  return `${rc.reason ?? rc.cause.reason ?? rc.cause.status}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

/** One line for a cause, for replies that are not the root-cause reply: "Db: reason (and 1 more failure)". */
export function causeLine(rc: RootCause): string | null {
  return rc.cause ? `${rc.cause.logicalId}: ${causeReason(rc)}` : null;
}
