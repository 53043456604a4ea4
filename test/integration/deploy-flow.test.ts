import { afterEach, describe, expect, it } from 'vitest';
import { resourceChange, resourceEvent } from '../helpers/cfn-nock.js';
import { githubCommit } from '../helpers/github-nock.js';
import { Integration } from './harness.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

let it_: Integration | undefined;
afterEach(() => {
  it_?.close();
  it_ = undefined;
});

describe('integration: /deploy through the real composition', () => {
  it('queues, posts the parent through the outbox, runs the change set, keeps one progress reply and reports the result', async () => {
    const t = new Integration();
    it_ = t;
    githubCommit('acme/web', 'main', SHA);

    const reply = await t.send('/deploy', 'web staging');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Queued #1 web → staging');
    expect(reply.text).toContain('position 1 (next)');
    // Estimates come from history; with none yet the reply says it is a rough guess.
    expect(reply.text).toMatch(/starts now, done in about \d+ min \(range \d+–\d+ min; a rough guess/);

    // The outbox delivers the parent to the environment's channel, tagged with its key for crash recovery.
    await t.deliver();
    const parentPost = t.slack.callsTo('chat.postMessage')[0]!;
    expect(parentPost.body.channel).toBe('C0DEPLOYS');
    expect(String(parentPost.body.text)).toContain('Deploy #1 web → staging · a1b2c3d (main) · queued · position 1');
    const parent = t.posted('d1:parent')!;
    expect(parent.threadTs).toBeUndefined();

    // The deploy worker claims it and creates the change set; the parent is updated in place.
    await t.work(() => t.cfn.changeSets.has('coxswain-1-1'));
    expect(t.get(1).state).toBe('deploying');
    t.cfn.readyChangeSet('coxswain-1-1', [
      resourceChange('TaskDef', 'AWS::ECS::TaskDefinition', { replacement: 'False' }),
      resourceChange('Service', 'AWS::ECS::Service', { replacement: 'False' }),
    ]);
    const token = t.get(1).token;
    t.cfn.startsOnExecute('TaskDef', 'AWS::ECS::TaskDefinition', () => t.clock.now());
    await t.work(() => t.cfn.count('ExecuteChangeSet') === 1);
    await t.work(
      () =>
        t.undelivered() > 0 &&
        t.db.prepare("SELECT 1 FROM slack_messages WHERE key = 'd1:progress'").get() !== undefined,
    );
    await t.deliver();

    // The progress hook's one reply, in the thread, with the phase and the change set's resources.
    const progress = t.posted('d1:progress')!;
    expect(progress.threadTs).toBe(parent.ts);
    expect(t.shown(progress)).toContain('Updating stack');
    expect(t.shown(progress)).toContain('resources 0/2 done');

    // One resource finishes: the same reply is updated in place (chat.update on its ts), not posted again.
    t.cfn.event(
      'web-staging',
      resourceEvent('TaskDef', 'AWS::ECS::TaskDefinition', 'UPDATE_COMPLETE', token),
      t.clock.now(),
    );
    await t.work(() => t.shown(progress).includes('resources 1/2 done') || t.undelivered() > 0, { stepMs: 1_000 });
    await t.deliver();
    const updates = t.slack.callsTo('chat.update').filter((c) => c.body.ts === progress.ts);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(String(updates.at(-1)!.body.text)).toContain('resources 1/2 done');
    expect(t.slack.messages.filter((m) => m.metadata?.event_payload.key === 'd1:progress')).toHaveLength(1);

    // The stack completes: a result reply in the thread, and the parent shows success.
    t.cfn.completeUpdate('web-staging', token, t.clock.now());
    await t.work(() => t.get(1).state === 'succeeded');
    await t.deliver();
    const result = t.posted('d1:result')!;
    expect(result.threadTs).toBe(parent.ts);
    expect(t.shown(result)).toMatch(/:white_check_mark: \*deployed\*/i);
    const parentUpdates = t.slack.callsTo('chat.update').filter((c) => c.body.ts === parent.ts);
    expect(String(parentUpdates.at(-1)!.body.text)).toContain('Deploy #1 web → staging');
    expect(String(parentUpdates.at(-1)!.body.text)).toContain('succeeded');
    expect(JSON.stringify(parentUpdates.at(-1)!.body.blocks)).toContain(':white_check_mark:');
    // The progress reply no longer claims work is left: it says it is done, with a full bar.
    const progressUpdates = t.slack.callsTo('chat.update').filter((c) => c.body.ts === progress.ts);
    expect(String(progressUpdates.at(-1)!.body.text)).toMatch(/^#1 done after /);
    expect(JSON.stringify(progressUpdates.at(-1)!.body.blocks)).toContain('*Done* in');
    expect(JSON.stringify(progressUpdates.at(-1)!.body.blocks)).toContain('100%');
    expect(JSON.stringify(progressUpdates.at(-1)!.body.blocks)).not.toContain('left');
    // Every thread write went to the one parent; nothing was dead-lettered.
    expect(t.slack.messages.filter((m) => m.channel === 'C0DEPLOYS' && !m.threadTs)).toHaveLength(1);
    expect(t.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'dead'`).get()).toEqual({ n: 0 });
  });
});
