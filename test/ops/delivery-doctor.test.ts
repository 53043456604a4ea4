import { describe, expect, it } from 'vitest';
import type { DoctorContext } from '../../src/doctor/check.js';
import { deliveryCheck } from '../../src/doctor/delivery-checks.js';
import { testOctokit } from '../github/fake-github.js';
import { exampleConfig } from '../helpers/config.js';
import { githubGets, githubJson } from '../helpers/github-nock.js';

const HEAD = 'c0ffee1234567890c0ffee1234567890c0ffee12';

/**
 * GitHub REST as the doctor reads it for the delivery loop: checks/runs#list-check-runs-for-a-git-reference
 * ({total_count, check_runs}), commits/statuses#get-the-combined-status-for-a-specific-reference ({state, statuses}),
 * branches/branches#get-a-branch ({name, commit: {sha}}); a token without Checks: read answers 403
 * {"message":"Resource not accessible by personal access token"}, an unknown branch 404 {"message":"Branch not found"}.
 */
function github(o: { checks?: number; branch?: number }) {
  return githubGets((path) => {
    if (path.endsWith('/check-runs') || path.endsWith('/status')) {
      if (o.checks && o.checks !== 200) {
        return githubJson(o.checks, { message: 'Resource not accessible by personal access token' });
      }
      return path.endsWith('/status')
        ? githubJson(200, { state: 'success', statuses: [], sha: HEAD, total_count: 0 })
        : githubJson(200, { total_count: 0, check_runs: [] });
    }
    if (path.includes('/branches/')) {
      if (o.branch && o.branch !== 200) return githubJson(o.branch, { message: 'Branch not found' });
      return githubJson(200, { name: 'main', commit: { sha: HEAD } });
    }
    return githubJson(404, { message: 'Not Found' });
  });
}

function ctx(): DoctorContext {
  const config = exampleConfig((r) => {
    const web = r.services.web as { environments: Record<string, unknown> };
    web.environments.staging = { autoDeploy: { branch: 'main' }, gates: { checks: 'required' } };
    return r;
  });
  return { config, octokit: testOctokit() } as unknown as DoctorContext;
}

describe('doctor: what the delivery loop reads from GitHub (gates, auto-deploy)', () => {
  it('readable checks and an existing branch are ✓, asked once each, with GETs only', async () => {
    const calls = github({});
    const results = await deliveryCheck.run(ctx());
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['checks acme/web', 'ok'],
      ['auto-deploy web/staging', 'ok'],
    ]);
    expect(results[1]!.detail).toBe('watches acme/web@main (head c0ffee1)');
    expect(calls).toEqual([
      'GET /repos/acme/web/commits/main/check-runs',
      'GET /repos/acme/web/commits/main/status',
      'GET /repos/acme/web/branches/main',
    ]);
  });

  it('a token without Checks: read is ✗ naming the permission; a missing branch is ✗ naming the config key', async () => {
    github({ checks: 403, branch: 404 });
    const results = await deliveryCheck.run(ctx());
    const checks = results.find((r) => r.name === 'checks acme/web')!;
    expect(checks.status).toBe('fail');
    expect(checks.detail).toContain('would refuse every deploy');
    expect(checks.fix).toContain('Checks: read and Commit statuses: read');
    const branch = results.find((r) => r.name === 'auto-deploy web/staging')!;
    expect(branch.status).toBe('fail');
    expect(branch.fix).toBe('fix services.web.environments.staging.autoDeploy.branch');
  });

  it('targets without gates or auto-deploy ask GitHub nothing', async () => {
    const calls = github({});
    const results = await deliveryCheck.run({
      config: exampleConfig(),
      octokit: testOctokit(),
    } as unknown as DoctorContext);
    expect(results).toEqual([]);
    expect(calls).toEqual([]);
  });
});
