/**
 * Stack-state preflight, pure: before a build and before a change set, a stack in a state no update can leave is
 * refused with what to do about it, instead of failing later (or waiting forever behind an "in progress" status).
 */
export type PreflightOffer = 'continue_rollback' | 'delete' | null;

export type Preflight = { ok: true } | { ok: false; status: string; reason: string; offer: PreflightOffer };

export function preflightStack(name: string, status: string | undefined): Preflight {
  if (status === undefined) return { ok: true };
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return {
      ok: false,
      status,
      offer: 'continue_rollback',
      reason: `stack ${name} is UPDATE_ROLLBACK_FAILED: an earlier rollback did not finish and CloudFormation accepts no update until it does — continue the rollback (ContinueUpdateRollback), then deploy again`,
    };
  }
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'REVIEW_IN_PROGRESS') {
    return {
      ok: false,
      status,
      offer: 'delete',
      reason: `stack ${name} is ${status} after an earlier failed create: CloudFormation cannot update it — an approver or the stack's owner must delete it before the next deploy`,
    };
  }
  if (status.startsWith('DELETE_')) {
    return {
      ok: false,
      status,
      offer: null,
      reason: `stack ${name} is ${status}: it is being (or was) deleted — nothing is deployed onto it`,
    };
  }
  return { ok: true };
}
