import { describe, expect, it } from 'vitest';
import { recoveryFor } from '../../src/adapters/cloudformation-recovery.js';
import { approvalPolicy, checkApprove, checkReject, tally } from '../../src/domain/approval-rules.js';
import { chooseRollbackTarget, type HistoryItem, parseRollbackArg } from '../../src/domain/rollback-target.js';
import { isStateful, statefulRisks } from '../../src/domain/stateful-resources.js';

const s = (c: string) => c.repeat(40);
const h = (
  id: number,
  c: string,
  state: HistoryItem['state'],
  failurePhase: string | null = null,
  targetKey = 'api/production',
): HistoryItem => ({
  id,
  sha: s(c),
  state,
  targetKey,
  failurePhase,
});

describe('approval rules', () => {
  const policy = approvalPolicy({ approvers: ['U03', 'U04'], requiredApprovals: 2, allowSelfApproval: false });

  it('listing approvers with requiredApprovals 0 still needs one', () => {
    expect(
      approvalPolicy({ approvers: ['U03'], requiredApprovals: 0, allowSelfApproval: false }).requiredApprovals,
    ).toBe(1);
    expect(approvalPolicy({ requiredApprovals: 0, allowSelfApproval: false }).requiredApprovals).toBe(0);
  });

  it('self-approval only when allowed', () => {
    expect(checkApprove(policy, { user: 'U03', requestedBy: 'U03', deploymentSha: 'a' })).toMatchObject({
      ok: false,
      reason: 'self_approval',
    });
    const self = approvalPolicy({ approvers: ['U03'], requiredApprovals: 1, allowSelfApproval: true });
    expect(checkApprove(self, { user: 'U03', requestedBy: 'U03', deploymentSha: 'a' })).toEqual({ ok: true });
  });

  it('the requester may withdraw (reject) but a stranger may not', () => {
    expect(checkReject(policy, { user: 'U01', requestedBy: 'U01' })).toEqual({ ok: true });
    expect(checkReject(policy, { user: 'U09', requestedBy: 'U01' })).toMatchObject({ ok: false });
  });

  it('counts only approvals of the current SHA from eligible approvers; one rejection settles it', () => {
    const decisions = [
      { user: 'U03', decision: 'approve' as const, sha: 'old', at: 1 },
      { user: 'U04', decision: 'approve' as const, sha: 'new', at: 2 },
    ];
    expect(tally(policy, { requestedBy: 'U01', sha: 'new', decisions })).toMatchObject({
      outcome: 'pending',
      approvedBy: ['U04'],
    });
    const withReject = [...decisions, { user: 'U03', decision: 'reject' as const, sha: 'new', at: 3 }];
    expect(tally(policy, { requestedBy: 'U01', sha: 'new', decisions: withReject })).toMatchObject({
      outcome: 'rejected',
      rejectedBy: 'U03',
    });
  });
});

describe('rollback target selection', () => {
  const history = [
    h(5, 'e', 'failed', 'stack_update'),
    h(4, 'd', 'succeeded'),
    h(3, 'c', 'failed', 'build'),
    h(2, 'd', 'succeeded'),
    h(1, 'a', 'succeeded'),
  ];

  it('without an argument: from the current deployment to the last earlier success with another commit', () => {
    const r = chooseRollbackTarget({ targetKey: 'api/production', history });
    expect(r).toMatchObject({ ok: true, from: { id: 5 }, to: { id: 4 } });
    const afterSuccess = chooseRollbackTarget({ targetKey: 'api/production', history: history.slice(1) });
    // #4 runs now; #2 deployed the same commit, so the rollback goes to #1.
    expect(afterSuccess).toMatchObject({ ok: true, from: { id: 4 }, to: { id: 1 } });
  });

  it('validates a deployment id or SHA against the target and its outcome', () => {
    const base = { targetKey: 'api/production', history };
    expect(chooseRollbackTarget({ ...base, arg: { kind: 'id', id: 3 } })).toMatchObject({
      ok: false,
      reason: 'not_succeeded',
    });
    expect(
      chooseRollbackTarget({
        ...base,
        arg: { kind: 'id', id: 9 },
        lookup: () => h(9, 'f', 'succeeded', null, 'web/staging'),
      }),
    ).toMatchObject({
      ok: false,
      reason: 'wrong_target',
    });
    expect(chooseRollbackTarget({ ...base, arg: { kind: 'sha', prefix: 'aaaaaaa' } })).toMatchObject({
      ok: true,
      to: { id: 1 },
    });
    expect(chooseRollbackTarget({ ...base, arg: { kind: 'sha', prefix: 'ccccccc' } })).toMatchObject({
      ok: false,
      reason: 'not_succeeded',
    });
    expect(chooseRollbackTarget({ targetKey: 'api/production', history: [] })).toMatchObject({
      ok: false,
      reason: 'nothing_to_return_to',
    });
  });

  it('parses arguments strictly', () => {
    expect(parseRollbackArg('#17')).toEqual({ kind: 'id', id: 17 });
    expect(parseRollbackArg('17')).toEqual({ kind: 'id', id: 17 });
    expect(parseRollbackArg('ABCDEF1')).toEqual({ kind: 'sha', prefix: 'abcdef1' });
    expect(parseRollbackArg('main')).toEqual({ kind: 'invalid' });
    expect(parseRollbackArg(undefined)).toEqual({ kind: 'none' });
  });
});

describe('stateful resources and recovery choice', () => {
  it('flags replaced or removed stateful resources only', () => {
    expect(isStateful('AWS::RDS::DBInstance')).toBe(true);
    expect(isStateful('AWS::ECS::TaskDefinition')).toBe(false);
    const risks = statefulRisks({
      add: 0,
      modify: 3,
      remove: 1,
      replacements: [
        { logicalId: 'Db', type: 'AWS::RDS::DBInstance', conditional: false },
        { logicalId: 'Search', type: 'AWS::OpenSearchService::Domain', conditional: true },
        { logicalId: 'Task', type: 'AWS::ECS::TaskDefinition', conditional: false },
      ],
      removals: [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket' }],
    });
    expect(risks.map((r) => `${r.logicalId}:${r.why}`)).toEqual([
      'Db:replaced',
      'Search:maybe replaced',
      'Bucket:removed',
    ]);
  });

  it('picks the recovery operation from the stack status', () => {
    expect(recoveryFor('UPDATE_IN_PROGRESS')).toBe('cancel_update');
    expect(recoveryFor('UPDATE_ROLLBACK_FAILED')).toBe('continue_rollback');
    expect(recoveryFor('UPDATE_FAILED')).toBe('rollback_stack');
    expect(recoveryFor('CREATE_FAILED')).toBe('rollback_stack');
    expect(recoveryFor('UPDATE_ROLLBACK_COMPLETE')).toBeUndefined();
  });
});
