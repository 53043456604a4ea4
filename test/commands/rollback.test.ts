import { describe, expect, it } from 'vitest';
import { newDeployment } from '../helpers/rows.js';
import { captureReplies } from '../helpers/slack-kit.js';
import { commandFixture, githubSpy, SHA, SHA2 } from './fixture.js';

type Fixture = ReturnType<typeof commandFixture>;

/** A deployment of api/staging that ran through the real store and succeeded. */
function succeeded(f: Fixture, sha: string): number {
  const d = f.deployments.enqueue(newDeployment('api/staging', { sha }), f.clock.now()).deployment;
  f.deployments.claim(d.id, 'deploying', 'w', f.clock.now());
  f.clock.advance(60_000);
  f.deployments.transition(d.id, 'deploying', 'succeeded', f.clock.now());
  return d.id;
}

describe('/rollback', () => {
  it('queues a rollback to the last good deployment ahead of the queue and locks the target', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    const good = succeeded(f, SHA);
    succeeded(f, SHA2);

    const { acked } = await f.send('/rollback', 'api staging', { user: 'U02' });

    expect(acked).toBe(true);
    expect(replies[0]!.response_type).toBe('ephemeral');
    expect(replies[0]!.text).toContain('Queued rollback #3 of `api/staging` from 9999999 to abc1234');
    expect(f.deployments.get(3)).toMatchObject({
      kind: 'rollback',
      sha: SHA,
      rollbackOf: good,
      state: 'queued',
      requestedBy: 'U02',
    });
    expect(f.locks.get('api/staging')).toMatchObject({ kind: 'rollback', badSha: SHA2, lockedBy: 'U02' });
    // The rollback passes its own lock; a normal deploy to the target would not.
    expect(f.deployments.claimable().map((d) => d.id)).toEqual([3]);
    expect(f.outboxRows().some((r) => r.key === 'd3:parent' && r.payload.includes('Rollback #3'))).toBe(true);
  });

  it('rolls back to a given deployment id', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    const first = succeeded(f, SHA);
    succeeded(f, SHA2);
    succeeded(f, '1111111222222233333334444444555555566666');

    await f.send('/rollback', `api staging #${first}`, { user: 'U02' });

    expect(replies[0]!.text).toContain('to abc1234 (deploy #1)');
    expect(f.deployments.get(4)).toMatchObject({ kind: 'rollback', sha: SHA });
  });

  it('answers for a target never deployed, an unknown target, no arguments and garbage without crashing', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    const github = githubSpy();

    await f.send('/rollback', 'web staging');
    await f.send('/rollback', 'api prod');
    await f.send('/rollback', '');
    await f.send('/rollback', `<@U1> ${'$(x) '.repeat(200)}`);
    await f.send('/rollback', 'api staging $(rm)');

    expect(replies).toHaveLength(5);
    expect(replies[0]!.text).toContain('`web/staging` has no deployment to roll back');
    expect(replies[1]!.text).toContain('`api` has no environment `prod`');
    expect(replies[2]!.text).toContain('Usage: `/rollback <service> <environment> [sha | #id]`');
    expect(replies[3]!.text).toMatch(/too long|not a valid/);
    expect(replies[4]!.text).toContain('Give a commit SHA');
    expect(github.calls()).toBe(0);
    expect(f.deploymentCount()).toBe(0);
  });

  it('refuses a user who may not deploy the target', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    await f.send('/rollback', 'api production', { user: 'U09' });
    expect(replies[0]!.text).toContain('roll back this target');
    expect(f.deploymentCount()).toBe(0);
  });
});
