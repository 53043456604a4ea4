import { isNotFoundAwsError } from '../adapters/aws-errors.js';
import type { TailResult } from '../adapters/cloudformation.js';
import type { StoredEvent } from '../store/events-repo.js';
import type { RunContext } from './run-context.js';
import { TAIL_SLACK_MS } from './stack-events.js';

/**
 * A stack's own events (logical id = stack name, type AWS::CloudFormation::Stack) carry its stack id (ARN) as the
 * physical id: the reference that still works after the stack is deleted (DescribeStackEvents API reference:
 * StackName "the name or the unique stack ID"; a deleted stack must be named by its ID).
 */
export function stackIdFromEvents(events: readonly StoredEvent[], stackName: string): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (
      e.logicalId === stackName &&
      e.resourceType === 'AWS::CloudFormation::Stack' &&
      e.physicalId?.startsWith('arn:')
    ) {
      return e.physicalId;
    }
  }
  return undefined;
}

/** Tails the stack's events; a stack that "does not exist" (deleted, known only by name) has none left to read. */
export async function tailOrGone(
  ctx: RunContext,
  region: string | undefined,
  ref: string,
  lastEventId: string | null,
  since: number,
): Promise<TailResult> {
  try {
    return await ctx.cfn.tailEvents(region, ref, lastEventId, since - TAIL_SLACK_MS);
  } catch (err) {
    if (isNotFoundAwsError(err)) return { events: [], newestId: lastEventId, pages: 0 };
    throw err;
  }
}
