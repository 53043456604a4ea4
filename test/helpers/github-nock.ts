import { createHmac } from 'node:crypto';
import nock from 'nock';

/** The GitHub API base the tests configure (GITHUB_API_URL); nock answers it. */
export const GITHUB_API = 'https://api.github.test';

/**
 * GET /repos/{owner}/{repo}/commits/{ref} as /deploy resolves a ref to a SHA
 * (docs.github.com/en/rest/commits/commits#get-a-commit: `sha`, `commit.message`). `events` records "github" per call.
 */
export function githubCommit(
  repo: string,
  ref: string,
  sha: string,
  o: { times?: number; events?: string[]; message?: string } = {},
) {
  return nock(GITHUB_API)
    .get(`/repos/${repo}/commits/${encodeURIComponent(ref)}`)
    .query(true)
    .times(o.times ?? 1)
    .reply(200, () => {
      o.events?.push('github');
      return { sha, commit: { message: o.message ?? 'Ship it' } };
    });
}

/** X-Hub-Signature-256 as GitHub signs a webhook delivery (docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries). */
export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** One GitHub REST answer as nock replies it: status, the JSON body GitHub sends, headers. */
export type GitHubReply = [number, string, Record<string, string>];

export function githubJson(status: number, body: unknown): GitHubReply {
  return [status, JSON.stringify(body), { 'content-type': 'application/json' }];
}

/** Every GET to api.github.com answered by `route(path)` (path decoded); returns the calls, "GET /path", in order. */
export function githubGets(route: (path: string) => GitHubReply): string[] {
  const calls: string[] = [];
  nock('https://api.github.com')
    .persist()
    .get(/.*/)
    .reply((req: Request) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      calls.push(`GET ${path}`);
      return route(path);
    });
  return calls;
}
