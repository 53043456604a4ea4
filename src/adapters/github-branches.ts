import type { Octokit } from '@octokit/rest';
import type { RepoId } from './github.js';

/** Branch names of a repository for the /deploy form; failures give an empty list (the form still works). */
export class GitHubBranches {
  constructor(private readonly octokit: Octokit) {}

  async list(repo: RepoId, limit = 25): Promise<string[]> {
    try {
      const res = await this.octokit.rest.repos.listBranches({ owner: repo.owner, repo: repo.name, per_page: limit });
      return res.data.map((b) => b.name).slice(0, limit);
    } catch {
      return [];
    }
  }
}
