import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../app/logger.js';
import type { CompareResult } from '../domain/compare.js';
import { classifyGitHubError, gitHubStatus } from './github-errors.js';
import { describeReset, rateLimited, retryRateLimit } from './github-limits.js';

export interface RepoId {
  owner: string;
  name: string;
}

export type ResolveResult =
  | { ok: true; sha: string; message: string; committedAt?: string | null }
  | { ok: false; reason: 'not_found' | 'repo_not_found' | 'rate_limited' | 'error'; message: string };

/** The only code that speaks to GitHub. */
export interface GitHub {
  resolveRef(repo: RepoId, ref: string): Promise<ResolveResult>;
  /** `newest`: make sure the newest N commits are included (GitHub pages compare oldest first). */
  compare(repo: RepoId, base: string, head: string, o?: { newest?: number }): Promise<CompareResult>;
  /** Head SHA and commit date of the repository's default branch. */
  defaultBranchHead(repo: RepoId): Promise<{ branch: string; sha: string; date: string | null }>;
}

export interface GitHubOptions {
  token?: string;
  baseUrl?: string;
  logger: Logger;
  /** Tests turn retries and throttling off so nock sees exactly one request per call. */
  retries?: boolean;
}

const RetryingOctokit = Octokit.plugin(retry, throttling);

/** Commits per compare page (GitHub's maximum). */
const COMPARE_PAGE = 100;

export function createOctokit(o: GitHubOptions): Octokit {
  const retries = o.retries ?? true;
  return new RetryingOctokit({
    ...(o.token ? { auth: o.token } : {}),
    ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
    userAgent: 'coxswain',
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => o.logger.warn({ source: 'octokit' }, m),
      error: (m: string) => o.logger.error({ source: 'octokit' }, m),
    },
    retry: { enabled: retries },
    throttle: {
      enabled: retries,
      // The plugin would wait until x-ratelimit-reset (up to an hour): only short waits are worth holding /deploy.
      onRateLimit: (after: number, _opts: unknown, _kit: unknown, count: number) => retryRateLimit(after, count, 2),
      onSecondaryRateLimit: (after: number, _opts: unknown, _kit: unknown, count: number) =>
        retryRateLimit(after, count, 1),
    },
  });
}

export class OctokitGitHub implements GitHub {
  constructor(
    private readonly octokit: Octokit,
    private readonly now: () => number = Date.now,
  ) {}

  async resolveRef(repo: RepoId, ref: string): Promise<ResolveResult> {
    try {
      const res = await this.octokit.rest.repos.getCommit({ owner: repo.owner, repo: repo.name, ref, per_page: 1 });
      return {
        ok: true,
        sha: res.data.sha,
        message: res.data.commit.message.split('\n')[0] ?? '',
        committedAt: res.data.commit.committer?.date ?? res.data.commit.author?.date ?? null,
      };
    } catch (err) {
      const s = gitHubStatus(err);
      const full = `${repo.owner}/${repo.name}`;
      // GET /repos/{owner}/{repo}/commits/{ref}: an unknown ref is 422 "No commit found for SHA: …"; 404 is the
      // repository itself (missing, or private and invisible to the token: GitHub answers 404, not 403).
      if (s === 422) {
        return { ok: false, reason: 'not_found', message: `\`${ref}\` is not a branch, tag or commit of ${full}.` };
      }
      if (s === 404) {
        return {
          ok: false,
          reason: 'repo_not_found',
          message: `GitHub cannot find ${full}: the repository does not exist, or Coxswain's GITHUB_TOKEN cannot read it (private repositories answer "not found" to a token without access). Check \`repo\` in the config and the token's access (Contents: read).`,
        };
      }
      const limited = rateLimited(err, this.now());
      if (limited) {
        return {
          ok: false,
          reason: 'rate_limited',
          message: `GitHub is rate-limiting Coxswain's token${limited.secondary ? ' (secondary limit)' : ''}: nothing was queued. The limit ${describeReset(limited.resetAt, this.now())}; try again then.`,
        };
      }
      const kind = classifyGitHubError(err);
      if (kind === 'credentials' || kind === 'permission') {
        return {
          ok: false,
          reason: 'error',
          message:
            kind === 'credentials'
              ? `GitHub rejected Coxswain's token (HTTP ${s}): an admin must renew \`GITHUB_TOKEN\`.`
              : `GitHub denies Coxswain access to ${full} (HTTP ${s}): give the token read access to it.`,
        };
      }
      return {
        ok: false,
        reason: 'error',
        message: `GitHub did not answer for ${repo.owner}/${repo.name} (${s ? `HTTP ${s}` : (err as Error).message}). Try again in a moment.`,
      };
    }
  }

  /**
   * Commits in head not in base, chronological (oldest first) like GitHub's compare. The first page holds the
   * OLDEST commits; with `newest`, the last page(s) are read so the result ends with the newest `newest` commits.
   */
  async compare(repo: RepoId, base: string, head: string, o: { newest?: number } = {}): Promise<CompareResult> {
    const page = (n: number) =>
      this.octokit.rest.repos.compareCommitsWithBasehead({
        owner: repo.owner,
        repo: repo.name,
        basehead: `${base}...${head}`,
        per_page: COMPARE_PAGE,
        ...(n > 1 ? { page: n } : {}),
      });
    const res = await page(1);
    let commits = res.data.commits;
    const want = o.newest ?? 0;
    const pages = Math.ceil(res.data.total_commits / COMPARE_PAGE);
    if (want > 0 && pages > 1) {
      const last = (await page(pages)).data.commits;
      // A short last page: the page before it holds the rest of the newest `want`.
      const before = last.length >= want ? [] : pages === 2 ? res.data.commits : (await page(pages - 1)).data.commits;
      commits = [...before, ...last];
    }
    return {
      aheadBy: res.data.ahead_by,
      behindBy: res.data.behind_by,
      totalCommits: res.data.total_commits,
      commits: commits.map((c) => ({
        sha: c.sha,
        message: c.commit.message.split('\n')[0] ?? '',
        author: c.author?.login ?? c.commit.author?.name ?? null,
        date: c.commit.author?.date ?? null,
      })),
    };
  }

  async defaultBranchHead(repo: RepoId): Promise<{ branch: string; sha: string; date: string | null }> {
    const r = await this.octokit.rest.repos.get({ owner: repo.owner, repo: repo.name });
    const branch = r.data.default_branch;
    const c = await this.octokit.rest.repos.getCommit({ owner: repo.owner, repo: repo.name, ref: branch, per_page: 1 });
    return { branch, sha: c.data.sha, date: c.data.commit.committer?.date ?? c.data.commit.author?.date ?? null };
  }
}
