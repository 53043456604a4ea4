import type { Octokit } from '@octokit/rest';
import type { RepoId } from './github.js';
import { gitHubStatus } from './github-errors.js';

/** The head of one branch, as GitHub answers a conditional `GET /repos/{owner}/{repo}/branches/{branch}`. */
export type BranchRead =
  /** 304 Not Modified for the ETag we sent: nothing new, and no rate limit spent. */
  | { state: 'unchanged' }
  | {
      state: 'head';
      etag: string | null;
      sha: string;
      /** The head commit's full message (skip markers may be on any line). */
      message: string;
      /** GitHub login of the head commit's author, when GitHub links it to an account. */
      author: string | null;
      /** The head commit's committer date (ISO 8601), for the delivery lead time. */
      committedAt: string | null;
    }
  | { state: 'missing'; message: string }
  | { state: 'error'; message: string };

export interface BranchHeads {
  read(repo: RepoId, branch: string, etag?: string | null): Promise<BranchRead>;
}

export class OctokitBranchHeads implements BranchHeads {
  constructor(private readonly octokit: Octokit) {}

  async read(repo: RepoId, branch: string, etag?: string | null): Promise<BranchRead> {
    try {
      // Octokit encodes the path parameters; the branch name comes from the validated config, never a payload.
      const res = await this.octokit.rest.repos.getBranch({
        owner: repo.owner,
        repo: repo.name,
        branch,
        ...(etag ? { headers: { 'if-none-match': etag } } : {}),
      });
      const c = res.data.commit;
      return {
        state: 'head',
        etag: typeof res.headers.etag === 'string' ? res.headers.etag : null,
        sha: c.sha,
        message: c.commit.message,
        author: c.author && 'login' in c.author ? c.author.login : null,
        committedAt: c.commit.committer?.date ?? c.commit.author?.date ?? null,
      };
    } catch (err) {
      const s = gitHubStatus(err);
      // Octokit raises a RequestError for 304 (docs.github.com/en/rest/using-the-rest-api/best-practices…#use-conditional-requests-if-appropriate).
      if (s === 304) return { state: 'unchanged' };
      if (s === 404) return { state: 'missing', message: `${repo.owner}/${repo.name} has no branch \`${branch}\`` };
      return { state: 'error', message: s ? `HTTP ${s}` : (err as Error).message };
    }
  }
}
