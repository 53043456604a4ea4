import { gitHubStatus } from '../adapters/github-errors.js';
import { allTargets } from '../domain/targets.js';
import { type CheckResult, type DoctorCheck, errorText, fail, ok, warn } from './check.js';

const AREA = 'github';

/**
 * What the delivery loop reads from GitHub, read-only: targets with `gates` need the token to read check runs
 * (Checks: read) and commit statuses (Commit statuses: read) — asked on the service's default ref; targets with
 * `autoDeploy` need the watched branch to exist (GET branch; 404 = a typo or a deleted branch).
 * REST: checks/runs#list-check-runs-for-a-git-reference, commits/statuses#get-the-combined-status-for-a-specific-reference,
 * branches/branches#get-a-branch (403 = the token lacks the permission, 404 = not found or not visible).
 */
export const deliveryCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    const out: CheckResult[] = [];
    const seen = new Set<string>();
    for (const t of allTargets(ctx.config)) {
      const full = `${t.repo.owner}/${t.repo.name}`;
      const repo = { owner: t.repo.owner, repo: t.repo.name };
      if (t.env.gates && !seen.has(`gates ${full}`)) {
        seen.add(`gates ${full}`);
        const name = `checks ${full}`;
        try {
          await ctx.octokit.rest.checks.listForRef({ ...repo, ref: t.defaultRef, per_page: 1 });
          await ctx.octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: t.defaultRef, per_page: 1 });
          out.push(ok(AREA, name, `check runs and commit statuses readable (gates of ${t.key})`));
        } catch (err) {
          const s = gitHubStatus(err);
          if (s === 403 || s === 404) {
            out.push(
              fail(
                AREA,
                name,
                `the token cannot read check runs or commit statuses (HTTP ${s}): the gates of ${t.key} would refuse every deploy`,
                `give GITHUB_TOKEN Checks: read and Commit statuses: read on ${full} (checks:read, statuses:read for a GitHub App)`,
              ),
            );
          } else out.push(warn(AREA, name, `could not check (${errorText(err)})`, 'run the doctor again'));
        }
      }
      const branch = t.env.autoDeploy?.branch;
      if (branch && !seen.has(`branch ${full} ${branch}`)) {
        seen.add(`branch ${full} ${branch}`);
        const name = `auto-deploy ${t.key}`;
        try {
          const b = await ctx.octokit.rest.repos.getBranch({ ...repo, branch });
          out.push(ok(AREA, name, `watches ${full}@${branch} (head ${b.data.commit.sha.slice(0, 7)})`));
        } catch (err) {
          if (gitHubStatus(err) === 404) {
            out.push(
              fail(
                AREA,
                name,
                `branch ${branch} does not exist in ${full} (or the token cannot see it): nothing would ever deploy`,
                `fix services.${t.service}.environments.${t.environment}.autoDeploy.branch`,
              ),
            );
          } else out.push(warn(AREA, name, `could not check (${errorText(err)})`, 'run the doctor again'));
        }
      }
    }
    return out;
  },
};
