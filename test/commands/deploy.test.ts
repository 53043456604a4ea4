import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GITHUB_API } from '../helpers/github-nock.js';
import { captureReplies, replyText, slashBody } from '../helpers/slack-kit.js';
import { commandFixture, githubCommit, githubSpy, SHA, SHA2 } from './fixture.js';

describe('/deploy', () => {
  it('acks first, pins the ref to a SHA and queues the deployment with its thread parent', async () => {
    const f = commandFixture();
    const replies = captureReplies(f.events);
    githubCommit(f.events, 'acme/api', 'main', SHA);

    const { acked } = await f.send('/deploy', 'api staging', { user: 'U05' });

    expect(acked).toBe(true);
    expect(f.events).toEqual(['ack', 'github', 'reply']);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.response_type).toBe('ephemeral');
    expect(replies[0]!.text).toBe(
      'Queued #1 api → staging <https://github.com/acme/api/commit/abc1234def5678abc1234def5678abc1234def56|abc1234> (main), position 1 (next) — follow the thread in <#C0DEPLOYS>.',
    );
    const d = f.deployments.get(1)!;
    expect(d).toMatchObject({
      state: 'queued',
      sha: SHA,
      ref: 'main',
      requestedBy: 'U05',
      channel: 'C0DEPLOYS',
      kind: 'deploy',
    });

    const rows = f.outboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'd1:parent', channel: 'C0DEPLOYS', threadKey: null });
    const parent = JSON.parse(rows[0]!.payload) as {
      text: string;
      blocks: { text?: { text: string }; elements?: { text: string }[] }[];
    };
    expect(parent.text).toContain('Deploy #1 api → staging · abc1234 (main)');
    expect(parent.blocks[0]!.text!.text).toBe(
      ':hourglass_flowing_sand: *Deploy #1* api → staging · <https://github.com/acme/api/commit/abc1234def5678abc1234def5678abc1234def56|abc1234> (main)',
    );
    expect(parent.blocks[1]!.elements![0]!.text).toBe('requested by <@U05> · queued · position 1');
  });

  it('deploys an explicit ref to the environment’s own channel, waiting for approval where approvers are set', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'v1.4.2', SHA2);

    await f.send('/deploy', 'api production v1.4.2', { user: 'U01' });

    expect(replies[0]!.text).toContain('Requested #1 api → production');
    expect(replies[0]!.text).toContain('(v1.4.2)');
    expect(replies[0]!.text).toContain('it needs approval before it runs');
    expect(replies[0]!.text).toContain('<#C0PROD>');
    expect(f.deployments.get(1)).toMatchObject({
      sha: SHA2,
      ref: 'v1.4.2',
      channel: 'C0PROD',
      state: 'pending_approval',
    });
    const rows = f.outboxRows();
    expect(rows.map((r) => r.key)).toEqual(['d1:parent', 'd1:approval']);
    expect(rows[1]).toMatchObject({ channel: 'C0PROD', threadKey: 'd1:parent' });
    expect(rows[1]!.payload).toContain('deploy_approve');
  });

  it('refuses a rolled-back SHA unless --force is given, and records the force', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA, 2);
    const now = f.clock.now();
    f.db
      .prepare('INSERT INTO bad_shas (target_key, sha, marked_by, marked_at, deployment_id) VALUES (?, ?, ?, ?, NULL)')
      .run('api/staging', SHA, 'U02', now);

    await f.send('/deploy', 'api staging');
    expect(f.deploymentCount()).toBe(0);
    expect(replies[0]!.text).toContain('abc1234');
    expect(replies[0]!.text).toContain('--force');

    await f.send('/deploy', 'api staging --force');
    expect(f.deployments.get(1)).toMatchObject({ sha: SHA, state: 'queued', forced: true });
    const forced = f.locks.history('api/staging').filter((h) => h.action === 'force');
    expect(forced).toHaveLength(1);
    expect(forced[0]).toMatchObject({ user: 'U05', sha: SHA });
  });

  it('locks a target: /deploy still queues but says who locked it, why and how to unlock; unlock frees it', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);

    await f.send('/deploy', 'lock api staging DB migration running', { user: 'U02' });
    await f.send('/deploy', 'api staging');

    expect(replyText(replies[0]!)).toContain('DB migration running');
    const queued = replyText(replies[1]!);
    expect(queued).toContain('Queued #1 api → staging');
    expect(queued).toContain('<@U02>');
    expect(queued).toContain('DB migration running');
    expect(queued).toContain('/deploy unlock api staging');
    expect(f.deployments.get(1)!.waitReason).toContain('locked by <@U02>');
    expect(f.deployments.claimable()).toEqual([]);
    expect(f.deployments.claim(1, 'building', 'w1', f.clock.now())).toBeUndefined();

    await f.send('/deploy', 'unlock api staging', { user: 'U02' });
    expect(replyText(replies[2]!)).toContain('unlocked');
    expect(f.deployments.claimable().map((d) => d.id)).toEqual([1]);
  });

  it('tells a queued deployment its position behind the running one', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubCommit(f.events, 'acme/api', 'feature/x', SHA2);
    await f.send('/deploy', 'api staging');
    f.deployments.claim(1, 'building', 'w1', f.clock.now());

    await f.send('/deploy', 'api staging feature/x');

    expect(replies[1]!.text).toContain('Queued #2 api → staging');
    expect(replies[1]!.text).toContain('position 2 —');
    const parent = JSON.parse(f.outboxRows()[1]!.payload) as { blocks: { elements?: { text: string }[] }[] };
    expect(parent.blocks[1]!.elements![0]!.text).toContain('queued · position 2');
  });

  it('merges a second request for the same queued SHA and notes it in that thread', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA, 2);

    await f.send('/deploy', 'api staging', { user: 'U05' });
    await f.send('/deploy', 'api staging main', { user: 'U06' });

    expect(f.deploymentCount()).toBe(1);
    expect(replies[1]!.text).toContain('<@U05> already queued the same commit: you joined #1 api → staging');
    expect(replies[1]!.text).toContain('follow the thread in <#C0DEPLOYS>');
    const note = f.outboxRows().find((r) => r.key === 'd1:joined-U06');
    expect(note).toMatchObject({ threadKey: 'd1:parent', channel: 'C0DEPLOYS' });
    expect(JSON.parse(note!.payload).text).toBe('<@U06> also asked for this.');
  });

  it('answers a retried request (same trigger_id) like the first and never queues twice', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA, 2);
    const body = slashBody('/deploy', 'api staging', { user: 'U05', triggerId: '1234.5678.abcd' });

    await f.sendBody(body);
    await f.sendBody(body);

    expect(f.deploymentCount()).toBe(1);
    expect(f.outboxRows()).toHaveLength(1);
    expect(replies).toHaveLength(2);
    expect(replies[1]!.text).toBe(replies[0]!.text);
  });

  it('refuses an unknown ref after asking GitHub, and queues nothing', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    // GitHub answers an unknown ref with 422 "No commit found for SHA: <ref>" (GET /repos/{o}/{r}/commits/{ref}).
    nock(GITHUB_API).get('/repos/acme/api/commits/nope').query(true).reply(422, {
      message: 'No commit found for SHA: nope',
      documentation_url: 'https://docs.github.com/rest/commits/commits#get-a-commit',
      status: '422',
    });

    await f.send('/deploy', 'api staging nope');

    expect(replies[0]!.text).toBe('`nope` is not a branch, tag or commit of acme/api.');
    expect(f.deploymentCount()).toBe(0);
    expect(f.outboxRows()).toHaveLength(0);
  });

  it('asks to try again when GitHub fails, and queues nothing', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    nock(GITHUB_API).get('/repos/acme/api/commits/main').query(true).reply(502, { message: 'Bad gateway' });

    await f.send('/deploy', 'api staging');

    expect(replies[0]!.text).toContain('GitHub did not answer for acme/api (HTTP 502). Try again in a moment.');
    expect(f.deploymentCount()).toBe(0);
  });

  it('answers /deploy help with the usage of all three commands', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    await f.send('/deploy', 'help');
    const text = replyText(replies[0]!);
    expect(text).toContain('`/deploy <service> <environment> [ref] [--force]`');
    expect(text).toContain('`/deploy-status [service [environment]]`');
    expect(text).toContain('`/rollback <service> <environment> [sha | #id]`');
    expect(text).toContain('`/deploy lock <service> <environment> <reason>`');
    expect(text).toContain('`/deploy unlock <service> <environment>`');
    expect(text).not.toContain('coming soon');
    expect(text).toContain('`api` (staging, production)');
  });

  const refusals: [string, string, string][] = [
    ['no arguments', '', 'Usage: `/deploy <service> <environment> [ref] [--force]`'],
    ['missing environment', 'api', 'Which environment? Usage: `/deploy'],
    ['too many arguments', 'api staging main extra', 'Too many arguments. Usage:'],
    ['unknown service', 'apii staging', 'Unknown service `apii`. Did you mean `api`? Services: `api`, `web`.'],
    ['unknown environment', 'api stagin', '`api` has no environment `stagin`. Did you mean `staging`?'],
    ['a mention as service', '<@U123|bob> staging', 'That is not a valid service name'],
    ['shell metacharacters', 'api staging main;rm', 'it contains `;`'],
    ['command substitution', 'api staging $(id)', 'it contains `$`'],
    ['a quote', "api staging it's", "it contains `'`"],
    ['a backtick', 'api staging a`b', 'it contains a backtick'],
    ['double dot', 'api staging main..dev', 'it contains `..`'],
    ['reflog syntax', 'api staging main@{1}', 'it contains `@`'],
    ['backslash', 'api staging a\\b', 'it contains `\\`'],
    ['a leading dash', 'api staging --upload-pack=x', 'it contains `=`'],
    ['a leading dash only', 'api staging -x', 'it starts with `-`'],
    ['a trailing .lock', 'api staging heads/main.lock', 'ends with `.lock`'],
    ['a control character', 'api staging ma\u0007in', 'it contains a control character'],
    ['an over-long ref', `api staging ${'a'.repeat(201)}`, 'it is longer than 200 characters'],
    ['an over-long command', `api staging ${'a '.repeat(250)}`, 'That command is too long (over 500 characters).'],
    ['a user who is not a deployer', 'api production main', 'Only <@U01>, <@U02> may deploy there'],
  ];

  it.each(refusals)('refuses %s with a clear reply, queues nothing and calls nobody', async (_name, text, expected) => {
    const f = commandFixture();
    const replies = captureReplies();
    const github = githubSpy();

    const { acked } = await f.send('/deploy', text, { user: 'U05' });

    expect(acked).toBe(true);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.response_type).toBe('ephemeral');
    expect(replies[0]!.text).toContain(expected);
    expect(github.calls()).toBe(0);
    expect(f.deploymentCount()).toBe(0);
    expect(f.outboxRows()).toHaveLength(0);
  });

  it('keeps working after an unexpected error and says nothing was queued', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    f.db.exec('DROP TABLE command_requests');

    await f.send('/deploy', 'api staging');
    await f.send('/deploy', 'help');

    expect(replies[0]!.text).toContain('Something went wrong on Coxswain’s side and nothing was queued');
    expect(replies[1]!.text).toContain('`/deploy <service> <environment> [ref] [--force]`');
    expect(f.deploymentCount()).toBe(0);
  });
});
