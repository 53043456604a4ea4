import nock from 'nock';
import { OctokitDeployments } from '../../src/adapters/github-deployments.js';
import { WebPermalinks } from '../../src/adapters/slack-permalink.js';
import { createDeliveryWebClient } from '../../src/adapters/slack-web.js';
import type { Config } from '../../src/app/config.js';
import { createLogger } from '../../src/app/logger.js';
import { buildDeploymentCore } from '../../src/deploys/core.js';
import { GitHubStatusWorker } from '../../src/github/status-worker.js';
import type { Db } from '../../src/store/db.js';
import { GitHubDeploymentsRepo } from '../../src/store/github-deployments-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { FakeClock } from '../helpers/clock.js';
import { FakeGitHub, testOctokit } from './fake-github.js';

export const SLACK_API = 'https://slack.test/api/';

/** Log lines a test can read (pino JSON). */
export function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

/**
 * The mirror as runtime.ts wires it: the lifecycle of a DeploymentCore (the mirror is one of its effects) + the
 * status worker with nock'd GitHub and Slack.
 */
export function mirrorHarness(db: Db, config: Config, clock = new FakeClock()) {
  const gh = new FakeGitHub();
  gh.now = () => clock.now();
  gh.install();
  const { logger, lines } = capturingLogger();
  const core = buildDeploymentCore({ db, config, clock, logger, githubWeb: 'https://github.com' });
  const permalinks: string[] = [];
  // chat.getPermalink (docs.slack.dev/reference/methods/chat.getPermalink): {ok, channel, permalink}.
  nock('https://slack.test')
    .persist()
    .post('/api/chat.getPermalink')
    .reply(async (req: Request) => {
      const p = new URLSearchParams(await req.text());
      permalinks.push(p.get('message_ts') ?? '');
      const ts = (p.get('message_ts') ?? '').replace('.', '');
      return [
        200,
        JSON.stringify({
          ok: true,
          channel: p.get('channel'),
          permalink: `https://acme.slack.com/archives/${p.get('channel')}/p${ts}`,
        }),
        { 'content-type': 'application/json' },
      ];
    });
  const worker = new GitHubStatusWorker({
    repos: core,
    targetOf: core.targetOf,
    clock,
    logger,
    api: new OctokitDeployments(testOctokit()),
    permalinks: new WebPermalinks(createDeliveryWebClient({ token: 'xoxb-test-not-real', slackApiUrl: SLACK_API })),
    random: () => 0,
  });
  const repo = new GitHubDeploymentsRepo(db);
  return {
    gh,
    worker,
    repo,
    clock,
    lines,
    permalinks,
    core,
    /** The thread parent as the outbox leaves it once Slack took it: with a ts. */
    parentPosted(deploymentId: number, channel: string, ts = '1763802000.000100') {
      const outbox = new OutboxRepo(db);
      if (!outbox.has(threadKeys.parent(deploymentId))) {
        outbox.post(
          { key: threadKeys.parent(deploymentId), channel, deploymentId, message: { text: 'parent' } },
          clock.now(),
        );
      }
      db.prepare('UPDATE slack_messages SET ts = ? WHERE key = ?').run(ts, threadKeys.parent(deploymentId));
    },
  };
}
