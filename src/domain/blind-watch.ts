import { classifyStack, isInProgress } from './cfn-status.js';

/**
 * After a deployment was failed for blindness (an IAM deny outlasting timing.blindFailMinutes), its stack is still
 * watched read-only so CloudFormation's real outcome reaches the thread. Pure: pacing, bound and outcome.
 */

/** How long after the failure the stack is still watched; then Coxswain stops and says so. */
export const BLIND_WATCH_HOURS = 24;
export const BLIND_WATCH_MS = BLIND_WATCH_HOURS * 60 * 60_000;

/** Pause between two reads while they keep failing: every 2 min the first hour, 5 min until 6 h, then 15 min. */
export function blindWatchDelay(sinceFailMs: number): number {
  if (sinceFailMs < 60 * 60_000) return 2 * 60_000;
  if (sinceFailMs < 6 * 60 * 60_000) return 5 * 60_000;
  return 15 * 60_000;
}

export type BlindOutcome =
  | { kind: 'running'; status: string }
  | { kind: 'succeeded' | 'rolled_back' | 'failed'; status: string }
  | { kind: 'gone' };

/**
 * Our operation's end. Our own stack-level events come first: once the deployment failed the target was freed, so
 * the stack may already run someone else's update whose status DescribeStacks would report. The stack's status
 * stands in only when none of our events says the operation ended (e.g. the events aged out of the tail).
 */
export function blindOutcome(ourStackStatus: string | undefined, stackStatus: string | undefined): BlindOutcome {
  for (const status of [ourStackStatus, stackStatus]) {
    if (!status || isInProgress(status)) continue;
    if (status === 'DELETE_COMPLETE') return { kind: 'gone' };
    const c = classifyStack(status);
    return { kind: c === 'succeeded' || c === 'rolled_back' ? c : 'failed', status };
  }
  if (!stackStatus) return { kind: 'gone' };
  return { kind: 'running', status: stackStatus };
}
