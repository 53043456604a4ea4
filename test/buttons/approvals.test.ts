import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { approvalKey } from '../../src/approvals/approval-service.js';
import { ApprovalExpiryJob } from '../../src/approvals/expiry-job.js';
import { ApprovalsRepo } from '../../src/store/approvals-repo.js';
import { openDb } from '../../src/store/db.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { lastPayload } from '../helpers/outbox-rows.js';
import { captureResponses, click, deployment, services, sha, target, testApp } from './harness.js';

const twoApprovers = () =>
  exampleConfig((r) => {
    r.services.api.environments.production.approvers = ['U03', 'U04'];
    return r;
  });

function setup(config = twoApprovers()) {
  const db = testDb();
  const clock = new FakeClock();
  const deps = services(db, config, clock);
  const t = target(config);
  const d = deployment(db, clock, t, { sha: sha('a'), state: 'pending_approval', user: 'U03' });
  deps.approvals.request(d, { currentSha: sha('9'), commits: null });
  return { db, clock, deps, t, d, app: testApp(deps) };
}

describe('approval buttons', () => {
  it('posts the request in the thread with both buttons bound to the deployment id and SHA', () => {
    const { db, d } = setup();
    const posted = lastPayload(db, approvalKey(d.id))!;
    expect(posted.op).toBe('post');
    const actions = posted.payload.blocks?.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      block_id: `approval:${d.id}:${sha('a')}`,
      elements: [
        { action_id: 'deploy_approve', value: String(d.id) },
        { action_id: 'deploy_reject', value: String(d.id) },
      ],
    });
    expect(posted.payload.text).toContain(`Approval needed: deploy #${d.id} api → production · aaaaaaa`);
    expect(JSON.stringify(posted.payload.blocks)).toContain('Needs 1 approval from <@U04>');
  });

  it('refuses self-approval and says who can approve', async () => {
    const { app, d, deps } = setup();
    const replies = captureResponses();
    expect(await click(app, 'deploy_approve', 'U03', String(d.id), `approval:${d.id}:${sha('a')}`)).toBe(true);
    expect(replies.texts).toEqual(["You can't approve your own deploy; approvers: <@U04>."]);
    expect(replies.bodies[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(deps.deployments.get(d.id)?.state).toBe('pending_approval');
  });

  it('refuses a non-approver and lists the approvers', async () => {
    const { app, d, deps } = setup();
    const replies = captureResponses();
    await click(app, 'deploy_approve', 'U01', String(d.id));
    expect(replies.texts[0]).toBe('You are not an approver for this environment; approvers: <@U04>.');
    expect(deps.deployments.get(d.id)?.state).toBe('pending_approval');
  });

  it('refuses a click bound to another SHA than the deployment', async () => {
    const { app, d, deps } = setup();
    const replies = captureResponses();
    await click(app, 'deploy_approve', 'U04', String(d.id), `approval:${d.id}:${sha('b')}`);
    expect(replies.texts[0]).toContain('This approval request was for bbbbbbb');
    expect(deps.deployments.get(d.id)?.state).toBe('pending_approval');
  });

  it('replaces the buttons by the outcome after approval and queues the deployment', async () => {
    const { app, d, deps, db, clock } = setup();
    clock.set(Date.UTC(2026, 10, 22, 14, 2, 0));
    await click(app, 'deploy_approve', 'U04', String(d.id), `approval:${d.id}:${sha('a')}`);
    expect(deps.deployments.get(d.id)?.state).toBe('queued');
    const updated = lastPayload(db, approvalKey(d.id))!;
    expect(updated.payload.blocks?.some((b) => b.type === 'actions')).toBe(false);
    expect(updated.payload.text).toContain('Approved by <@U04> at 14:02 UTC');
    expect(JSON.stringify(updated.payload.blocks)).toContain('Approved by <@U04> at <!date^');
    const decisions = new ApprovalsRepo(db).decisions(d.id);
    expect(decisions).toEqual([{ user: 'U04', decision: 'approve', sha: sha('a'), at: clock.now() }]);
    expect(new ApprovalsRepo(db).get(d.id)).toMatchObject({ outcome: 'approved', decidedBy: 'U04' });
  });

  it('rejects: state rejected, outcome shown, decision recorded', async () => {
    const { app, d, deps, db } = setup();
    await click(app, 'deploy_reject', 'U04', String(d.id));
    expect(deps.deployments.get(d.id)?.state).toBe('rejected');
    const updated = lastPayload(db, approvalKey(d.id))!;
    expect(updated.payload.blocks?.some((b) => b.type === 'actions')).toBe(false);
    expect(updated.payload.text).toContain('Rejected by <@U04>');
  });

  it('needs requiredApprovals distinct approvers before the deployment runs', async () => {
    const config = exampleConfig((r) => {
      const prod = r.services.api.environments.production as Record<string, unknown>;
      prod.approvers = ['U03', 'U04', 'U05'];
      prod.requiredApprovals = 2;
      return r;
    });
    const { app, d, deps, db } = setup(config);
    const replies = captureResponses();
    await click(app, 'deploy_approve', 'U04', String(d.id));
    expect(replies.texts[0]).toBe(`Approval recorded: 1 of 2 for deploy #${d.id}.`);
    expect(deps.deployments.get(d.id)?.state).toBe('pending_approval');
    expect(JSON.stringify(lastPayload(db, approvalKey(d.id))?.payload.blocks)).toContain('approved by <@U04> (1 of 2)');
    await click(app, 'deploy_approve', 'U05', String(d.id));
    expect(deps.deployments.get(d.id)?.state).toBe('queued');
    expect(lastPayload(db, approvalKey(d.id))?.payload.text).toContain('Approved by <@U04>, <@U05>');
  });
});

