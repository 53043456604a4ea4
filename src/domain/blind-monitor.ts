import type { ErrorKind } from './error-kind.js';

/**
 * When a running deployment's failing AWS reads are told in its thread, and when they end it. Pure.
 * Transient errors may heal by themselves: the thread hears of them after `stallMs`. Credential and permission
 * errors will not: after 3 consecutive failures. Only permission errors (an IAM deny) ever fail the deployment,
 * after `failMs`; a credential error is never the deployment's cause — someone refreshes them and we go on.
 */
export const ACCESS_FAILURES_BEFORE_TELLING = 3;

export interface BlindInput {
  now: number;
  since: number;
  failures: number;
  kind: ErrorKind;
  permissionSince: number | null;
  stallMs: number;
  failMs: number;
}

export type BlindVerdict = 'quiet' | 'tell' | 'fail';

export function blindVerdict(i: BlindInput): BlindVerdict {
  if (i.kind === 'permission' && i.permissionSince !== null && i.now - i.permissionSince >= i.failMs) return 'fail';
  const access = i.kind === 'credentials' || i.kind === 'permission';
  if (access && i.failures >= ACCESS_FAILURES_BEFORE_TELLING) return 'tell';
  return i.now - i.since >= i.stallMs ? 'tell' : 'quiet';
}
