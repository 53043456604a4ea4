import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { githubChecks } from '../gates/github-checks.js';
import { Integration } from '../integration/harness.js';
import {
  branchHead,
  branchNotModified,
  cdConfig,
  compare,
  SHA_A,
  SHA_B,
  SHA_C,
  SHA_D,
  seedSucceeded,
} from './helpers.js';

let t: Integration | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

function setup(edit?: Parameters<typeof cdConfig>[0]): Integration {
  t = new Integration({ config: cdConfig(edit) });
  return t;
}

/** GitHub answers a test set up and nobody asked for (the Slack and AWS fakes persist, so they are left out). */
function githubPending(): string[] {
  return nock.pendingMocks().filter((m) => m.includes('api.github.test'));
}

function all(i: Integration) {
  return i.db.prepare('SELECT id, sha, ref, state, requested_by AS requestedBy FROM deployments ORDER BY id').all() as {
    id: number;
    sha: string;
    ref: string;
    state: string;
    requestedBy: string;
  }[];
}

describe('auto-deploy: the head of main deploys itself', () => {
  it('a moved head queues a deployment of exactly the new SHA, says who and what, and builds that SHA', async () => {
    const i = setup();
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_B, author: 'octocat', message: 'Add metrics\n\nlong body' });
    compare('acme/api', SHA_A, SHA_B, ['Fix login', 'Add metrics']);

    await i.rt.workers.autoDeploy.tick();

    const rows = all(i);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ sha: SHA_B, ref: 'main', state: 'queued', requestedBy: 'U07' });
    await i.deliver();
    const note = i.shown(i.posted(`d${rows[1]!.id}:auto-deploy`));
    expect(note).toContain(`Auto-deploy of <https://api.github.test/acme/api/commit/${SHA_B}|bbbbbbb>`);
    expect(note).toContain('2 commits');
    expect(note).toContain('Add metrics; Fix login');
    expect(note).toContain('authored by <@U07>');
    // The parent names the mapped Slack user as requester.
    expect(i.shown(i.posted(`d${rows[1]!.id}:parent`))).toContain('requested by <@U07>');

    await i.work(() => i.cb.count('StartBuild') === 1);
    expect(i.cb.startBodies[0]).toMatchObject({ projectName: 'api-image', sourceVersion: SHA_B });
    expect(githubPending()).toEqual([]);
  });

  it('an unchanged head costs one conditional request answered 304: no compare, no checks, no deployment', async () => {
    const i = setup();
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_B, etag: 'W/"v1"' });
    compare('acme/api', SHA_A, SHA_B, ['One']);
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)).toHaveLength(2);

    // The next poll sends the ETag back; GitHub's 304 is the only request made (nock answers 501 to any other).
    const notModified = branchNotModified('acme/api', 'main', 'W/"v1"');
    i.clock.advance(30_000);
    await i.rt.workers.autoDeploy.tick();
    expect(notModified.isDone()).toBe(true);
    expect(all(i)).toHaveLength(2);
    expect(githubPending()).toEqual([]);
  });

  it('a head the target already runs deploys nothing; a GitHub login without a Slack mapping is shown as the login', async () => {
    const i = setup();
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_A });
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)).toHaveLength(1);

    branchHead('acme/api', 'main', { sha: SHA_B, author: 'hubot' });
    compare('acme/api', SHA_A, SHA_B, ['Tweak']);
    await i.rt.workers.autoDeploy.tick();
    const row = all(i)[1]!;
    expect(row.requestedBy).toBe('github:hubot');
    await i.deliver();
    expect(i.shown(i.posted(`d${row.id}:auto-deploy`))).toContain('authored by GitHub user `hubot`');
    expect(i.shown(i.posted(`d${row.id}:parent`))).toContain('requested by GitHub user `hubot`');
  });

  it('[skip deploy] and [cd skip] in the head commit message skip it', async () => {
    const i = setup();
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_B, message: 'Docs only [skip deploy]' });
    await i.rt.workers.autoDeploy.tick();
    branchHead('acme/api', 'main', { sha: SHA_C, message: 'Refactor\n\n[CD SKIP]' });
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)).toHaveLength(1);
    expect(i.undelivered()).toBe(0);
    expect(githubPending()).toEqual([]);
  });

  it('a second push supersedes the queued candidate (held by a lock): the older one ends superseded and says by which', async () => {
    const i = setup();
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    const locked = await i.send('/deploy', 'lock api staging release freeze', 'U01');
    expect(locked.text).toContain('locked api → staging');

    branchHead('acme/api', 'main', { sha: SHA_B });
    compare('acme/api', SHA_A, SHA_B, ['One']);
    await i.rt.workers.autoDeploy.tick();
    // Locks hold auto-deploys like any other: the worker does not start it.
    await i.rt.workers.deploy.tick();
    const first = all(i)[1]!;
    expect(first).toMatchObject({ sha: SHA_B, state: 'queued' });
    expect(i.cb.count('StartBuild')).toBe(0);

    i.clock.advance(30_000);
    branchHead('acme/api', 'main', { sha: SHA_C });
    compare('acme/api', SHA_A, SHA_C, ['One', 'Two']);
    await i.rt.workers.autoDeploy.tick();
    const rows = all(i);
    expect(rows[1]).toMatchObject({ id: first.id, state: 'superseded' });
    expect(rows[2]).toMatchObject({ sha: SHA_C, state: 'queued' });
    await i.deliver();
    expect(i.shown(i.posted(`d${first.id}:superseded`))).toContain(`Superseded by #${rows[2]!.id} (ccccccc)`);
    expect(i.shown(i.posted(`d${first.id}:parent`))).toContain('superseded');

    // Unlocked, the newest head runs — and only it.
    await i.send('/deploy', 'unlock api staging', 'U01');
    await i.work(() => i.cb.count('StartBuild') === 1);
    expect(i.cb.startBodies[0]).toMatchObject({ sourceVersion: SHA_C });
    expect(new DeploymentsRepo(i.db).get(first.id)?.state).toBe('superseded');
  });

  it('superseding a candidate waiting for approval closes its approval request', async () => {
    const i = setup((raw) => {
      const envs = raw.services.api.environments as Record<string, Record<string, unknown>>;
      envs.staging = { autoDeploy: { branch: 'main' }, approvers: ['U03'], requiredApprovals: 1 };
    });
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_B });
    compare('acme/api', SHA_A, SHA_B, ['One'], 2);
    await i.rt.workers.autoDeploy.tick();
    const first = all(i)[1]!;
    expect(first.state).toBe('pending_approval');

    branchHead('acme/api', 'main', { sha: SHA_C });
    compare('acme/api', SHA_A, SHA_C, ['One', 'Two'], 2);
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)[1]!.state).toBe('superseded');
    const req = i.db.prepare('SELECT outcome FROM approval_requests WHERE deployment_id = ?').get(first.id);
    expect(req).toEqual({ outcome: 'cancelled' });
    // A late click on the old request changes nothing.
    await i.deliver();
    const late = await i.click('deploy_approve', 'U03', String(first.id));
    expect(late?.text ?? '').not.toContain('Approved');
    expect(all(i)[1]!.state).toBe('superseded');
  });

  it('a red head is not deployed and is reported once in the channel, not per poll', async () => {
    const i = setup((raw) => {
      const envs = raw.services.api.environments as Record<string, Record<string, unknown>>;
      envs.staging = { autoDeploy: { branch: 'main' }, gates: { checks: ['ci'] } };
    });
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_D, etag: 'W/"red"' });
    compare('acme/api', SHA_A, SHA_D, ['Break it']);
    githubChecks('acme/api', SHA_D, { runs: [{ name: 'ci', conclusion: 'failure' }] });
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)).toHaveLength(1);

    // Polls go on: a 304, then the same head again without an ETag match (GitHub may re-send it).
    branchNotModified('acme/api', 'main', 'W/"red"');
    await i.rt.workers.autoDeploy.tick();
    branchHead('acme/api', 'main', { sha: SHA_D, etag: 'W/"red2"' }, { ifNoneMatch: 'W/"red"' });
    await i.rt.workers.autoDeploy.tick();
    await i.deliver();
    const reports = i.slack.messages.filter((m) => m.text.includes('Not auto-deploying'));
    expect(reports).toHaveLength(1);
    expect(reports[0]!.channel).toBe('C0DEPLOYS');
    expect(reports[0]!.threadTs).toBeUndefined();
    expect(reports[0]!.text).toContain('ddddddd');
    expect(reports[0]!.text).toContain('ci');
    expect(all(i)).toHaveLength(1);
    expect(i.cb.count('StartBuild')).toBe(0);
    expect(githubPending()).toEqual([]);
  });

  it('a head with pending checks waits for them (the gate of the batch head is never skipped)', async () => {
    const i = setup((raw) => {
      const envs = raw.services.api.environments as Record<string, Record<string, unknown>>;
      envs.staging = { autoDeploy: { branch: 'main' }, gates: { checks: ['ci'] } };
    });
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_B });
    compare('acme/api', SHA_A, SHA_B, ['One']);
    githubChecks('acme/api', SHA_B, { runs: [{ name: 'ci', status: 'in_progress' }] });
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)[1]).toMatchObject({ sha: SHA_B, state: 'waiting_checks' });

    // A newer head arrives with green checks: it supersedes the waiting one and is queued at once.
    branchHead('acme/api', 'main', { sha: SHA_C });
    compare('acme/api', SHA_A, SHA_C, ['One', 'Two']);
    githubChecks('acme/api', SHA_C, { runs: [{ name: 'ci', conclusion: 'success' }] });
    await i.rt.workers.autoDeploy.tick();
    const rows = all(i);
    expect(rows[1]!.state).toBe('superseded');
    expect(rows[2]).toMatchObject({ sha: SHA_C, state: 'queued' });
  });

  it('GitHub failing to answer the checks is retried on the next poll, not reported as red', async () => {
    const i = setup((raw) => {
      const envs = raw.services.api.environments as Record<string, Record<string, unknown>>;
      envs.staging = { autoDeploy: { branch: 'main' }, gates: { checks: ['ci'] } };
    });
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_B, etag: 'W/"b"' });
    compare('acme/api', SHA_A, SHA_B, ['One'], 2);
    nock('https://api.github.test')
      .get(`/repos/acme/api/commits/${SHA_B}/check-runs`)
      .query(true)
      .reply(502, { message: 'Server Error' });
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)).toHaveLength(1);
    // The ETag of an unhandled head is not kept: the next poll reads the head in full and tries again.
    branchHead('acme/api', 'main', { sha: SHA_B, etag: 'W/"b"' });
    githubChecks('acme/api', SHA_B, { runs: [{ name: 'ci', conclusion: 'success' }] });
    await i.rt.workers.autoDeploy.tick();
    expect(all(i)[1]).toMatchObject({ sha: SHA_B, state: 'queued' });
    await i.deliver();
    expect(i.slack.messages.some((m) => m.text.includes('Not auto-deploying'))).toBe(false);
  });
});
