import type { Octokit } from '@octokit/rest';
import type { GitHubStatusState } from '../domain/github-deployment-status.js';
import type { RepoId } from './github.js';

export type GitHubWriteResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number | undefined; headers: Record<string, string | undefined>; message: string };

export interface CreateDeploymentInput {
  sha: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
  production: boolean;
  transient: boolean;
}

export interface CreateStatusInput {
  state: GitHubStatusState;
  description: string;
  logUrl?: string | undefined;
  environmentUrl?: string | undefined;
}

/** GitHub's Deployments API: what the mirror and the Actions build need. */
export interface GitHubDeploymentsApi {
  createDeployment(
    repo: RepoId,
    i: CreateDeploymentInput,
  ): Promise<GitHubWriteResult<{ id: number; createdAt: string }>>;
  createStatus(repo: RepoId, deploymentId: number, i: CreateStatusInput): Promise<GitHubWriteResult<void>>;
}

/** An Octokit error as a result: status, headers (rate-limit hints) and a message that never holds the token. */
export function githubFailure(err: unknown): Extract<GitHubWriteResult<never>, { ok: false }> {
  const e = err as { status?: unknown; response?: { headers?: Record<string, unknown> }; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(e.response?.headers ?? {}))
    headers[k.toLowerCase()] = v == null ? undefined : String(v);
  const message = typeof e.message === 'string' ? e.message.split('\n')[0]!.slice(0, 200) : String(err);
  return { ok: false, status, headers, message: status ? `HTTP ${status}: ${message}` : message };
}

export class OctokitDeployments implements GitHubDeploymentsApi {
  constructor(private readonly octokit: Octokit) {}

  async createDeployment(repo: RepoId, i: CreateDeploymentInput) {
    try {
      const res = await this.octokit.rest.repos.createDeployment({
        owner: repo.owner,
        repo: repo.name,
        ref: i.sha,
        task: 'deploy',
        environment: i.environment,
        description: i.description,
        payload: i.payload,
        // GitHub would otherwise merge the default branch into an older ref and deploy that merge.
        auto_merge: false,
        // Coxswain's own gates (approvals, locks) decide; the default would require every commit status to pass.
        required_contexts: [],
        production_environment: i.production,
        transient_environment: i.transient,
      });
      // 202: GitHub merged the default branch instead of creating a deployment (cannot happen with auto_merge false).
      if (res.status !== 201 || !('id' in res.data)) {
        return {
          ok: false as const,
          status: res.status,
          headers: {},
          message: `HTTP ${res.status}: no deployment created (${'message' in res.data ? res.data.message : 'merged'})`,
        };
      }
      return { ok: true as const, value: { id: res.data.id, createdAt: res.data.created_at } };
    } catch (err) {
      return githubFailure(err);
    }
  }

  async createStatus(repo: RepoId, deploymentId: number, i: CreateStatusInput) {
    try {
      await this.octokit.rest.repos.createDeploymentStatus({
        owner: repo.owner,
        repo: repo.name,
        deployment_id: deploymentId,
        state: i.state,
        description: i.description,
        ...(i.logUrl ? { log_url: i.logUrl } : {}),
        ...(i.environmentUrl ? { environment_url: i.environmentUrl } : {}),
      });
      return { ok: true as const, value: undefined };
    } catch (err) {
      return githubFailure(err);
    }
  }
}
