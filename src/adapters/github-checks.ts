import type { Octokit } from '@octokit/rest';
import type { CheckRun, CommitStatus } from '../domain/commit-checks.js';
import type { RepoId } from './github.js';
import { gitHubStatus } from './github-errors.js';

export type CommitChecksResult =
  | { ok: true; runs: CheckRun[]; statuses: CommitStatus[] }
  | { ok: false; message: string };

/** Reads the checks GitHub holds for one commit (needs `checks:read` and `statuses:read`). */
export interface CommitChecksReader {
  read(repo: RepoId, sha: string): Promise<CommitChecksResult>;
}

export class OctokitCommitChecks implements CommitChecksReader {
  constructor(private readonly octokit: Octokit) {}

  async read(repo: RepoId, sha: string): Promise<CommitChecksResult> {
    try {
      // check-runs is paginated (total_count + check_runs[]); paginate() follows the Link header.
      const runs = await this.octokit.paginate(this.octokit.rest.checks.listForRef, {
        owner: repo.owner,
        repo: repo.name,
        ref: sha,
        per_page: 100,
      });
      // The combined status already holds the newest status per context; 100 contexts is GitHub's page maximum.
      const combined = await this.octokit.rest.repos.getCombinedStatusForRef({
        owner: repo.owner,
        repo: repo.name,
        ref: sha,
        per_page: 100,
      });
      return {
        ok: true,
        runs: runs.map((r) => ({
          id: r.id,
          name: r.name,
          status: r.status,
          conclusion: r.conclusion ?? null,
          url: r.html_url ?? null,
        })),
        statuses: combined.data.statuses.map((s) => ({
          context: s.context,
          state: s.state,
          url: s.target_url ?? null,
        })),
      };
    } catch (err) {
      const s = gitHubStatus(err);
      const hint = s === 403 || s === 404 ? ' (the token needs `checks:read` and `statuses:read`)' : '';
      return {
        ok: false,
        message: `GitHub did not return the checks of ${sha.slice(0, 7)} in ${repo.owner}/${repo.name} (${s ? `HTTP ${s}` : (err as Error).message})${hint}. Try again in a moment.`,
      };
    }
  }
}
