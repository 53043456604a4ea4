import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/app/config.js';
import { silentLogger } from '../../src/app/logger.js';
import { GateWatcher } from '../../src/gates/gate-watcher.js';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { commandFixture, githubCommit, SHA } from '../commands/fixture.js';
import { exampleConfig } from '../helpers/config.js';
import { captureReplies, replyText } from '../helpers/slack-kit.js';
import { githubChecks } from './github-checks.js';

const MIN = 60_000;

function gatedConfig(gates: Record<string, unknown> = { checks: 'required' }): Config {
  return exampleConfig((r) => {
    r.services.api.environments.staging = { gates } as never;
    return r;
  });
}

function setup(gates?: Record<string, unknown>) {
  const f = commandFixture({ config: gatedConfig(gates) });
  return { f, watcher: watcherOf(f) };
}

/** The gate watcher over a command fixture's database, gate, approvals and lifecycle core, as the runtime wires it. */
function watcherOf(f: ReturnType<typeof commandFixture>): GateWatcher {
  return new GateWatcher({
    db: f.db,
    config: f.config,
    clock: f.clock,
    logger: silentLogger,
    gate: f.gate,
    approvals: f.approvals,
    core: f.core,
  });
}

describe('gates: commit checks before anything is queued', () => {
  it('refuses a red commit at request time, naming each failing check with its link; nothing queued', async () => {
    const { f } = setup();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, {
      runs: [{ name: 'build' }, { name: 'test', conclusion: 'failure', id: 77 }],
      statuses: [{ context: 'ci/legacy', state: 'error' }],
    });

    await f.send('/deploy', 'api staging');

    const text = replyText(replies[0]!);
    expect(text).toContain('Not deploying abc1234: its checks failed');
    expect(text).toContain('`test` failed — <https://github.com/acme/api/runs/77|details>');
    expect(text).toContain('`ci/legacy` error — <https://ci.legacy.example.com/ci/legacy|details>');
    expect(text).not.toContain('`build`');
    expect(text).toContain('Nothing was queued');
    expect(f.deploymentCount()).toBe(0);
    expect(f.outboxRows()).toEqual([]);
  });

  it('queues a commit with pending checks as "waiting for checks", shown in the reply, the parent and /deploy-status', async () => {
    const { f } = setup();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, {
      runs: [{ name: 'build', status: 'in_progress' }, { name: 'test', status: 'queued' }, { name: 'lint' }],
    });

    await f.send('/deploy', 'api staging');

    expect(f.deployments.get(1)).toMatchObject({
      state: 'waiting_checks',
      waitReason: 'waiting for checks: build (in progress), test (queued)',
    });
    expect(replyText(replies[0]!)).toContain('waiting for checks: build (in progress), test (queued)');
    const parent = JSON.parse(f.outboxRows()[0]!.payload) as { text: string };
    expect(parent.text).toContain('waiting for checks: build (in progress), test (queued)');
    // Not startable while it waits.
    expect(f.deployments.claimable()).toEqual([]);

    await f.send('/deploy-status', 'api staging');
    expect(replyText(replies[1]!)).toContain('waiting for checks: build (in progress), test (queued)');
  });

  it('pending → green: the watcher moves it into the queue in its turn', async () => {
    const { f, watcher } = setup();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, { runs: [{ name: 'build', status: 'in_progress' }] });
    await f.send('/deploy', 'api staging');
    expect(f.deployments.get(1)!.state).toBe('waiting_checks');

    githubChecks('acme/api', SHA, {
      runs: [
        { name: 'build', status: 'in_progress' },
        { name: 'test', status: 'queued' },
      ],
    });
    f.clock.advance(MIN);
    await watcher.tick();
    expect(f.deployments.get(1)).toMatchObject({
      state: 'waiting_checks',
      waitReason: 'waiting for checks: build (in progress), test (queued)',
    });

    githubChecks('acme/api', SHA, { runs: [{ name: 'build' }, { name: 'test', conclusion: 'skipped' }] });
    f.clock.advance(MIN);
    await watcher.tick();
    expect(f.deployments.get(1)).toMatchObject({ state: 'queued', waitReason: null });
    expect(f.deployments.claimable().map((d) => d.id)).toEqual([1]);
  });

  it('pending → green where approvals are required: the approval request follows the checks', async () => {
    const f = commandFixture({
      config: exampleConfig((r) => {
        r.services.api.environments.production = {
          ...r.services.api.environments.production,
          gates: { checks: ['test'] },
        } as never;
        return r;
      }),
    });
    const watcher = watcherOf(f);
    captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, { runs: [{ name: 'test', status: 'in_progress' }] });
    await f.send('/deploy', 'api production', { user: 'U01' });
    expect(f.deployments.get(1)!.state).toBe('waiting_checks');
    // No approval request while the checks run: approvers are not asked about a commit that may turn red.
    expect(f.outboxRows().map((r) => r.key)).toEqual(['d1:parent']);

    githubChecks('acme/api', SHA, { runs: [{ name: 'test' }] });
    await watcher.tick();
    expect(f.deployments.get(1)!.state).toBe('pending_approval');
    const approval = f.outboxRows().find((r) => r.key === 'd1:approval')!;
    expect(approval.payload).toContain('deploy_approve');
  });

  it('pending → a check fails while waiting: rejected with the failing check named, never started', async () => {
    const { f, watcher } = setup();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, { runs: [{ name: 'test', status: 'in_progress' }] });
    await f.send('/deploy', 'api staging');

    githubChecks('acme/api', SHA, { runs: [{ name: 'test', conclusion: 'timed_out', id: 5 }] });
    await watcher.tick();

    const d = f.deployments.get(1)!;
    expect(d.state).toBe('rejected');
    expect(d.summary).toBe('checks failed: `test` timed out');
    const note = f.outboxRows().find((r) => r.key === 'd1:checks-rejected')!;
    expect(note.threadKey).toBe('d1:parent');
    expect(note.payload).toContain('`test` timed out — <https://github.com/acme/api/runs/5|details>');
  });

  it('pending → waitMinutes passes (fractions allowed): rejected with the checks still running', async () => {
    const { f, watcher } = setup({ checks: 'required', waitMinutes: 0.5 });
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, { runs: [{ name: 'e2e', status: 'in_progress' }] });
    await f.send('/deploy', 'api staging');

    githubChecks('acme/api', SHA, { runs: [{ name: 'e2e', status: 'in_progress' }] });
    f.clock.advance(20_000);
    await watcher.tick();
    expect(f.deployments.get(1)!.state).toBe('waiting_checks');

    githubChecks('acme/api', SHA, { runs: [{ name: 'e2e', status: 'in_progress' }] });
    f.clock.advance(11_000);
    await watcher.tick();
    const d = f.deployments.get(1)!;
    expect(d.state).toBe('rejected');
    expect(d.summary).toBe('checks still pending after 30s: e2e (in progress)');
  });

  it('a required list: only the named checks decide; a named check not reported yet is pending', async () => {
    const { f } = setup({ checks: ['test', 'ci/legacy'] });
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA, 2);
    githubChecks('acme/api', SHA, {
      runs: [{ name: 'test' }, { name: 'flaky-optional', conclusion: 'failure' }],
      statuses: [],
    });
    await f.send('/deploy', 'api staging');
    expect(f.deployments.get(1)).toMatchObject({
      state: 'waiting_checks',
      waitReason: 'waiting for checks: ci/legacy (not reported yet)',
    });
    expect(replyText(replies[0]!)).not.toContain('flaky-optional');
  });

  it('reads every page of check runs (a failure on page 2 still refuses)', async () => {
    const { f } = setup();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, {
      pages: [
        Array.from({ length: 100 }, (_, i) => ({ name: `unit-${i}` })),
        [{ name: 'integration', conclusion: 'failure' }],
      ],
    });
    await f.send('/deploy', 'api staging');
    expect(replyText(replies[0]!)).toContain('`integration` failed');
    expect(f.deploymentCount()).toBe(0);
  });

  it('a re-run replaces its earlier run: the newest run of a name counts', async () => {
    const { f } = setup();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, {
      runs: [
        { name: 'test', conclusion: 'failure', id: 10 },
        { name: 'test', conclusion: 'success', id: 11 },
      ],
    });
    await f.send('/deploy', 'api staging');
    expect(f.deployments.get(1)!.state).toBe('queued');
  });

  it('--force passes failed checks only where gates.allowForce is on, recorded and shown in the thread', async () => {
    const { f } = setup({ checks: 'required' });
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    githubChecks('acme/api', SHA, { runs: [{ name: 'test', conclusion: 'failure' }] });
    await f.send('/deploy', 'api staging --force');
    expect(replyText(replies[0]!)).toContain('`--force` cannot override checks here (`gates.allowForce` is off');
    expect(f.deploymentCount()).toBe(0);

    const g = setup({ checks: 'required', allowForce: true }).f;
    githubCommit(g.events, 'acme/api', 'main', SHA, 2);
    githubChecks('acme/api', SHA, { runs: [{ name: 'test', conclusion: 'failure' }], times: 2 });
    await g.send('/deploy', 'api staging');
    expect(replyText(replies[1]!)).toContain('A deployer may override with `--force`');
    expect(g.deploymentCount()).toBe(0);

    await g.send('/deploy', 'api staging --force', { user: 'U07' });
    expect(g.deployments.get(1)).toMatchObject({ state: 'queued', forced: true });
    const actions = new DeploymentActionsRepo(g.db).of(1);
    expect(actions).toMatchObject([{ action: 'force_checks', user: 'U07', detail: 'failed: `test` failed' }]);
    const note = g.outboxRows().find((r) => r.key === 'd1:checks-forced')!;
    expect(note.threadKey).toBe('d1:parent');
    expect(note.payload).toContain('<@U07> deployed past the commit checks with `--force`');
  });

  it('GitHub unreadable (403 without checks:read): refused with the permission named; nothing queued', async () => {
    const { f } = setup();
    const replies = captureReplies();
    githubCommit(f.events, 'acme/api', 'main', SHA);
    // GitHub's answer to a token without the permission (docs.github.com/en/rest/overview/permissions-required-for-github-apps).
    const nock = (await import('nock')).default;
    nock('https://api.github.test')
      .get(`/repos/acme/api/commits/${SHA}/check-runs`)
      .query(true)
      .reply(403, { message: 'Resource not accessible by integration', status: '403' });
    await f.send('/deploy', 'api staging');
    expect(replyText(replies[0]!)).toContain('`checks:read`');
    expect(f.deploymentCount()).toBe(0);
  });

  it('an environment without gates never asks GitHub for checks', async () => {
    const { f } = setup();
    githubCommit(f.events, 'acme/web', 'main', SHA);
    await f.send('/deploy', 'web staging');
    expect(f.deployments.get(1)!.state).toBe('queued');
  });
});
