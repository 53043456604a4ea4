import nock from 'nock';
import { createOctokit, OctokitGitHub } from '../../src/adapters/github.js';
import { OctokitCommitChecks } from '../../src/adapters/github-checks.js';
import type { Config } from '../../src/app/config.js';
import { silentLogger } from '../../src/app/logger.js';
import { DeployRequests } from '../../src/deploys/requests.js';
import { StatusReport } from '../../src/deploys/status-report.js';
import { CommitGate } from '../../src/gates/commit-gate.js';
import { type CommandDeps, register } from '../../src/slack/commands/index.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { githubCommit as commitNock, GITHUB_API } from '../helpers/github-nock.js';
import { outboxEntries } from '../helpers/outbox-rows.js';
import { GITHUB_WEB, services } from '../helpers/services.js';
import { testApp } from '../helpers/slack-kit.js';

export const SHA = 'abc1234def5678abc1234def5678abc1234def56';
export const SHA2 = '9999999aaaaaaabbbbbbbcccccccdddddddeeeee';

/** A Bolt app with the real commands over a real SQLite, a fake clock and nock'd GitHub (no retries). */
export function commandFixture(o: { config?: Config; digests?: CommandDeps['digests'] } = {}) {
  const db = testDb();
  const clock = new FakeClock();
  const config = o.config ?? exampleConfig();
  const octokit = createOctokit({ baseUrl: GITHUB_API, logger: silentLogger, retries: false });
  const github = new OctokitGitHub(octokit);
  const gate = new CommitGate(new OctokitCommitChecks(octokit));
  const githubWeb = GITHUB_WEB;
  const events: string[] = [];
  const logger = silentLogger;
  const { core, approvals, locks, rollbacks, deployments, outbox } = services(db, config, clock, { github });
  const noDigests: CommandDeps['digests'] = {
    preview: async () => {
      throw new Error('digests not expected in this test');
    },
    tryPost: async () => {
      throw new Error('digests not expected in this test');
    },
  };
  const deps: CommandDeps = {
    config,
    requests: new DeployRequests({ db, config, github, clock, githubWeb, approvals, locks, core, gate }),
    status: new StatusReport({ config, clock, githubWeb, locks, repos: core }),
    digests: o.digests ?? noDigests,
    locks,
    rollbacks,
    logger,
  };
  const t = testApp((app) => register(app, deps), events);
  return {
    ...t,
    db,
    clock,
    config,
    events,
    approvals,
    locks,
    rollbacks,
    gate,
    core,
    github,
    digests: deps.digests,
    deployments,
    outbox,
    deploymentCount: () => (db.prepare('SELECT COUNT(*) AS n FROM deployments').get() as { n: number }).n,
    outboxRows: () => outboxEntries(db),
  };
}

/** GitHub answers getCommit for `ref` with `sha`; records each call in `events` as "github". */
export function githubCommit(events: string[], repo: string, ref: string, sha: string, times = 1) {
  return commitNock(repo, ref, sha, { events, times, message: 'Ship it\n\nbody' });
}

/** Counts any GitHub request at all: for "no GitHub call" assertions. */
export function githubSpy() {
  let calls = 0;
  nock(GITHUB_API)
    .persist()
    .get(/.*/)
    .reply(500, () => {
      calls += 1;
      return { message: 'should not be called' };
    });
  return { calls: () => calls };
}
