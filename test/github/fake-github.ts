import nock from 'nock';
import { createOctokit } from '../../src/adapters/github.js';
import { silentLogger } from '../../src/app/logger.js';

type Reply = [number, string, Record<string, string>];
const json = { 'content-type': 'application/json; charset=utf-8' };

export interface FakeRun {
  id: number;
  path: string;
  head_sha: string;
  event: string;
  status: string;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
  run_started_at: string;
  display_title: string;
}

export interface FakeJob {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url: string;
  started_at: string | null;
  completed_at: string | null;
  steps: { name: string; number: number; status: string; conclusion: string | null }[];
}

/** Where job logs are redirected to: a nock'd host, never really fetched (loopback only). */
export const LOG_HOST = 'https://pipelines.actions.githubusercontent.invalid';

/**
 * GitHub's REST API as nock answers, in the response shapes of docs.github.com/rest:
 * deployments#create-a-deployment (201; 202 {message} when auto-merged; 409 conflict),
 * deployments/statuses#create-a-deployment-status (201), actions/workflow-runs#list-workflow-runs-for-a-repository
 * ({total_count, workflow_runs[]}), actions/workflow-jobs#list-jobs-for-a-workflow-run ({total_count, jobs[] with
 * steps[]}), actions/workflow-jobs#download-job-logs-for-a-workflow-run (302 Location to a short-lived URL),
 * actions/workflow-runs#cancel-a-workflow-run (202; 409 when already completed). Errors: {message, documentation_url}.
 */
export class FakeGitHub {
  deployments: { repo: string; body: Record<string, unknown>; id: number }[] = [];
  statuses: { repo: string; deploymentId: number; body: Record<string, unknown> }[] = [];
  runs: FakeRun[] = [];
  jobs = new Map<number, FakeJob[]>();
  logs = new Map<number, string>();
  cancels: number[] = [];
  calls: string[] = [];
  /** Queued failures per route ('deployments', 'statuses', 'runs', …), consumed one per request. */
  failures = new Map<string, { status: number; message: string; headers?: Record<string, string> }[]>();
  private nextId = 9000;

  failNext(route: string, status: number, message: string, headers?: Record<string, string>): void {
    const list = this.failures.get(route) ?? [];
    list.push({ status, message, ...(headers ? { headers } : {}) });
    this.failures.set(route, list);
  }

  /** GitHub's deployment id for a Coxswain deployment (from the payload it was created with). */
  githubIdOf(coxswainId: number): number | undefined {
    return this.deployments.find(
      (d) => (d.body.payload as { coxswain: { deploymentId: number } }).coxswain.deploymentId === coxswainId,
    )?.id;
  }

  /** The states sent for a Coxswain deployment, in order. */
  statesOf(coxswainId: number): unknown[] {
    const id = this.githubIdOf(coxswainId);
    return this.statuses.filter((s) => s.deploymentId === id).map((s) => s.body.state);
  }

  count(route: string): number {
    return this.calls.filter((c) => c === route).length;
  }

  private fail(route: string): Reply | undefined {
    this.calls.push(route);
    const f = this.failures.get(route)?.shift();
    if (!f) return undefined;
    return [
      f.status,
      JSON.stringify({
        message: f.message,
        documentation_url: 'https://docs.github.com/rest',
        status: String(f.status),
      }),
      { ...json, ...(f.headers ?? {}) },
    ];
  }

  install(): void {
    const api = nock('https://api.github.com').persist();
    api.post(/^\/repos\/[^/]+\/[^/]+\/deployments$/).reply(async (req: Request) => {
      const failed = this.fail('deployments');
      if (failed) return failed;
      const repo = new URL(req.url).pathname.split('/').slice(2, 4).join('/');
      const body = JSON.parse(await req.text()) as Record<string, unknown>;
      const id = this.nextId++;
      this.deployments.push({ repo, body, id });
      return [
        201,
        JSON.stringify({
          url: `https://api.github.com/repos/${repo}/deployments/${id}`,
          id,
          node_id: `DE_${id}`,
          sha: body.ref,
          ref: body.ref,
          task: body.task,
          payload: body.payload,
          original_environment: body.environment,
          environment: body.environment,
          description: body.description,
          creator: { login: 'coxswain[bot]' },
          created_at: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          updated_at: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          statuses_url: `https://api.github.com/repos/${repo}/deployments/${id}/statuses`,
          repository_url: `https://api.github.com/repos/${repo}`,
          transient_environment: body.transient_environment,
          production_environment: body.production_environment,
        }),
        json,
      ];
    });
    api.post(/^\/repos\/[^/]+\/[^/]+\/deployments\/\d+\/statuses$/).reply(async (req: Request) => {
      const failed = this.fail('statuses');
      if (failed) return failed;
      const parts = new URL(req.url).pathname.split('/');
      const body = JSON.parse(await req.text()) as Record<string, unknown>;
      const deploymentId = Number(parts[5]);
      this.statuses.push({ repo: parts.slice(2, 4).join('/'), deploymentId, body });
      return [
        201,
        JSON.stringify({ id: this.nextId++, state: body.state, description: body.description, ...body }),
        json,
      ];
    });
    api.get(/^\/repos\/[^/]+\/[^/]+\/actions\/runs\?/).reply((req: Request) => {
      const failed = this.fail('runs');
      if (failed) return failed;
      const q = new URL(req.url).searchParams;
      const runs = this.runs.filter((r) => r.event === q.get('event') && r.head_sha === q.get('head_sha'));
      return [200, JSON.stringify({ total_count: runs.length, workflow_runs: [...runs].reverse() }), json];
    });
    api.get(/^\/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+$/).reply((req: Request) => {
      const failed = this.fail('run');
      if (failed) return failed;
      const id = Number(new URL(req.url).pathname.split('/').at(-1));
      const run = this.runs.find((r) => r.id === id);
      return run ? [200, JSON.stringify(run), json] : [404, JSON.stringify({ message: 'Not Found' }), json];
    });
    api.get(/^\/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+\/jobs/).reply((req: Request) => {
      const failed = this.fail('jobs');
      if (failed) return failed;
      const id = Number(new URL(req.url).pathname.split('/')[6]);
      const jobs = this.jobs.get(id) ?? [];
      return [200, JSON.stringify({ total_count: jobs.length, jobs }), json];
    });
    api.get(/^\/repos\/[^/]+\/[^/]+\/actions\/jobs\/\d+\/logs$/).reply((req: Request) => {
      const failed = this.fail('logs');
      if (failed) return failed;
      const id = Number(new URL(req.url).pathname.split('/')[6]);
      return [302, '', { location: `${LOG_HOST}/logs/${id}?sig=short-lived` }];
    });
    nock(LOG_HOST)
      .persist()
      .get(/^\/logs\/\d+/)
      .reply((req: Request) => {
        this.calls.push('log-download');
        const id = Number(new URL(req.url).pathname.split('/')[2]);
        return [200, this.logs.get(id) ?? '', { 'content-type': 'text/plain' }];
      });
    api.post(/^\/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+\/cancel$/).reply((req: Request) => {
      const failed = this.fail('cancel');
      if (failed) return failed;
      const id = Number(new URL(req.url).pathname.split('/')[6]);
      this.cancels.push(id);
      return [202, '{}', json];
    });
  }

  /** GitHub's clock for created_at (tests use the FakeClock). */
  now: () => number = () => Date.UTC(2026, 10, 22, 9, 0, 0);
}

/** Octokit as tests use it: no retries, no throttling, so nock sees exactly one request per call. */
export function testOctokit() {
  return createOctokit({ token: 'ghp_test_not_real', logger: silentLogger, retries: false });
}
