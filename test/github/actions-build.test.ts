import { describe, expect, it } from 'vitest';
import { GitHubDeploymentsRepo } from '../../src/store/github-deployments-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { SHA } from '../pipeline/harness.js';
import { actionsSetup, job } from './actions-harness.js';

const setup = actionsSetup();

describe('GitHub Actions build', () => {
  it('the GitHub deployment starts the on: deployment run; Coxswain finds it, follows jobs and steps, then deploys', async () => {
    const { h, m, addRun } = setup();
    const d = h.enqueue('app', 'staging');
    // Not created while queued: for a workflow build, creating the deployment starts the build.
    await m.worker.tick();
    expect(m.gh.calls).toEqual([]);
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('building');
    m.parentPosted(d.id, 'C0DEPLOYS');
    await m.worker.tick();
    expect(m.gh.deployments).toHaveLength(1);
    expect(m.gh.deployments[0]!.body).toMatchObject({ ref: SHA, environment: 'staging', auto_merge: false });
    expect((m.gh.deployments[0]!.body.payload as { coxswain: { build: boolean } }).coxswain.build).toBe(true);
    expect(m.gh.statesOf(d.id)).toEqual(['in_progress']);

    // GitHub has not started the run yet.
    await h.worker.tick();
    expect(h.get(d.id).buildId).toBeNull();
    // Another workflow's run and a push run at the same SHA are not ours.
    addRun({ id: 400, workflow: 'ci.yml' });
    m.gh.runs.push({ ...m.gh.runs[0]!, id: 401, path: '.github/workflows/deploy.yml', event: 'push' });
    addRun({ id: 501 });
    m.gh.jobs.set(501, [
      job(71, 'build', 'in_progress', null, [
        ['Set up job', 'completed', 'success'],
        ['docker build', 'in_progress', null],
      ]),
      job(72, 'deploy', 'queued', null, []),
    ]);
    h.clock.advance(5_000);
    await h.worker.tick();
    expect(h.get(d.id).buildId).toBe('501');
    expect(h.get(d.id).buildLogUrl).toBe('https://github.com/acme/app/actions/runs/501');
    const started = h.reply(d.id, 'build-started')!;
    expect(started.blocks).toContain('deploy.yml');
    expect(started.blocks).toContain('https://github.com/acme/app/actions/runs/501|run');

    // Following: the progress reply names the job and step, not raw JSON.
    h.clock.advance(5_000);
    await h.worker.tick();
    const progress = h
      .outbox(d.id)
      .filter((r) => r.key === threadKeys.progress(d.id))
      .at(-1)!;
    expect(progress.blocks).toContain('Job `build` · step `docker build` · 0 of 2 jobs done');
    expect(progress.blocks).not.toContain('in_progress');

    const run = m.gh.runs.find((r) => r.id === 501)!;
    Object.assign(run, { status: 'completed', conclusion: 'success' });
    m.gh.jobs.set(501, [job(71, 'build', 'completed', 'success', []), job(72, 'deploy', 'completed', 'success', [])]);
    await h.tickUntil(() => h.get(d.id).state === 'deploying');
    expect(h.reply(d.id, 'build-finished')!.text).toContain('built a1b2c3d');
    expect(h.reply(d.id, 'actions-sha')).toBeUndefined();
    expect(m.gh.count('cancel')).toBe(0);
    expect(m.gh.count('logs')).toBe(0);
  });

  it('a failed run names the failed job and step with its link and the tail of its log (both hops of the 302 nock’d)', async () => {
    const { h, m, addRun, startBuild } = setup();
    const d = await startBuild('app');
    const run = addRun({ id: 501 });
    Object.assign(run, { status: 'completed', conclusion: 'failure' });
    m.gh.jobs.set(501, [
      job(71, 'build', 'completed', 'success', [['docker build', 'completed', 'success']]),
      job(72, 'deploy', 'completed', 'failure', [
        ['Set up job', 'completed', 'success'],
        ['cdk deploy', 'completed', 'failure'],
        ['Post checkout', 'completed', 'skipped'],
      ]),
    ]);
    const noise = Array.from(
      { length: 200 },
      (_, i) => `2026-11-22T09:02:${String(i % 60).padStart(2, '0')}.1234567Z line ${i}`,
    );
    m.gh.logs.set(
      72,
      [...noise, '2026-11-22T09:02:59.0000000Z \u001b[31mError: AccessDenied on sts:AssumeRole\u001b[0m', ''].join(
        '\n',
      ),
    );
    await h.tickUntil(() => h.get(d.id).state === 'failed');

    const failed = h.get(d.id);
    expect(failed.failure).toMatchObject({
      phase: 'build',
      reason: 'job `deploy`, step `cdk deploy` ended failure',
      link: 'https://github.com/acme/app/actions/runs/501/job/72',
    });
    const tail = h.reply(d.id, 'actions-failure')!;
    expect(tail.blocks).toContain('<https://github.com/acme/app/actions/runs/501/job/72|deploy>');
    expect(tail.blocks).toContain('Error: AccessDenied on sts:AssumeRole');
    expect(tail.blocks).not.toContain('\\u001b');
    expect(tail.blocks).not.toContain('line 150');
    expect(tail.blocks).not.toContain('2026-11-22T09:02:59');
    expect(m.gh.count('logs')).toBe(1);
    expect(m.gh.count('log-download')).toBe(1);
    const result = h.reply(d.id, 'result')!;
    expect(result.blocks).toContain('Failed* in build');
    expect(result.blocks).toContain('|failed job>');
    // Nothing was deployed: no change set.
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
    m.parentPosted(d.id, 'C0DEPLOYS');
    await m.worker.tick();
    await m.worker.tick();
    expect(m.gh.statesOf(d.id)).toEqual(['in_progress', 'failure']);
  });

  it('no run within the timeout: failed with the on: deployment hint, nothing deployed', async () => {
    const { h, m, startBuild } = setup();
    const d = await startBuild('app');
    await h.tickUntil(() => h.get(d.id).state === 'failed', { max: 80, stepMs: 10_000 });
    expect(h.get(d.id).failure?.reason).toBe('the workflow did not start: is `on: deployment` in deploy.yml?');
    expect(h.clock.now() - h.get(d.id).startedAt!).toBeGreaterThan(5 * 60_000);
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
    expect(m.gh.count('runs')).toBeGreaterThan(1);
  });

  it('two deployments of one SHA: the run naming the GitHub deployment id is taken; without it, ambiguity fails safely', async () => {
    const { h, m, addRun } = setup();
    const a = h.enqueue('app', 'staging');
    const b = h.enqueue('app', 'production');
    await h.worker.tick();
    await m.worker.tick();
    await m.worker.tick();
    const ghA = m.gh.githubIdOf(a.id)!;
    const ghB = m.gh.githubIdOf(b.id)!;
    // run-name: "Deploy ${{ github.event.deployment.environment }} (${{ github.event.deployment.id }})"
    addRun({ id: 601, title: `Deploy production (${ghB})` });
    addRun({ id: 602, title: `Deploy staging (${ghA})` });
    m.gh.jobs.set(601, []);
    m.gh.jobs.set(602, []);
    h.clock.advance(5_000);
    await h.worker.tick();
    expect(h.get(a.id).buildId).toBe('602');
    expect(h.get(b.id).buildId).toBe('601');
    const repo = new GitHubDeploymentsRepo(h.db);
    expect(repo.get(a.id)!.runId).toBe(602);

    // Without run-name: two candidate runs of one SHA cannot be told apart → both fail, neither guesses.
    const c = h.enqueue('app', 'staging', 'b'.repeat(40));
    const e = h.enqueue('app', 'production', 'b'.repeat(40));
    for (const id of [a.id, b.id]) h.repo.transition(id, 'building', 'cancelled', h.clock.now());
    await h.worker.tick();
    await m.worker.tick();
    await m.worker.tick();
    addRun({ id: 701, sha: 'b'.repeat(40) });
    addRun({ id: 702, sha: 'b'.repeat(40) });
    h.clock.advance(5_000);
    await h.worker.tick();
    for (const id of [c.id, e.id]) {
      expect(h.get(id).state).toBe('failed');
      expect(h.get(id).failure?.reason).toContain('github.event.deployment.id');
      expect(h.get(id).buildId).toBeNull();
    }
  });

  it('cancel: the run is cancelled on GitHub, then the deployment ends cancelled once the run completed', async () => {
    const { h, m, addRun, startBuild } = setup();
    const d = await startBuild('app');
    const run = addRun({ id: 501 });
    m.gh.jobs.set(501, [job(71, 'build', 'in_progress', null, [])]);
    await h.tickUntil(() => h.get(d.id).buildId === '501');
    h.repo.transition(d.id, 'building', 'cancelling', h.clock.now());
    h.clock.advance(10_000);
    await h.worker.tick();
    expect(m.gh.cancels).toEqual([501]);
    expect(h.get(d.id).state).toBe('cancelling');
    Object.assign(run, { status: 'completed', conclusion: 'cancelled' });
    await h.tickUntil(() => h.get(d.id).state === 'cancelled');
    expect(m.gh.cancels).toEqual([501]);
    expect(h.reply(d.id, 'result')!.text).toContain('the build was stopped before anything was deployed');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
  });

  it('mode build: the workflow deploys; a run that checked out another SHA is warned about', async () => {
    const { h, m, addRun, startBuild } = setup();
    const d = await startBuild('appcdk');
    const run = addRun({ id: 801, workflow: 'cdk.yml', repo: 'acme/appcdk' });
    m.gh.jobs.set(801, [job(91, 'cdk', 'in_progress', null, [['cdk deploy', 'in_progress', null]])]);
    await h.tickUntil(() => h.get(d.id).buildId === '801');
    // GitHub reports another head_sha on the run itself (the list was filtered by ours).
    Object.assign(run, { head_sha: 'c'.repeat(40) });
    h.clock.advance(10_000);
    await h.worker.tick();
    expect(h.reply(d.id, 'actions-sha')!.text).toContain('ccccccc instead of a1b2c3d');
    Object.assign(run, { status: 'completed', conclusion: 'success', head_sha: SHA });
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(h.reply(d.id, 'result')!.text).toContain('No changes');
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
  });
  it('estimates learn each job of the workflow: the next build shows what the running job usually takes', async () => {
    const { h, m, addRun } = setup();
    const first = h.enqueue('app', 'staging');
    await h.worker.tick();
    await m.worker.tick();
    const run = addRun({ id: 501 });
    Object.assign(run, { status: 'completed', conclusion: 'success' });
    // build: 09:00:10 → 09:03:00 (2 min 50 s); a skipped job has no duration and is not learned.
    m.gh.jobs.set(501, [
      job(71, 'build', 'completed', 'success', []),
      { ...job(72, 'notify', 'completed', 'skipped', []), started_at: null, completed_at: null },
    ]);
    await h.tickUntil(() => h.get(first.id).state === 'deploying');
    h.repo.transition(first.id, 'deploying', 'succeeded', h.clock.now());
    const learned = h.db.prepare('SELECT job, duration_ms FROM actions_job_runs').all();
    expect(learned).toEqual([{ job: 'build', duration_ms: 170_000 }]);

    const other = 'd'.repeat(40);
    const next = h.enqueue('app', 'staging', other);
    await h.worker.tick();
    await m.worker.tick();
    addRun({ id: 502, sha: other });
    m.gh.jobs.set(502, [job(81, 'build', 'in_progress', null, [['docker build', 'in_progress', null]])]);
    await h.tickUntil(() => h.get(next.id).buildId === '502');
    h.clock.advance(10_000);
    await h.worker.tick();
    const progress = h
      .outbox(next.id)
      .filter((r) => r.key === threadKeys.progress(next.id))
      .at(-1)!;
    expect(progress.blocks).toContain('this job usually takes 3 min (median of 1 run)');
  });
});
