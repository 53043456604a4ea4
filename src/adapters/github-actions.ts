import type { Octokit } from '@octokit/rest';
import type { RunCandidate } from '../domain/actions-run-match.js';
import type { RepoId } from './github.js';
import { type GitHubWriteResult, githubFailure } from './github-deployments.js';

export interface WorkflowRun extends RunCandidate {
  /** queued | in_progress | completed | waiting | requested | pending */
  status: string;
  /** success | failure | cancelled | timed_out | skipped | … once completed */
  conclusion: string | null;
  htmlUrl: string;
  runStartedAt: string | null;
  updatedAt: string;
}

export interface WorkflowStep {
  name: string;
  number: number;
  status: string;
  conclusion: string | null;
}

export interface WorkflowJob {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  htmlUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  steps: WorkflowStep[];
}

/** GitHub Actions: what a workflow build needs. The only code that speaks to the Actions API. */
export interface GitHubActionsApi {
  /** `deployment` runs at this SHA, newest first (one page of 100 is far more than one SHA ever has). */
  deploymentRuns(repo: RepoId, sha: string): Promise<WorkflowRun[]>;
  getRun(repo: RepoId, runId: number): Promise<WorkflowRun>;
  /** The latest attempt's jobs with their steps. */
  jobs(repo: RepoId, runId: number): Promise<WorkflowJob[]>;
  /** The job's plain-text log (GitHub answers 302 to a short-lived URL, which fetch follows). */
  jobLog(repo: RepoId, jobId: number): Promise<string>;
  cancelRun(repo: RepoId, runId: number): Promise<GitHubWriteResult<void>>;
}

type RawRun = {
  id: number;
  path: string;
  head_sha: string;
  event: string;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
  run_started_at?: string | undefined;
  display_title: string;
};

function toRun(r: RawRun): WorkflowRun {
  return {
    id: r.id,
    path: r.path,
    headSha: r.head_sha,
    event: r.event,
    status: r.status ?? 'queued',
    conclusion: r.conclusion,
    htmlUrl: r.html_url,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    runStartedAt: r.run_started_at ?? null,
    displayTitle: r.display_title ?? '',
  };
}

export class OctokitActions implements GitHubActionsApi {
  constructor(private readonly octokit: Octokit) {}

  async deploymentRuns(repo: RepoId, sha: string): Promise<WorkflowRun[]> {
    const res = await this.octokit.rest.actions.listWorkflowRunsForRepo({
      owner: repo.owner,
      repo: repo.name,
      event: 'deployment',
      head_sha: sha,
      per_page: 100,
    });
    return res.data.workflow_runs.map((r) => toRun(r as RawRun));
  }

  async getRun(repo: RepoId, runId: number): Promise<WorkflowRun> {
    const res = await this.octokit.rest.actions.getWorkflowRun({ owner: repo.owner, repo: repo.name, run_id: runId });
    return toRun(res.data as RawRun);
  }

  async jobs(repo: RepoId, runId: number): Promise<WorkflowJob[]> {
    const res = await this.octokit.rest.actions.listJobsForWorkflowRun({
      owner: repo.owner,
      repo: repo.name,
      run_id: runId,
      filter: 'latest',
      per_page: 100,
    });
    return res.data.jobs.map((j) => ({
      id: j.id,
      name: j.name,
      status: j.status,
      conclusion: j.conclusion,
      htmlUrl: j.html_url,
      startedAt: j.started_at,
      completedAt: j.completed_at ?? null,
      steps: (j.steps ?? []).map((s) => ({
        name: s.name,
        number: s.number,
        status: s.status,
        conclusion: s.conclusion,
      })),
    }));
  }

  async jobLog(repo: RepoId, jobId: number): Promise<string> {
    const res = await this.octokit.rest.actions.downloadJobLogsForWorkflowRun({
      owner: repo.owner,
      repo: repo.name,
      job_id: jobId,
      // A job log can be many megabytes: read it as a stream and keep only its end.
      request: { parseSuccessResponseBody: false },
    });
    const data: unknown = res.data;
    if (typeof data === 'string') return data.slice(-LOG_KEEP_BYTES);
    if (!data || typeof (data as ReadableStream).getReader !== 'function') return '';
    return readEnd(data as ReadableStream<Uint8Array>, LOG_KEEP_BYTES);
  }

  async cancelRun(repo: RepoId, runId: number): Promise<GitHubWriteResult<void>> {
    try {
      await this.octokit.rest.actions.cancelWorkflowRun({ owner: repo.owner, repo: repo.name, run_id: runId });
      return { ok: true, value: undefined };
    } catch (err) {
      return githubFailure(err);
    }
  }
}

/** How much of the end of a job log is kept in memory (the tail shown is far smaller). */
export const LOG_KEEP_BYTES = 64 * 1024;

/** The last `keep` bytes of a stream, decoded; memory stays bounded whatever the stream's length. */
export async function readEnd(stream: ReadableStream<Uint8Array>, keep: number): Promise<string> {
  const reader = stream.getReader();
  let chunks: Uint8Array[] = [];
  let size = 0;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    total += value.byteLength;
    while (chunks.length > 1 && size - chunks[0]!.byteLength >= keep) size -= chunks.shift()!.byteLength;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  chunks = [];
  const text = new TextDecoder().decode(all.subarray(Math.max(0, size - keep)));
  // Cut: the first line (maybe half a character) is partial, so it goes.
  return total > keep ? text.slice(text.indexOf('\n') + 1) : text;
}

/** Last lines of a job log, without GitHub's timestamps and colour codes, bounded for a Slack reply. */
export function logTail(log: string, maxLines = 25, maxChars = 2_500): string {
  const lines = log
    .replace(/\r/g, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes in CI logs
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z ?/, ''))
    .filter((l) => l.trim().length > 0);
  let tail = lines.slice(-maxLines).join('\n');
  if (tail.length > maxChars) tail = `…${tail.slice(tail.length - maxChars + 1)}`;
  return tail;
}
