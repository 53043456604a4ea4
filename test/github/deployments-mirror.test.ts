import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { githubPermissionProblems } from '../../src/store/github-deployments-repo.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { newDeployment } from '../helpers/rows.js';
import { mirrorHarness } from './mirror-harness.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
let db: Db;
afterEach(() => db?.close());

function setup(o: { mirror?: boolean } = {}) {
  db = testDb();
  const clock = new FakeClock();
  const config = exampleConfig((r) => {
    const prod = r.services.api.environments.production as Record<string, unknown>;
    prod.url = 'https://api.acme.example';
    prod.production = true;
    if (o.mirror === false) (r.services.web as Record<string, unknown>).github = { deployments: false };
    return r;
  });
  const h = mirrorHarness(db, config, clock);
  const repo = new DeploymentsRepo(db);
  const enqueue = (service = 'api', environment = 'production', state: 'queued' | 'pending_approval' = 'queued') =>
    repo.enqueue(
      newDeployment(`${service}/${environment}`, {
        service,
        environment,
        sha: SHA,
        requestedBy: 'U0DEV',
        channel: 'C0PROD',
        state,
      }),
      clock.now(),
    ).deployment;
  return { ...h, repo, enqueue };
}

describe('GitHub Deployments mirror', () => {
  it('creates the deployment at the pinned SHA and follows queued → in_progress → success with links', async () => {
    const h = setup();
    const d = h.enqueue();
    await h.worker.tick();
    expect(h.gh.deployments).toHaveLength(1);
    const created = h.gh.deployments[0]!;
    expect(created.repo).toBe('acme/api');
    expect(created.body).toMatchObject({
      ref: SHA,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
      transient_environment: false,
      payload: { coxswain: { deploymentId: d.id, requestedBy: 'U0DEV', kind: 'deploy', ref: 'main' } },
    });
    expect(created.body.payload).toEqual({
      coxswain: { deploymentId: d.id, requestedBy: 'U0DEV', kind: 'deploy', ref: 'main' },
    });
    expect(String(created.body.description).length).toBeLessThanOrEqual(140);
    expect(h.gh.statuses.map((s) => s.body.state)).toEqual(['queued']);

    // The Slack parent is posted meanwhile: later statuses link to the thread.
    h.parentPosted(d.id, 'C0PROD');
    h.repo.claim(d.id, 'building', 'w1', h.clock.advance(1000));
    h.repo.transition(d.id, 'building', 'deploying', h.clock.advance(60_000));
    h.repo.transition(d.id, 'deploying', 'succeeded', h.clock.advance(60_000));
    await h.worker.tick();
    await h.worker.tick();
    expect(h.gh.statuses.map((s) => s.body.state)).toEqual(['queued', 'in_progress', 'success']);
    const success = h.gh.statuses[2]!;
    expect(success.deploymentId).toBe(9000);
    expect(success.body.environment_url).toBe('https://api.acme.example');
    expect(success.body.log_url).toBe('https://acme.slack.com/archives/C0PROD/p1763802000000100');
    expect(success.body.description).toContain('a1b2c3d deployed');
    // One permalink lookup, remembered for the rest.
    expect(h.permalinks).toEqual(['1763802000.000100']);
    expect(h.gh.deployments).toHaveLength(1);
  });

  it('a failed deployment ends in failure; an internal error in error; descriptions stay within 140 characters', async () => {
    const h = setup();
    const a = h.enqueue('api', 'production');
    const b = h.enqueue('api', 'staging');
    h.repo.claim(a.id, 'building', 'w1', h.clock.now());
    h.repo.claim(b.id, 'building', 'w1', h.clock.now());
    h.repo.transition(a.id, 'building', 'failed', h.clock.now(), {
      failure: { phase: 'build', reason: 'x'.repeat(400) },
      summary: `build failed: ${'x'.repeat(400)}`,
    });
    h.repo.transition(b.id, 'building', 'failed', h.clock.now(), {
      failure: { phase: 'internal', reason: 'target no longer configured' },
      summary: 'internal failed: target no longer configured',
    });
    for (let i = 0; i < 4; i++) await h.worker.tick();
    expect(h.gh.statesOf(a.id)).toEqual(['queued', 'in_progress', 'failure']);
    expect(h.gh.statesOf(b.id)).toEqual(['queued', 'in_progress', 'error']);
    for (const s of h.gh.statuses) expect(String(s.body.description).length).toBeLessThanOrEqual(140);
    const failure = h.gh.statuses.find((s) => s.body.state === 'failure')!;
    expect(String(failure.body.description)).toMatch(/^Coxswain #\d+: build failed: x+…$/);
  });

  it('GitHub answering 500 delays the statuses (backoff, in order) and never touches the deployment', async () => {
    const h = setup();
    h.gh.failNext('deployments', 500, 'Server Error');
    h.gh.failNext('deployments', 502, 'Bad Gateway');
    const d = h.enqueue();
    h.repo.claim(d.id, 'deploying', 'w1', h.clock.now());
    await h.worker.tick();
    expect(h.gh.count('deployments')).toBe(1);
    expect(h.gh.statuses).toHaveLength(0);
    expect(h.repo.get(d.id)!.state).toBe('deploying');
    // Not due before the backoff (5 s, then 10 s).
    await h.worker.tick();
    expect(h.gh.count('deployments')).toBe(1);
    h.clock.advance(5_000);
    await h.worker.tick();
    expect(h.gh.count('deployments')).toBe(2);
    h.clock.advance(9_000);
    await h.worker.tick();
    expect(h.gh.count('deployments')).toBe(2);
    h.clock.advance(1_000);
    await h.worker.tick();
    await h.worker.tick();
    expect(h.gh.deployments).toHaveLength(1);
    expect(h.gh.statuses.map((s) => s.body.state)).toEqual(['queued', 'in_progress']);
    expect(githubPermissionProblems(db)).toEqual([]);
  });

  it('a 403 is logged once, flagged for the doctor, drops the statuses and never blocks a deploy; a success clears it', async () => {
    const h = setup();
    const msg = 'Resource not accessible by integration';
    h.gh.failNext('deployments', 403, msg);
    h.gh.failNext('deployments', 403, msg);
    const a = h.enqueue('api', 'production');
    const b = h.enqueue('api', 'staging');
    await h.worker.tick();
    h.repo.claim(a.id, 'deploying', 'w1', h.clock.now());
    h.repo.transition(a.id, 'deploying', 'succeeded', h.clock.now());
    for (let i = 0; i < 3; i++) await h.worker.tick();
    expect(h.repo.get(a.id)!.state).toBe('succeeded');
    expect(h.gh.count('deployments')).toBe(2);
    expect(h.gh.count('statuses')).toBe(0);
    const problems = githubPermissionProblems(db);
    expect(problems).toEqual([
      {
        repo: 'acme/api',
        httpStatus: 403,
        message: expect.stringContaining(`HTTP 403: ${msg}`),
        since: h.clock.now(),
        lastAt: h.clock.now(),
      },
    ]);
    const refusals = h.lines.filter((l) => String(l.msg).startsWith('GitHub refused the token'));
    expect(refusals).toHaveLength(1);
    expect(JSON.stringify(h.lines)).not.toContain('ghp_test_not_real');
    expect(h.repo.get(b.id)!.state).toBe('queued');

    // The token is fixed: the next deployment goes through and the flag is gone.
    const c = h.enqueue('api', 'production');
    await h.worker.tick();
    expect(
      h.gh.deployments.map((x) => (x.body.payload as { coxswain: { deploymentId: number } }).coxswain.deploymentId),
    ).toEqual([c.id]);
    expect(githubPermissionProblems(db)).toEqual([]);
  });

  it('a 403 that is a rate limit is retried, not flagged', async () => {
    const h = setup();
    h.gh.failNext('deployments', 403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' });
    h.enqueue();
    await h.worker.tick();
    expect(githubPermissionProblems(db)).toEqual([]);
    h.clock.advance(5_000);
    await h.worker.tick();
    expect(h.gh.statuses.map((s) => s.body.state)).toEqual(['queued']);
  });

  it('nothing reaches GitHub while a deployment waits for approval (it would start on: deployment workflows)', async () => {
    const h = setup();
    const d = h.enqueue('api', 'production', 'pending_approval');
    h.repo.transition(d.id, 'pending_approval', 'rejected', h.clock.now());
    await h.worker.tick();
    expect(h.gh.calls).toEqual([]);
    // Approved then cancelled while queued: created, then inactive.
    const e = h.enqueue('api', 'production', 'pending_approval');
    h.repo.transition(e.id, 'pending_approval', 'queued', h.clock.now());
    h.repo.transition(e.id, 'queued', 'cancelled', h.clock.now(), { summary: 'cancelled by U0DEV' });
    await h.worker.tick();
    await h.worker.tick();
    expect(h.gh.statuses.map((s) => s.body.state)).toEqual(['queued', 'inactive']);
  });

  it('a status waits up to 30 s for the Slack thread so it can link to it, then goes without', async () => {
    const h = setup();
    const a = h.enqueue('api', 'production');
    // The parent is in the outbox, not yet in Slack (no ts).
    h.parentPosted(a.id, 'C0PROD');
    db.prepare('UPDATE slack_messages SET ts = NULL').run();
    await h.worker.tick();
    expect(h.gh.deployments).toHaveLength(1);
    expect(h.gh.statuses).toHaveLength(0);
    h.clock.advance(2_000);
    h.parentPosted(a.id, 'C0PROD', '1763802000.000200');
    await h.worker.tick();
    expect(h.gh.statuses.map((s) => s.body.log_url)).toEqual([
      'https://acme.slack.com/archives/C0PROD/p1763802000000200',
    ]);

    const b = h.enqueue('api', 'staging');
    h.parentPosted(b.id, 'C0DEPLOYS');
    db.prepare('UPDATE slack_messages SET ts = NULL WHERE deployment_id = ?').run(b.id);
    await h.worker.tick();
    h.clock.advance(30_001);
    await h.worker.tick();
    const last = h.gh.statuses.at(-1)!;
    expect([last.body.state, last.body.log_url]).toEqual(['queued', undefined]);
  });

  it('a service with github.deployments false is not mirrored', async () => {
    const h = setup({ mirror: false });
    h.enqueue('web', 'staging');
    await h.worker.tick();
    expect(h.gh.calls).toEqual([]);
  });
});
