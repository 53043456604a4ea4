import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, Failure } from '../../src/domain/deployment.js';
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
  const life = h.core.lifecycle;
  const now = (d: Deployment) => repo.get(d.id)!;
  // The lifecycle redraws the thread parent too; Slack takes it at once (the outbox worker's part).
  const posted = <T>(d: Deployment, r: T): T => {
    h.parentPosted(d.id, d.channel);
    return r;
  };
  const move = {
    claim: (d: Deployment, to: 'building' | 'deploying') => posted(d, life.claim(now(d), to, 'w1')),
    deploying: (d: Deployment) => posted(d, life.startDeploying(now(d))),
    succeed: (d: Deployment) => posted(d, life.succeed(now(d), false)),
    fail: (d: Deployment, failure: Failure) => posted(d, life.fail(now(d), failure)),
    cancel: (d: Deployment, detail: string) => posted(d, life.cancel(now(d), detail)),
  };
  const enqueue = (service = 'api', environment = 'production', state: 'queued' | 'pending_approval' = 'queued') =>
    life.enqueue(
      newDeployment(`${service}/${environment}`, {
        sha: SHA,
        requestedBy: 'U0DEV',
        channel: 'C0PROD',
        state,
      }),
      clock.now(),
    ).deployment;
  return { ...h, repo, enqueue, move, life };
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
    h.clock.advance(1000);
    h.move.claim(d, 'building');
    h.clock.advance(60_000);
    h.move.deploying(d);
    h.clock.advance(60_000);
    h.move.succeed(d);
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
    h.move.claim(a, 'building');
    h.move.claim(b, 'building');
    h.move.fail(a, { phase: 'build', reason: 'x'.repeat(400) });
    h.move.fail(b, { phase: 'internal', reason: 'target no longer configured' });
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
    h.move.claim(d, 'deploying');
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
    h.move.claim(a, 'deploying');
    h.move.succeed(a);
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
    h.life.reject(d, 'U0LEAD');
    await h.worker.tick();
    expect(h.gh.calls).toEqual([]);
    // Approved then cancelled while queued: created, then inactive.
    const e = h.enqueue('api', 'production', 'pending_approval');
    h.life.approve(e);
    h.move.cancel(e, 'cancelled by U0DEV');
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

  it("a status is queued in the state change's transaction: none for a rolled-back or lost change", () => {
    const h = setup();
    const statuses = (id: number) => h.core.githubDeployments.statuses(id).map((s) => s.state);
    // A new deployment whose request transaction rolls back leaves neither the deployment nor its mirror row.
    expect(() =>
      db.transaction(() => {
        h.enqueue();
        throw new Error('the request failed after enqueue');
      })(),
    ).toThrow('the request failed');
    expect(db.prepare('SELECT COUNT(*) AS n FROM github_deployments').get()).toEqual({ n: 0 });
    const d = h.enqueue();
    expect(statuses(d.id)).toEqual(['queued']);
    h.move.claim(d, 'deploying');
    expect(statuses(d.id)).toEqual(['queued', 'in_progress']);
    // The failure's own write throws: the transition, its reply and its status are all undone.
    expect(() =>
      h.life.fail(
        h.repo.get(d.id)!,
        { phase: 'stack_update', reason: 'boom' },
        {
          inTx: () => {
            throw new Error('stack row');
          },
        },
      ),
    ).toThrow('stack row');
    expect(h.repo.get(d.id)!.state).toBe('deploying');
    expect(statuses(d.id)).toEqual(['queued', 'in_progress']);
    // A lost race (the deployment moved on meanwhile) queues nothing.
    const stale = h.repo.get(d.id)!;
    h.move.succeed(d);
    expect(h.life.fail(stale, { phase: 'stack_update', reason: 'late' })).toBe(false);
    expect(statuses(d.id)).toEqual(['queued', 'in_progress', 'success']);
  });

  it('a service with github.deployments false is not mirrored', async () => {
    const h = setup({ mirror: false });
    h.enqueue('web', 'staging');
    await h.worker.tick();
    expect(h.gh.calls).toEqual([]);
  });
});