describe('concurrent approvals', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('two approvers at once on two connections: one transition, the loser hears who approved', async () => {
    dir = mkdtempSync(join(tmpdir(), 'coxswain-approvals-'));
    const file = join(dir, 'db.sqlite');
    const config = twoApprovers();
    const clock = new FakeClock();
    const db1 = openDb(file);
    const db2 = openDb(file);
    const t = target(config);
    const d = deployment(db1, clock, t, { sha: sha('a'), state: 'pending_approval', user: 'U01' });
    const s1 = services(db1, config, clock);
    const s2 = services(db2, config, clock);
    s1.approvals.request(d);
    const app1 = testApp(s1);
    const app2 = testApp(s2);
    const replies = captureResponses();
    await Promise.all([
      click(app1, 'deploy_approve', 'U03', String(d.id)),
      click(app2, 'deploy_approve', 'U04', String(d.id)),
      click(app2, 'deploy_approve', 'U04', String(d.id)), // double click
    ]);
    expect(s1.deployments.get(d.id)?.state).toBe('queued');
    const req = new ApprovalsRepo(db1).get(d.id)!;
    expect(req.outcome).toBe('approved');
    expect(new ApprovalsRepo(db1).decisions(d.id)).toHaveLength(1);
    const shown = lastPayload(db1, approvalKey(d.id))!.payload;
    expect(shown.blocks?.some((b) => b.type === 'actions')).toBe(false);
    expect(shown.text).toContain(`Approved by <@${req.decidedBy}>`);
    expect(replies.texts).toHaveLength(2);
    for (const text of replies.texts)
      expect(text).toMatch(new RegExp(`^Deploy #${d.id} was already approved by <@${req.decidedBy}> at`));
    db1.close();
    db2.close();
  });

  it('a Slack retry of the same approval has no second effect', async () => {
    const { app, d, deps, db } = setup();
    await click(app, 'deploy_approve', 'U04', String(d.id));
    const replies = captureResponses();
    await click(app, 'deploy_approve', 'U04', String(d.id));
    expect(replies.texts[0]).toContain('already approved by <@U04>');
    expect(deps.deployments.get(d.id)?.state).toBe('queued');
    expect(new ApprovalsRepo(db).decisions(d.id)).toHaveLength(1);
  });
});

describe('approval expiry', () => {
  it('expires after timing.approvalTimeoutMinutes: state expired, buttons removed, later clicks refused', async () => {
    const { d, deps, db, clock, app } = setup();
    const job = new ApprovalExpiryJob(deps.approvals, silentLogger);
    clock.advance(59 * 60_000);
    expect(job.tick()).toBe(0);
    expect(deps.deployments.get(d.id)?.state).toBe('pending_approval');
    clock.advance(60_000);
    expect(job.tick()).toBe(1);
    expect(job.tick()).toBe(0);
    expect(deps.deployments.get(d.id)?.state).toBe('expired');
    const updated = lastPayload(db, approvalKey(d.id))!;
    expect(updated.payload.blocks?.some((b) => b.type === 'actions')).toBe(false);
    expect(updated.payload.text).toContain('Expired at 10:00 UTC');
    const replies = captureResponses();
    await click(app, 'deploy_approve', 'U04', String(d.id));
    expect(replies.texts[0]).toContain('expired at 10:00 UTC');
  });
});
