import type { EnvironmentConfig } from '../app/config.js';
import { type Refusal, refuse } from './refusal.js';

/** Who must approve deployments to one environment, read once from its config. */
export interface ApprovalPolicy {
  approvers: readonly string[];
  requiredApprovals: number;
  allowSelfApproval: boolean;
}

export interface Decision {
  user: string;
  decision: 'approve' | 'reject';
  sha: string;
  at: number;
}

export type Check = { ok: true } | Refusal<RefusalReason>;
export type RefusalReason = 'not_approver' | 'self_approval' | 'sha_mismatch' | 'not_deployer';

export function approvalPolicy(env: Pick<EnvironmentConfig, 'approvers' | 'requiredApprovals' | 'allowSelfApproval'>) {
  const approvers = env.approvers ?? [];
  // Listing approvers is a request for approval: `requiredApprovals: 0` with approvers still needs one.
  const required = approvers.length > 0 ? Math.max(1, env.requiredApprovals) : 0;
  return { approvers, requiredApprovals: required, allowSelfApproval: env.allowSelfApproval } satisfies ApprovalPolicy;
}

export function needsApproval(policy: ApprovalPolicy): boolean {
  return policy.requiredApprovals > 0;
}

export function mention(users: readonly string[]): string {
  return users.length === 0 ? 'nobody' : users.map((u) => `<@${u}>`).join(', ');
}

/** Approvers who may approve this requester's deployment (the requester only when self-approval is allowed). */
export function eligibleApprovers(policy: ApprovalPolicy, requestedBy: string): string[] {
  return policy.approvers.filter((u) => u !== requestedBy || policy.allowSelfApproval);
}

/** Whether `user` may approve: a listed approver, not the requester unless allowed, for the SHA that is shown. */
export function checkApprove(
  policy: ApprovalPolicy,
  c: { user: string; requestedBy: string; deploymentSha: string; clickedSha?: string },
): Check {
  const who = `approvers: ${mention(eligibleApprovers(policy, c.requestedBy))}`;
  if (!policy.approvers.includes(c.user)) {
    return refuse('not_approver', `You are not an approver for this environment; ${who}.`);
  }
  if (c.user === c.requestedBy && !policy.allowSelfApproval) {
    return refuse('self_approval', `You can't approve your own deploy; ${who}.`);
  }
  if (c.clickedSha !== undefined && c.clickedSha !== c.deploymentSha) {
    return refuse(
      'sha_mismatch',
      `This approval request was for ${c.clickedSha.slice(0, 7)}, but the deployment is now ${c.deploymentSha.slice(0, 7)}; nothing was approved.`,
    );
  }
  return { ok: true };
}

/** Any listed approver may reject, and so may the requester (withdrawing their own request). */
export function checkReject(policy: ApprovalPolicy, c: { user: string; requestedBy: string }): Check {
  if (policy.approvers.includes(c.user) || c.user === c.requestedBy) return { ok: true };
  return refuse(
    'not_approver',
    `Only an approver or the requester can reject; approvers: ${mention(policy.approvers)}.`,
  );
}

/**
 * The outcome so far. Only approvals for the deployment's SHA from eligible approvers count; a single
 * rejection settles it.
 */
export function tally(
  policy: ApprovalPolicy,
  c: { requestedBy: string; sha: string; decisions: readonly Decision[] },
): { outcome: 'approved' | 'rejected' | 'pending'; approvedBy: string[]; rejectedBy: string | undefined } {
  const eligible = new Set(eligibleApprovers(policy, c.requestedBy));
  const current = c.decisions.filter((d) => d.sha === c.sha);
  const rejectedBy = current.find((d) => d.decision === 'reject')?.user;
  const approvedBy = current.filter((d) => d.decision === 'approve' && eligible.has(d.user)).map((d) => d.user);
  const outcome = rejectedBy ? 'rejected' : approvedBy.length >= policy.requiredApprovals ? 'approved' : 'pending';
  return { outcome, approvedBy, rejectedBy };
}

/** Deploy-level permission (environment `deployers`, omitted = anyone): needed for /rollback and action buttons. */
export function checkDeployer(env: Pick<EnvironmentConfig, 'deployers'>, user: string, what: string): Check {
  if (!env.deployers || env.deployers.includes(user)) return { ok: true };
  return refuse('not_deployer', `You are not allowed to ${what} here; deployers: ${mention(env.deployers)}.`);
}
