import { describe, expect, it } from 'vitest';
import { captureReplies } from '../helpers/bolt.js';
import { commandFixture, githubSpy, SHA } from './fixture.js';

describe('/rollback', () => {
  it('says rollback is not yet available and offers the last successful SHA as a /deploy', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    const d = f.deployments.enqueue(
      {
        kind: 'deploy',
        service: 'api',
        environment: 'staging',
        targetKey: 'api/staging',
        ref: 'main',
        sha: SHA,
        requestedBy: 'U05',
        channel: 'C0DEPLOYS',
        state: 'queued',
      },
      f.clock.now(),
    ).deployment;
    f.deployments.claim(d.id, 'deploying', 'w', f.clock.now());
    f.deployments.transition(d.id, 'deploying', 'succeeded', f.clock.now());

    const { acked } = await f.send('/rollback', 'api staging');

    expect(acked).toBe(true);
    expect(replies[0]!.response_type).toBe('ephemeral');
    expect(replies[0]!.text).toContain('Rollback is not yet available');
    expect(replies[0]!.text).toContain('use `/deploy <service> <env> <previous sha>` meanwhile');
    expect(replies[0]!.text).toContain(`\`/deploy api staging ${SHA}\``);
  });

  it('answers for a target never deployed, an unknown target, no arguments and garbage without crashing', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    const github = githubSpy();

    await f.send('/rollback', 'web staging');
    await f.send('/rollback', 'api prod');
    await f.send('/rollback', '');
    await f.send('/rollback', `<@U1> ${'$(x) '.repeat(200)}`);

    expect(replies).toHaveLength(4);
    expect(replies[0]!.text).toContain('no successful deployment of `web` → `staging` on record yet');
    expect(replies[1]!.text).toContain('`api` has no environment `prod`');
    expect(replies[1]!.text).toContain('Rollback is not yet available');
    expect(replies[2]!.text).toContain('Rollback is not yet available');
    expect(replies[3]!.text).toContain('Rollback is not yet available');
    expect(github.calls()).toBe(0);
    expect(f.deploymentCount()).toBe(0);
  });
});
