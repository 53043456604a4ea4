import { describe, expect, it } from 'vitest';
import { approvalPolicy } from '../../src/domain/approval-rules.js';
import type { Deployment } from '../../src/domain/deployment.js';
import { type ApprovalView, approvalDecided, approvalRequest } from '../../src/views/approval.js';
import { failureActions } from '../../src/views/failure-actions.js';
import { LIMITS } from '../../src/views/slack-message.js';

const d = {
  id: 17,
  kind: 'deploy',
  service: 'api',
  environment: 'production',
  sha: 'b'.repeat(40),
  ref: 'main',
  requestedBy: 'U01',
  state: 'pending_approval',
} as Deployment;

function view(over: Partial<ApprovalView> = {}): ApprovalView {
  const commits = Array.from({ length: 12 }, (_, i) => ({
    sha: `${i}`.padStart(40, 'c'),
    message: i === 0 ? 'Fix <script> & "things"' : `commit ${i}`,
    author: 'dev',
    date: null,
  }));
  return {
    deployment: d,
    repo: { owner: 'acme', name: 'api' },
    githubWeb: 'https://github.com',
    policy: approvalPolicy({ approvers: ['U03'], requiredApprovals: 1, allowSelfApproval: false }),
    currentSha: 'a'.repeat(40),
    commits: { aheadBy: 37, behindBy: 0, totalCommits: 37, commits },
    changes: {
      add: 1,
      modify: 2,
      remove: 0,
      replacements: [{ logicalId: 'OrdersDb', type: 'AWS::RDS::DBInstance', conditional: false }],
    },
    approvedBy: [],
    expiresAt: Date.UTC(2026, 10, 22, 10, 0),
    ...over,
  };
}

describe('approval view', () => {
  it('lists the 10 commits it is given (newest first) since the deployed SHA, then "and N older", escaped', () => {
    const msg = approvalRequest(view());
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('*37 commits since aaaaaaa*');
    expect(all).toContain('Fix &lt;script&gt; &amp; \\"things\\"');
    expect(all).toContain('commit 9');
    expect(all).not.toContain('commit 10');
    expect(all).toContain('…and 27 older');
    expect(all).toContain('newest first');
  });

  it('flags a stateful replacement loudly, in the blocks and the fallback text', () => {
    const msg = approvalRequest(view());
    expect(JSON.stringify(msg.blocks)).toContain(
      ':rotating_light: *Stateful resources at risk: their data may be lost.*',
    );
    expect(JSON.stringify(msg.blocks)).toContain('*OrdersDb* (AWS::RDS::DBInstance) — *replaced*');
    expect(JSON.stringify(msg.blocks)).toContain('Change set: 1 to add · 2 to modify · 0 to remove');
    expect(msg.text).toContain('WARNING: stateful resources at risk');
  });

  it('stays within Block Kit limits and drops the buttons once decided', () => {
    const msg = approvalRequest(view());
    expect(msg.blocks!.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const b of msg.blocks!) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    const decided = approvalDecided(view(), { outcome: 'rejected', by: 'U03', at: Date.UTC(2026, 10, 22, 14, 2) });
    expect(decided.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect(decided.text).toBe('Deploy #17 api → production · bbbbbbb: Rejected by <@U03> at 14:02 UTC');
  });

  it('says when the requester is the only approver', () => {
    const msg = approvalRequest(view({ deployment: { ...d, requestedBy: 'U03' } }));
    expect(JSON.stringify(msg.blocks)).toContain('this request cannot be approved');
  });

  it('failure reply buttons carry the deployment id', () => {
    expect(failureActions(17).elements).toMatchObject([
      { action_id: 'deploy_retry', value: '17' },
      { action_id: 'deploy_rollback', value: '17' },
    ]);
  });
});
