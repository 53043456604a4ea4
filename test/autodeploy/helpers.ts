import nock from 'nock';
import type { Config } from '../../src/app/config.js';
import type { Deployment } from '../../src/domain/deployment.js';
import type { Db } from '../../src/store/db.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { exampleConfig, type exampleConfigRaw } from '../helpers/config.js';
import { GITHUB_API } from '../helpers/github-nock.js';
import { newDeployment } from '../helpers/rows.js';

export const SHA_A = 'a'.repeat(40);
export const SHA_B = 'b'.repeat(40);
export const SHA_C = 'c'.repeat(40);
export const SHA_D = 'd'.repeat(40);

type Raw = typeof exampleConfigRaw;

/**
 * The README example with continuous delivery: api/staging follows main, api/production promotes from staging
 * after a 30-minute soak (and keeps its approver), octocat maps to Slack user U07.
 */
export function cdConfig(edit: (raw: Raw & Record<string, unknown>) => void = () => {}): Config {
  return exampleConfig((r) => {
    const raw = r as Raw & Record<string, unknown>;
    const envs = raw.services.api.environments as Record<string, Record<string, unknown>>;
    envs.staging = { autoDeploy: { branch: 'main' } };
    envs.production = { ...envs.production, promoteFrom: 'staging', soakMinutes: 30 };
    raw.github = { users: { octocat: 'U07' } };
    raw.timing = { ...raw.timing, watchSeconds: 30 } as Raw['timing'];
    edit(raw);
    return raw;
  });
}

/**
 * GET /repos/{owner}/{repo}/branches/{branch} in GitHub's shape (docs.github.com/en/rest/branches/branches#get-a-branch:
 * name, commit{sha, commit{message, author, committer}, author{login}}, protected) with an ETag header; GitHub
 * answers a matching If-None-Match with 304 Not Modified, which does not count against the rate limit
 * (docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
 */
export function branchHead(
  repo: string,
  branch: string,
  head: { sha: string; message?: string; author?: string | null; etag?: string },
  o: { ifNoneMatch?: string; noEtag?: boolean } = {},
) {
  // badheaders: the interceptor does not match a request that carries If-None-Match.
  const scope = nock(GITHUB_API, o.noEtag ? { badheaders: ['if-none-match'] } : {});
  const path = `/repos/${repo}/branches/${encodeURIComponent(branch)}`;
  const interceptor = o.ifNoneMatch ? scope.get(path).matchHeader('if-none-match', o.ifNoneMatch) : scope.get(path);
  return interceptor.reply(
    200,
    {
      name: branch,
      commit: {
        sha: head.sha,
        node_id: 'C_kwDOA',
        commit: {
          author: { name: 'Octo Cat', email: 'octocat@example.com', date: '2026-11-22T08:59:00Z' },
          committer: { name: 'GitHub', email: 'noreply@github.com', date: '2026-11-22T08:59:00Z' },
          message: head.message ?? 'Ship it',
          tree: { sha: 'f'.repeat(40), url: `${GITHUB_API}/repos/${repo}/git/trees/${'f'.repeat(40)}` },
          url: `${GITHUB_API}/repos/${repo}/git/commits/${head.sha}`,
          comment_count: 0,
        },
        author: head.author === null ? null : { login: head.author ?? 'octocat', id: 1, type: 'User' },
        committer: { login: 'web-flow', id: 2, type: 'User' },
        parents: [],
        url: `${GITHUB_API}/repos/${repo}/commits/${head.sha}`,
      },
      _links: {
        self: `${GITHUB_API}/repos/${repo}/branches/${branch}`,
        html: `https://github.com/${repo}/tree/${branch}`,
      },
      protected: true,
    },
    { ETag: head.etag ?? `W/"etag-${head.sha.slice(0, 6)}"`, 'Content-Type': 'application/json; charset=utf-8' },
  );
}

/** The 304 GitHub sends for an unchanged branch when our If-None-Match matches. */
export function branchNotModified(repo: string, branch: string, etag: string) {
  return nock(GITHUB_API)
    .get(`/repos/${repo}/branches/${encodeURIComponent(branch)}`)
    .matchHeader('if-none-match', etag)
    .reply(304, '', { ETag: etag });
}

/**
 * GET /repos/{owner}/{repo}/compare/{base}...{head} (docs.github.com/en/rest/commits/commits#compare-two-commits):
 * ahead_by, behind_by, total_commits, commits[] chronological.
 */
export function compare(repo: string, base: string, head: string, messages: string[], times = 1) {
  return nock(GITHUB_API)
    .get(`/repos/${repo}/compare/${base}...${head}`)
    .query(true)
    .times(times)
    .reply(200, {
      status: 'ahead',
      ahead_by: messages.length,
      behind_by: 0,
      total_commits: messages.length,
      commits: messages.map((m, i) => ({
        sha: `${String(i).repeat(40)}`.slice(0, 40),
        commit: { message: m, author: { name: 'Octo Cat', date: '2026-11-22T08:00:00Z' } },
        author: { login: 'octocat' },
      })),
    });
}

/** History: a deployment of `sha` that succeeded on `targetKey` at `finishedAt` (real store, guarded transitions). */
export function seedSucceeded(
  db: Db,
  targetKey: string,
  sha: string,
  finishedAt: number,
  channel = 'C0DEPLOYS',
): Deployment {
  const repo = new DeploymentsRepo(db);
  const { deployment } = repo.enqueue(newDeployment(targetKey, { ref: sha, sha, channel }), finishedAt - 120_000);
  repo.transition(deployment.id, 'queued', 'deploying', finishedAt - 60_000, { startedAt: finishedAt - 60_000 });
  return repo.transition(deployment.id, 'deploying', 'succeeded', finishedAt)!;
}
