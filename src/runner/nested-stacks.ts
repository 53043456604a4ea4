import { isRetryableAwsError } from '../adapters/aws-errors.js';
import type { TailEvent } from '../adapters/cloudformation.js';
import { logError } from '../app/log-error.js';
import { type CauseEvent, isStackLevelEvent } from '../domain/root-cause.js';
import type { RunContext } from './run-context.js';

/** How deep one read follows nested stacks; deeper ones are followed on the next read, or named by their parent. */
export const NESTED_DEPTH = 3;

type NestedEvent = Pick<CauseEvent, 'logicalId' | 'resourceType' | 'status'> & { physicalId?: string | null };

/** Failed nested stack resources whose child (their physical id) can be read. */
function failedNested(events: readonly NestedEvent[], stackName: string): NestedEvent[] {
  return events.filter(
    (e) =>
      e.resourceType === 'AWS::CloudFormation::Stack' &&
      e.logicalId !== stackName &&
      e.status.endsWith('_FAILED') &&
      e.physicalId?.startsWith('arn:'),
  );
}

/** Nested stacks whose failure is stored but whose own events are not (a read that failed, or too deep last time). */
export function unreadNested(stored: readonly CauseEvent[], stackName: string): NestedEvent[] {
  return failedNested(stored, stackName).filter(
    (n) => !stored.some((e) => e.physicalId === n.physicalId && e.logicalId !== n.logicalId && isStackLevelEvent(e)),
  );
}

/**
 * A nested stack's parent only says "Embedded stack … was not successfully updated": the first real failure is
 * among the nested stack's own events. For each failed AWS::CloudFormation::Stack resource, read the nested stack
 * (its physical id) since our operation began and return its failures and its own stack-level events (the latter
 * carry a reason only the child's rollback gives, and mark the child as read), to be stored with the parent's
 * events so root-cause analysis sees them. Nested operations are driven by the parent, so time bounds them.
 * A child that cannot be read (access denied, gone) is skipped: its parent's message names it; a transient error
 * is rethrown so the whole read is retried.
 */
export async function nestedEvents(
  ctx: RunContext,
  region: string | undefined,
  stackName: string,
  events: readonly NestedEvent[],
  notBefore: number,
  depth = 1,
): Promise<TailEvent[]> {
  const out: TailEvent[] = [];
  const seen = new Set<string>();
  for (const n of failedNested(events, stackName)) {
    const arn = n.physicalId!;
    if (seen.has(arn)) continue;
    seen.add(arn);
    let tail: TailEvent[];
    try {
      tail = (await ctx.cfn.tailEvents(region, arn, null, notBefore)).events;
    } catch (err) {
      if (isRetryableAwsError(err)) throw err;
      logError(ctx.logger, err, { stack: arn }, 'nested stack events unreadable', 'warn');
      continue;
    }
    const childName = /:stack\/([^/]+)\//.exec(arn)?.[1] ?? arn;
    const failed = tail.filter((e) => e.status.endsWith('_FAILED'));
    // Oldest first, as CloudFormation wrote them (the tail is newest first).
    // Its own stack-level events only where they carry a reason (rollback start, failure): they mark it as read.
    const own = (e: TailEvent) => e.logicalId === childName && /ROLLBACK_IN_PROGRESS$/.test(e.status);
    out.push(...tail.filter((e) => e.status.endsWith('_FAILED') || own(e)).reverse());
    if (depth < NESTED_DEPTH) out.push(...(await nestedEvents(ctx, region, childName, failed, notBefore, depth + 1)));
  }
  return out;
}
