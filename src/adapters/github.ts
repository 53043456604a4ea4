import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../app/logger.js';

export interface RepoId {
  owner: string;
  name: string;
}

export type ResolveResult =
  | { ok: true; sha: string; message: string; committedAt?: string | null }
  | { ok: false; reason: 'not_found' | 'error'; message: string };

export interface CompareResult {
  aheadBy: number;
  behindBy: number;
  totalCommits: number;
  commits: { sha: string; message: string; author: string | null; date: string | null }[];
}

/** The only code that speaks to GitHub. */
export interface GitHub {
  resolveRef(repo: RepoId, ref: string): Promise<ResolveResult>;
  compare(repo: RepoId, base: string, head: string): Promise<CompareResult>;
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
      onRateLimit: (_after: number, _opts: unknown, _kit: unknown, count: number) => count < 2,
      onSecondaryRateLimit: (_after: number, _opts: unknown, _kit: unknown, count: number) => count < 1,
    },
  });
}

function status(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'status' in err
    ? Number((err as { status: unknown }).status)
    : undefined;
}

export class OctokitGitHub implements GitHub {
  constructor(private readonly octokit: Octokit) {}

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
      const s = status(err);
      if (s === 404 || s === 422) {
        return {
          ok: false,
          reason: 'not_found',
          message: `\`${ref}\` is not a branch, tag or commit of ${repo.owner}/${repo.name}.`,
        };
      }
      return {
        ok: false,
        reason: 'error',
        message: `GitHub did not answer for ${repo.owner}/${repo.name} (${s ? `HTTP ${s}` : (err as Error).message}). Try again in a moment.`,
      };
    }
  }

  async compare(repo: RepoId, base: string, head: string): Promise<CompareResult> {
    const res = await this.octokit.rest.repos.compareCommitsWithBasehead({
      owner: repo.owner,
      repo: repo.name,
      basehead: `${base}...${head}`,
      per_page: 100,
    });
    return {
      aheadBy: res.data.ahead_by,
      behindBy: res.data.behind_by,
      totalCommits: res.data.total_commits,
      commits: res.data.commits.map((c) => ({
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
