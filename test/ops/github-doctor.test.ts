import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorContext } from '../../src/doctor/check.js';
import {
  githubActionsCheck,
  githubFlagResults,
  triggersOnDeployment,
} from '../../src/doctor/github-deployment-checks.js';
import type { Db } from '../../src/store/db.js';
import { GitHubDeploymentsRepo } from '../../src/store/github-deployments-repo.js';
import { actionsConfig } from '../github/actions-harness.js';
import { testOctokit } from '../github/fake-github.js';
import { testDb } from '../helpers/db.js';
import { githubGets, githubJson } from '../helpers/github-nock.js';

let db: Db | undefined;
afterEach(() => db?.close());

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** A GitHub Actions expression, `${{ … }}`, written without a template-looking string literal. */
const gha = (e: string) => `$\{{ ${e} }}`;

/**
 * GitHub REST as the doctor reads it: actions/workflows#get-a-workflow ({id, name, path, state}),
 * repos/contents#get-repository-content (a file: {type: 'file', encoding: 'base64', content}), 404 {message}.
 */
function github(files: Record<string, { state?: string; text?: string; status?: number }>) {
  return githubGets((path) => {
    const wf = /^\/repos\/([^/]+\/[^/]+)\/actions\/workflows\/(.+)$/.exec(path);
    const ct = /^\/repos\/([^/]+\/[^/]+)\/contents\/\.github\/workflows\/(.+)$/.exec(path);
    const key = wf ? `${wf[1]}/${wf[2]}` : ct ? `${ct[1]}/${ct[2]}` : '';
    const f = files[key];
    if (!f || f.status) return githubJson(f?.status ?? 404, { message: 'Not Found' });
    if (wf)
      return githubJson(200, { id: 1, name: 'Deploy', path: `.github/workflows/${wf[2]}`, state: f.state ?? 'active' });
    return githubJson(200, { type: 'file', encoding: 'base64', name: ct![2], content: b64(f.text ?? '') });
  });
}

function ctx(): DoctorContext {
  return { config: actionsConfig(), octokit: testOctokit() } as unknown as DoctorContext;
}

describe('doctor: GitHub Actions workflows and the deployments flag', () => {
  it('checks each workflow build read-only: on: deployment, run-name with the id, enabled, present', async () => {
    const calls = github({
      'acme/app/deploy.yml': {
        text: `name: Deploy\nrun-name: Deploy ${gha('github.event.deployment.environment')} (${gha('github.event.deployment.id')})\non: deployment\njobs: {}\n`,
      },
      'acme/appcdk/cdk.yml': { text: 'on:\n  push:\n    branches: [main]\njobs: {}\n' },
      'acme/apptpl/synth.yml': { status: 404 },
    });
    const results = await githubActionsCheck.run(ctx());
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['workflow acme/app/.github/workflows/deploy.yml', 'ok'],
      ['workflow acme/apptpl/.github/workflows/synth.yml', 'fail'],
      ['workflow acme/appcdk/.github/workflows/cdk.yml', 'fail'],
    ]);
    expect(results[2]!.detail).toContain('has no `on: deployment`');
    expect(results[1]!.fix).toContain('add .github/workflows/synth.yml');
    // One workflow per repo and file, asked once even with two environments; nothing but GETs.
    expect(calls.filter((c) => c.includes('acme/app/actions'))).toHaveLength(1);
    expect(calls.every((c) => c.startsWith('GET '))).toBe(true);
  });

  it('a workflow without run-name is a warning; a disabled one a failure', async () => {
    github({
      'acme/app/deploy.yml': { text: 'on: [deployment]\njobs: {}\n' },
      'acme/appcdk/cdk.yml': { state: 'disabled_manually' },
      'acme/apptpl/synth.yml': { status: 403 },
    });
    const results = await githubActionsCheck.run(ctx());
    expect(results.map((r) => r.status)).toEqual(['warn', 'fail', 'fail']);
    expect(results[0]!.fix).toContain(gha('github.event.deployment.id'));
    expect(results[2]!.detail).toContain('disabled_manually');
    expect(results[1]!.fix).toContain('Actions: read');
  });

  it('reads on: in every YAML form', () => {
    expect(triggersOnDeployment({ on: 'deployment' })).toBe(true);
    expect(triggersOnDeployment({ on: ['push', 'deployment'] })).toBe(true);
    expect(triggersOnDeployment({ on: { deployment: null } })).toBe(true);
    expect(triggersOnDeployment({ on: { push: null } })).toBe(false);
    expect(triggersOnDeployment(null)).toBe(false);
  });

  it('a repo the bot found refused is a failure with the permission to grant', () => {
    db = testDb();
    expect(githubFlagResults(db)).toEqual([]);
    new GitHubDeploymentsRepo(db).flagPermission(
      'acme/api',
      403,
      'HTTP 403: Resource not accessible by integration',
      Date.UTC(2026, 10, 22),
    );
    const [r] = githubFlagResults(db);
    expect(r).toMatchObject({ area: 'github', name: 'deployments for acme/api', status: 'fail' });
    expect(r!.detail).toContain('since 2026-11-22T00:00:00.000Z');
    expect(r!.fix).toContain('Deployments: read and write on acme/api');
  });
});
