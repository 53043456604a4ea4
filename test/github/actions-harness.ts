import { afterEach } from 'vitest';
import { OctokitActions } from '../../src/adapters/github-actions.js';
import type { Config } from '../../src/app/config.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { progressHook } from '../helpers/services.js';
import { Harness, SHA } from '../pipeline/harness.js';
import { type FakeJob, testOctokit } from './fake-github.js';
import { mirrorHarness } from './mirror-harness.js';

/** Services built by GitHub Actions: `app` (mode parameters) and `appcdk` (mode build: the workflow runs cdk). */
export function actionsConfig(): Config {
  return exampleConfig((r) => ({
    ...r,
    services: {
      ...r.services,
      app: {
        repo: 'acme/app',
        build: { workflow: 'deploy.yml' },
        stack: { name: 'app-{env}', parameters: { Version: '{sha}' } },
        environments: { staging: {}, production: {} },
      },
      apptpl: {
        repo: 'acme/apptpl',
        mode: 'template',
        build: { workflow: 'synth.yml', artifacts: 's3://acme-builds/{service}/{sha}' },
        template: { artifact: 'cdk.out/App-{env}.template.json' },
        stack: { name: 'apptpl-{env}', parameters: { Version: '{sha}' } },
        environments: { staging: {} },
      },
      appcdk: {
        repo: 'acme/appcdk',
        mode: 'build',
        build: { workflow: 'cdk.yml' },
        stack: { name: 'appcdk-{env}' },
        environments: { staging: {} },
      },
    },
  }));
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The deploy worker (nock'd AWS) + the GitHub mirror and status worker + Actions, one database and clock. */
export function actionsHarness() {
  const clock = new FakeClock();
  const db = testDb();
  const config = actionsConfig();
  const m = mirrorHarness(db, config, clock);
  const progress = progressHook(db, config, clock);
  const h = new Harness({
    db,
    clock,
    config,
    deps: { actions: new OctokitActions(testOctokit()), onPoll: progress.onPoll },
  });
  h.cfn.addStack('app-staging', 'UPDATE_COMPLETE', { Version: 'v1' });
  h.cfn.addStack('app-production', 'UPDATE_COMPLETE', { Version: 'v1' });
  h.cfn.addStack('appcdk-staging', 'UPDATE_COMPLETE', {});
  h.cfn.addStack('apptpl-staging', 'UPDATE_COMPLETE', { Version: 'v1' });
  /** A `deployment` run of the workflow, as GitHub lists it (workflow_runs[] of GET /actions/runs). */
  const addRun = (o: {
    id: number;
    workflow?: string;
    sha?: string;
    title?: string;
    status?: string;
    repo?: string;
  }) => {
    const run = {
      id: o.id,
      name: 'Deploy',
      path: `.github/workflows/${o.workflow ?? 'deploy.yml'}`,
      head_sha: o.sha ?? SHA,
      event: 'deployment',
      status: o.status ?? 'in_progress',
      conclusion: null as string | null,
      html_url: `https://github.com/${o.repo ?? 'acme/app'}/actions/runs/${o.id}`,
      created_at: iso(clock.now()),
      updated_at: iso(clock.now()),
      run_started_at: iso(clock.now()),
      display_title: o.title ?? 'Deploy',
    };
    m.gh.runs.push(run);
    return run;
  };
  /** /deploy of `service` to `env`: the worker claims it (building) and the mirror creates its GitHub deployment, which starts the workflow. */
  const startBuild = async (service: string, env = 'staging') => {
    const d = h.enqueue(service, env);
    await h.worker.tick();
    await m.worker.tick();
    return d;
  };
  return { h, m, clock, db, config, addRun, iso, startBuild };
}

/** actionsHarness() for each test of the file that calls this, closed after it. */
export function actionsSetup(): () => ReturnType<typeof actionsHarness> {
  let close: (() => void) | undefined;
  afterEach(() => close?.());
  return () => {
    const x = actionsHarness();
    close = () => x.h.close();
    return x;
  };
}

/** A job of run 501 as GET /actions/runs/{id}/jobs lists it; steps are [name, status, conclusion]. */
export const job = (
  id: number,
  name: string,
  status: string,
  conclusion: string | null,
  steps: [string, string, string | null][],
): FakeJob => ({
  id,
  name,
  status,
  conclusion,
  html_url: `https://github.com/acme/app/actions/runs/501/job/${id}`,
  started_at: '2026-11-22T09:00:10Z',
  completed_at: status === 'completed' ? '2026-11-22T09:03:00Z' : null,
  steps: steps.map(([n, s, c], i) => ({ name: n, number: i + 1, status: s, conclusion: c })),
});
