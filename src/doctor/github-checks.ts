import { gitHubStatus } from '../adapters/github-errors.js';
import { type CheckResult, type DoctorCheck, errorText, fail, ok, warn } from './check.js';

const AREA = 'github';

export const githubCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    const out: CheckResult[] = [];
    if (!ctx.githubToken) {
      out.push(
        warn(
          AREA,
          'GITHUB_TOKEN',
          'not set: only public repositories, and 60 requests an hour',
          'set GITHUB_TOKEN to a token with Contents: read on the configured repositories',
        ),
      );
    }
    const repos = [...new Set(Object.values(ctx.config.services).map((s) => s.repo))];
    const mirrored = new Set(
      Object.values(ctx.config.services)
        .filter((s) => s.github.deployments)
        .map((s) => s.repo),
    );
    for (const full of repos) {
      const [owner, repo] = full.split('/') as [string, string];
      const name = `repo ${full}`;
      try {
        const r = await ctx.octokit.rest.repos.get({ owner, repo });
        const branch = r.data.default_branch;
        const b = await ctx.octokit.rest.repos.getBranch({ owner, repo, branch });
        out.push(ok(AREA, name, `readable; default branch ${branch} at ${b.data.commit.sha.slice(0, 7)}`));
        if (mirrored.has(full)) out.push(deploymentWrite(full, r.headers['x-oauth-scopes'], r.data.permissions?.push));
      } catch (err) {
        const s = gitHubStatus(err);
        if (s === 401) {
          out.push(
            fail(
              AREA,
              name,
              'the token was refused (401 Bad credentials)',
              'set GITHUB_TOKEN to a valid token (it may have expired)',
            ),
          );
          break;
        }
        if (s === 404) {
          out.push(
            fail(
              AREA,
              name,
              'not found, or the token cannot see it',
              `give the token read access (Contents: read) to ${full}, or fix services.*.repo`,
            ),
          );
        } else {
          out.push(warn(AREA, name, `could not check (${errorText(err)})`, 'run the doctor again'));
        }
      }
    }
    try {
      const r = await ctx.octokit.rest.rateLimit.get();
      const core = r.data.resources.core;
      const reset = new Date(core.reset * 1000).toISOString();
      const detail = `${core.remaining} of ${core.limit} requests left this hour (resets ${reset})`;
      if (core.remaining === 0)
        out.push(fail(AREA, 'rate limit', detail, 'wait for the reset, or use a token of its own for Coxswain'));
      else if (core.remaining < core.limit * 0.1)
        out.push(
          warn(
            AREA,
            'rate limit',
            detail,
            'something else spends this token’s budget: give Coxswain a token of its own',
          ),
        );
      else out.push(ok(AREA, 'rate limit', detail));
    } catch (err) {
      out.push(warn(AREA, 'rate limit', `could not check (${errorText(err)})`, 'run the doctor again'));
    }
    return out;
  },
};

/**
 * Whether the token may create deployments (the Deployments mirror, GitHub Actions builds), read-only: a classic
 * token lists its scopes in `x-oauth-scopes` (docs.github.com "Scopes for OAuth apps": `repo` or `repo_deployment`)
 * and GET /repos answers the user's `permissions.push`; a fine-grained token or GitHub App says neither, and only a
 * write would tell.
 */
function deploymentWrite(full: string, scopesHeader: string | undefined, push: boolean | undefined): CheckResult {
  const name = `deployments ${full}`;
  if (scopesHeader === undefined) {
    return warn(
      AREA,
      name,
      'could not check without creating one (a fine-grained token or GitHub App lists no scopes)',
      `make sure the token has Deployments: read and write on ${full}; a refusal is flagged here after the first deploy`,
    );
  }
  const scopes = scopesHeader.split(',').map((x) => x.trim());
  if (!scopes.includes('repo') && !scopes.includes('repo_deployment')) {
    return fail(
      AREA,
      name,
      `the token's scopes (${scopesHeader || 'none'}) cannot create deployments`,
      'add the repo_deployment scope (or repo) to GITHUB_TOKEN, or set services.*.github.deployments: false',
    );
  }
  if (push === false) {
    return fail(AREA, name, 'the token’s user cannot write to the repository', `give it write access to ${full}`);
  }
  return ok(AREA, name, 'the token may create deployments');
}
