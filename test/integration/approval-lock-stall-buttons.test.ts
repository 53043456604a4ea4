import { afterEach, describe, expect, it } from 'vitest';
import { queryResponse, resourceChange } from '../helpers/cfn-nock.js';
import { githubCommit } from '../helpers/github-nock.js';
import { buttonsOf, replyText } from '../helpers/slack-kit.js';
import { Integration } from './harness.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

let t: Integration | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

describe('integration: approvals, locks and stall buttons through the real composition', () => {
  it('a production deploy waits for approval; self-approval is refused; an approver releases it and it runs', async () => {
    const h = new Integration();
    t = h;
    githubCommit('acme/api', 'main', SHA);

    const reply = await h.send('/deploy', 'api production', 'U01');
    expect(reply.text).toContain('Requested #1 api → production');
    expect(reply.text).toContain('needs approval');
    expect(h.get(1).state).toBe('pending_approval');

    await h.deliver();
    const parent = h.posted('d1:parent')!;
    expect(parent.channel).toBe('C0PROD');
    expect(h.shown(parent)).toContain('waiting for approval');
    const request = h.posted('d1:approval')!;
    expect(request.threadTs).toBe(parent.ts);
    const approve = buttonsOf(request).find((b) => b.action_id === 'deploy_approve')!;
    expect(approve.value).toBe('1');
    expect(buttonsOf(request).map((b) => b.action_id)).toContain('deploy_reject');

    // The worker never starts it while it waits.
    await h.work(() => true);
    expect(h.get(1).state).toBe('pending_approval');
    expect(h.cbEu.startBodies).toHaveLength(0);

    const self = await h.click('deploy_approve', 'U01', approve.value, approve.block_id);
    expect(self?.text).toContain('U03');
    expect(h.get(1).state).toBe('pending_approval');

    await h.click('deploy_approve', 'U03', approve.value, approve.block_id);
    expect(h.get(1).state).toBe('queued');
    await h.deliver();
    const decided = h.slack.callsTo('chat.update').filter((c) => c.body.ts === request.ts);
    const last = decided.at(-1)!;
    expect(JSON.stringify(last.body.blocks)).not.toContain('deploy_approve');
    expect(`${String(last.body.text)} ${JSON.stringify(last.body.blocks)}`).toMatch(/Approved by <@U03>/);

    // Released: the worker claims it and builds exactly the approved SHA.
    await h.work(() => h.cbEu.startBodies.length > 0);
    expect(h.get(1).state).toBe('building');
    expect(h.cbEu.startBodies[0]!.sourceVersion).toBe(SHA);
  });

  it('a locked target queues but runs nothing, shows the lock in /deploy-status, and runs once unlocked', async () => {
    const h = new Integration();
    t = h;
    githubCommit('acme/web', 'main', SHA);

    const locked = await h.send('/deploy', 'lock web staging DB migration running', 'U07');
    expect(replyText(locked)).toContain('DB migration running');
    const queued = await h.send('/deploy', 'web staging', 'U05');
    expect(replyText(queued)).toContain('Queued #1 web → staging');
    expect(replyText(queued)).toContain('<@U07>');
    expect(replyText(queued)).toContain('/deploy unlock web staging');

    await h.work(() => false, { max: 4 }).catch(() => {});
    expect(h.get(1).state).toBe('queued');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);

    const status = await h.send('/deploy-status', 'web staging');
    expect(replyText(status)).toContain(':lock: locked by <@U07>');
    expect(replyText(status)).toContain('DB migration running');

    await h.deliver();
    expect(h.shown(h.posted('d1:parent'))).toContain('locked by');

    await h.send('/deploy', 'unlock web staging', 'U07');
    await h.work(() => h.get(1).state === 'deploying');
    expect(h.cfn.count('CreateChangeSet')).toBe(1);
  });

  it('a stalled update gets one stall reply with buttons; keep waiting extends the threshold once; roll back cancels', async () => {
    const h = new Integration();
    t = h;
    githubCommit('acme/web', 'main', SHA);
    await h.send('/deploy', 'web staging');
    await h.work(() => h.cfn.changeSets.has('coxswain-1-1'));
    h.cfn.readyChangeSet('coxswain-1-1', [resourceChange('TaskDef', 'AWS::ECS::TaskDefinition')]);
    h.cfn.startsOnExecute('TaskDef', 'AWS::ECS::TaskDefinition', () => h.clock.now());
    await h.work(() => h.cfn.count('ExecuteChangeSet') === 1);

    const stallKeys = () =>
      (
        h.db.prepare(`SELECT key FROM slack_messages WHERE key LIKE 'd1:stall-%' ORDER BY created_at`).all() as {
          key: string;
        }[]
      ).map((r) => r.key);
    // Quiet for the stall period (10 min) with a task definition far past its usual time: one stall reply.
    await h.work(() => stallKeys().length === 1, { stepMs: 30_000, max: 40 });
    expect(h.get(1).stalledAt).not.toBeNull();
    await h.work(() => false, { stepMs: 30_000, max: 4 }).catch(() => {});
    expect(stallKeys()).toHaveLength(1);
    await h.deliver();
    const stall = h.posted(stallKeys()[0]!)!;
    expect(stall.threadTs).toBe(h.posted('d1:parent')!.ts);
    expect(h.shown(stall)).toContain('looks stalled');
    expect(h.shown(stall)).toContain('TaskDef');
    expect(buttonsOf(stall).map((b) => [b.action_id, b.value])).toEqual([
      ['deploy_keep_waiting', '1'],
      ['deploy_rollback', '1'],
    ]);

    // Keep waiting: recorded, said in the thread, and no new stall reply until a full period after the click.
    const keptAt = h.clock.now();
    await h.click('deploy_keep_waiting', 'U08', '1');
    expect(h.get(1).stalledAt).toBeNull();
    await h.deliver();
    const note = h.slack.messages.find((m) => m.metadata?.event_payload.key.startsWith('d1:keep-waiting-'));
    expect(h.shown(note)).toContain('<@U08>');
    await h.work(() => h.clock.now() - keptAt > 8 * 60_000, { stepMs: 30_000, max: 30 });
    expect(stallKeys()).toHaveLength(1);
    await h.work(() => stallKeys().length === 2, { stepMs: 30_000, max: 10 });
    expect(h.clock.now() - keptAt).toBeGreaterThanOrEqual(10 * 60_000);

    // Roll back on the stalled update: CancelUpdateStack, the deployment is cancelling, the thread says who.
    const handle = h.cfn.handle.bind(h.cfn);
    h.cfn.handle = (params) => {
      if (params.get('Action') !== 'CancelUpdateStack') return handle(params);
      h.cfn.calls.push({ action: 'CancelUpdateStack', params });
      h.cfn.stackStatus.set('web-staging', 'UPDATE_ROLLBACK_IN_PROGRESS');
      return [200, queryResponse('CancelUpdateStack', {}), { 'content-type': 'text/xml' }];
    };
    const rolled = await h.click('deploy_rollback', 'U08', '1');
    expect(rolled?.text).toContain('web-staging');
    expect(h.cfn.count('CancelUpdateStack')).toBe(1);
    expect(h.get(1).state).toBe('cancelling');
    await h.deliver();
    expect(h.slack.messages.some((m) => m.metadata?.event_payload.key.startsWith('d1:cancel-'))).toBe(true);
  });

  it('an unanswered approval request expires through the expiry job and loses its buttons', async () => {
    const h = new Integration();
    t = h;
    githubCommit('acme/api', 'main', SHA);
    await h.send('/deploy', 'api production', 'U01');
    await h.deliver();
    const request = h.posted('d1:approval')!;

    h.clock.advance(59 * 60_000);
    expect(h.rt.workers.approvalExpiry.tick()).toBe(0);
    h.clock.advance(2 * 60_000);
    expect(h.rt.workers.approvalExpiry.tick()).toBe(1);
    expect(h.get(1).state).toBe('expired');
    await h.deliver();
    const last = h.slack
      .callsTo('chat.update')
      .filter((c) => c.body.ts === request.ts)
      .at(-1)!;
    expect(JSON.stringify(last.body.blocks)).not.toContain('deploy_approve');
    expect(`${String(last.body.text)} ${JSON.stringify(last.body.blocks)}`.toLowerCase()).toContain('expired');
    const late = await h.click('deploy_approve', 'U03', '1');
    expect(late?.text).toContain('expired');
  });

  it('/deploy-status health previews the real health digest, and post queues it once through the outbox', async () => {
    const h = new Integration();
    t = h;
    const preview = await h.send('/deploy-status', 'health');
    expect(replyText(preview).toLowerCase()).toContain('health');
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);

    const posted = await h.send('/deploy-status', 'health post');
    expect(posted.text).toBe('The health digest is queued for <#C0OPS>.');
    await h.deliver();
    const digest = h.slack.messages.filter((m) => m.channel === 'C0OPS' && !m.threadTs);
    expect(digest).toHaveLength(1);
    expect(h.shown(digest[0]).toLowerCase()).toContain('health');
  });
});
