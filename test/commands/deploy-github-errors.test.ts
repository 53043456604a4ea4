import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createOctokit, OctokitGitHub } from '../../src/adapters/github.js';
import { describeReset, retryRateLimit } from '../../src/adapters/github-limits.js';
import { silentLogger } from '../../src/app/logger.js';
import { GITHUB_API } from '../helpers/github-nock.js';
import { captureReplies } from '../helpers/slack-kit.js';
import { commandFixture } from './fixture.js';

// Response shapes from docs.github.com: rest/commits/commits#get-a-commit (404 for a repository the token cannot
// see — private repositories answer 404, not 403 — and 422 "No commit found for SHA" for an unknown ref) and
// rest/using-the-rest-api/rate-limits-for-the-rest-api (403 with x-ratelimit-remaining: 0 and x-ratelimit-reset).
// The throttling plugin reads the real clock to turn x-ratelimit-reset into a wait: the reset is real-now + 37 min.
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const RESET_S = NOW / 1000 + 37 * 60;

function rateLimitedReply(scope: nock.Interceptor) {
  return scope.reply(
    403,
    {
      message: 'API rate limit exceeded for user ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      status: '403',
    },
    {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(RESET_S),
      'x-ratelimit-used': '5000',
      'x-ratelimit-resource': 'core',
    },
  );
}

describe('/deploy: what GitHub errors mean', () => {
  it('a 404 says the repository is missing or the token cannot read it, and queues nothing', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    nock(GITHUB_API).get('/repos/acme/api/commits/main').query(true).reply(404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/commits/commits#get-a-commit',
      status: '404',
    });
    await f.send('/deploy', 'api staging');
    expect(replies[0]!.text).toContain('GitHub cannot find acme/api');
    expect(replies[0]!.text).toContain('cannot read it (private repositories answer "not found"');
    expect(replies[0]!.text).not.toContain('is not a branch');
    expect(f.deploymentCount()).toBe(0);
    expect(f.outboxRows()).toHaveLength(0);
  });

  it('a rate limit says so and when it resets, and queues nothing', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    rateLimitedReply(nock(GITHUB_API).get('/repos/acme/api/commits/main').query(true));
    await f.send('/deploy', 'api staging');
    expect(replies[0]!.text).toContain("GitHub is rate-limiting Coxswain's token: nothing was queued.");
    expect(f.deploymentCount()).toBe(0);
    expect(f.outboxRows()).toHaveLength(0);
  });

  it('with throttling on, a long reset is not waited for: it answers at once with the reset time', async () => {
    const github = new OctokitGitHub(
      createOctokit({ baseUrl: GITHUB_API, logger: silentLogger, retries: true }),
      () => NOW,
    );
    const scope = rateLimitedReply(nock(GITHUB_API).get('/repos/acme/api/commits/main').query(true));
    const started = Date.now();
    const res = await github.resolveRef({ owner: 'acme', name: 'api' }, 'main');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res).toEqual({
      ok: false,
      reason: 'rate_limited',
      message: `GitHub is rate-limiting Coxswain's token: nothing was queued. The limit resets at ${new Date(RESET_S * 1000).toISOString().slice(11, 16)} UTC (in 37 min); try again then.`,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('describes the reset in UTC with the minutes left', () => {
    expect(describeReset(Date.UTC(2026, 0, 1, 14, 5), Date.UTC(2026, 0, 1, 13, 28))).toBe(
      'resets at 14:05 UTC (in 37 min)',
    );
  });

  it('retries only short rate-limit waits', () => {
    expect(retryRateLimit(5, 0, 2)).toBe(true);
    expect(retryRateLimit(20, 1, 2)).toBe(true);
    expect(retryRateLimit(21, 0, 2)).toBe(false);
    expect(retryRateLimit(3600, 0, 2)).toBe(false);
    expect(retryRateLimit(5, 2, 2)).toBe(false);
  });
});

describe('compare: the newest commits, not the oldest', () => {
  // GET /repos/{o}/{r}/compare/{base}...{head}: `commits` are chronological and paginated from the oldest
  // (docs.github.com rest/commits/commits#compare-two-commits), so page 1 holds the oldest 100.
  const commit = (i: number) => ({
    sha: `c${i}`,
    commit: { message: `commit ${i}`, author: { name: 'dev', date: '2026-11-20T09:00:00Z' } },
    author: { login: 'dev' },
  });
  const pageOf = (from: number, to: number) => ({
    status: 'ahead',
    ahead_by: 205,
    behind_by: 0,
    total_commits: 205,
    commits: Array.from({ length: to - from }, (_, k) => commit(from + k)),
  });

  it('reads the last pages so the newest 10 are included', async () => {
    const github = new OctokitGitHub(createOctokit({ baseUrl: GITHUB_API, logger: silentLogger, retries: false }));
    const path = '/repos/acme/api/compare/base...head';
    nock(GITHUB_API)
      .get(path)
      .query({ per_page: '100' })
      .reply(200, pageOf(0, 100))
      .get(path)
      .query({ per_page: '100', page: '3' })
      .reply(200, pageOf(200, 205))
      .get(path)
      .query({ per_page: '100', page: '2' })
      .reply(200, pageOf(100, 200));
    const c = await github.compare({ owner: 'acme', name: 'api' }, 'base', 'head', { newest: 10 });
    expect(c.totalCommits).toBe(205);
    expect(c.commits.slice(-10).map((k) => k.sha)).toEqual(Array.from({ length: 10 }, (_, k) => `c${195 + k}`));
  });
});
