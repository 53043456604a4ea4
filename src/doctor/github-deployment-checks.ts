import { parse as parseYaml } from 'yaml';
import { gitHubStatus } from '../adapters/github-errors.js';
import { allTargets } from '../domain/targets.js';
import { type Db, hasTable } from '../store/db.js';
import { githubPermissionProblems } from '../store/github-deployments-repo.js';
import { type CheckResult, type DoctorCheck, errorText, fail, ok, warn } from './check.js';

const AREA = 'github';

/** Whether a workflow's `on:` (a string, a list or a map) includes the deployment event. */
export function triggersOnDeployment(doc: unknown): boolean {
  const on = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).on : undefined;
  if (typeof on === 'string') return on === 'deployment';
  if (Array.isArray(on)) return on.includes('deployment');
  return !!on && typeof on === 'object' && Object.hasOwn(on, 'deployment');
}

/**
 * Workflow builds (`build.workflow`): the workflow exists and is enabled (Actions: read), its file says
 * `on: deployment` (else the GitHub deployment starts nothing), and its `run-name` names the deployment id (else two
 * deployments of one SHA cannot be told apart). Read-only: GET workflow and GET contents.
 */
export const githubActionsCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    const seen = new Set<string>();
    const out: CheckResult[] = [];
    for (const t of allTargets(ctx.config)) {
      const file = t.build?.workflow;
      const full = `${t.repo.owner}/${t.repo.name}`;
      if (!file || seen.has(`${full}|${file}`)) continue;
      seen.add(`${full}|${file}`);
      const name = `workflow ${full}/.github/workflows/${file}`;
      const path = `.github/workflows/${file}`;
      try {
        const wf = await ctx.octokit.rest.actions.getWorkflow({
          owner: t.repo.owner,
          repo: t.repo.name,
          workflow_id: file,
        });
        if (wf.data.state !== 'active') {
          out.push(
            fail(
              AREA,
              name,
              `is ${wf.data.state}: no run would start`,
              `enable it: gh workflow enable ${file} -R ${full}`,
            ),
          );
          continue;
        }
        const c = await ctx.octokit.rest.repos.getContent({ owner: t.repo.owner, repo: t.repo.name, path });
        const content = 'content' in c.data && typeof c.data.content === 'string' ? c.data.content : '';
        const doc: unknown = parseYaml(Buffer.from(content, 'base64').toString('utf8'));
        if (!triggersOnDeployment(doc)) {
          out.push(
            fail(
              AREA,
              name,
              'has no `on: deployment`: the GitHub deployment Coxswain creates would start nothing',
              'add `on: deployment` (README: GitHub Actions)',
            ),
          );
          continue;
        }
        const runName = (doc as { 'run-name'?: unknown })['run-name'];
        if (typeof runName !== 'string' || !runName.includes('github.event.deployment.id')) {
          out.push(
            warn(
              AREA,
              name,
              'on: deployment, but no `run-name` with the deployment id: two deployments of one SHA at once fail as ambiguous',
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, shown as is
              'add `run-name: Deploy ${{ github.event.deployment.environment }} (${{ github.event.deployment.id }})`',
            ),
          );
        } else {
          out.push(ok(AREA, name, 'active, on: deployment, run-name names the deployment'));
        }
      } catch (err) {
        const s = gitHubStatus(err);
        if (s === 404) {
          out.push(
            fail(
              AREA,
              name,
              'not found on the default branch, or the token cannot see it',
              `add ${path} (README: GitHub Actions), or give the token Actions: read and Contents: read on ${full}`,
            ),
          );
        } else if (s === 401 || s === 403) {
          out.push(
            fail(
              AREA,
              name,
              `the token was refused (${errorText(err)})`,
              `give the token Actions: read and Contents: read on ${full}`,
            ),
          );
        } else {
          out.push(warn(AREA, name, `could not check (${errorText(err)})`, 'run the doctor again'));
        }
      }
    }
    return out;
  },
};

/** What the running bot remembered (ADR 0009-i15): repos whose token GitHub refused for deployments. */
export function githubFlagResults(db: Db): CheckResult[] {
  if (!hasTable(db, 'github_permission_problems')) return [];
  return githubPermissionProblems(db).map((p) =>
    fail(
      AREA,
      `deployments for ${p.repo}`,
      `GitHub refused the token since ${new Date(p.since).toISOString()} (${p.message}): deployments are not mirrored`,
      `give the token Deployments: read and write on ${p.repo}; the flag clears at the next accepted write`,
    ),
  );
}
