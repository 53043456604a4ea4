import { BatchGetProjectsCommand, type Project, type ProjectArtifacts } from '@aws-sdk/client-codebuild';
import { allTargets, type Target } from '../domain/targets.js';
import { type CheckResult, type DoctorCheck, errorText, fail, ok, warn } from './check.js';

const AREA = 'codebuild';

/** Source types whose builds honour StartBuild's sourceVersion as a commit (CodeBuild SourceType enum). */
const GIT_SOURCES = new Set([
  'GITHUB',
  'GITHUB_ENTERPRISE',
  'CODECOMMIT',
  'BITBUCKET',
  'GITLAB',
  'GITLAB_SELF_MANAGED',
]);
/** Buildspec commands that move the checkout away from the commit CodeBuild fetched. */
const MOVES_CHECKOUT = /\bgit\s+(checkout|pull|reset|switch|fetch)\b/;

/** Every check of one project against the targets that build with it. */
export function projectFindings(p: Project, targets: Target[], region: string): CheckResult[] {
  const name = p.name ?? '?';
  const label = `project ${name} (${region})`;
  const out: CheckResult[] = [];
  const type = p.source?.type ?? 'NO_SOURCE';
  if (!GIT_SOURCES.has(type)) {
    out.push(
      fail(
        AREA,
        label,
        `source type ${type} does not build a commit: the pinned SHA would be ignored`,
        `give the project a Git source (GitHub, CodeCommit…) on ${targets[0]?.repo.owner}/${targets[0]?.repo.name}: aws codebuild update-project --name ${name} --source type=GITHUB,location=https://github.com/${targets[0]?.repo.owner}/${targets[0]?.repo.name}.git`,
      ),
    );
  } else {
    const repos = [...new Set(targets.map((t) => `${t.repo.owner}/${t.repo.name}`.toLowerCase()))];
    const location = (p.source?.location ?? '').toLowerCase();
    const other = repos.filter((r) => type.startsWith('GITHUB') && !location.includes(r));
    if (other.length > 0) {
      out.push(
        warn(
          AREA,
          label,
          `source ${p.source?.location} is not ${other.join(', ')}`,
          `point the project at the service's repository, or the SHA resolved on GitHub will not exist there`,
        ),
      );
    } else {
      out.push(ok(AREA, label, `Git source (${type}) honours sourceVersion`));
    }
  }
  const buildspec = p.source?.buildspec ?? '';
  if (MOVES_CHECKOUT.test(buildspec)) {
    out.push(
      warn(
        AREA,
        `${label} buildspec`,
        'the inline buildspec runs git checkout/pull/reset/fetch: it may build another commit than the pinned SHA',
        'remove those commands; CodeBuild already checked out the SHA Coxswain asked for',
      ),
    );
  }
  if (p.webhook?.url || (p.webhook?.filterGroups?.length ?? 0) > 0) {
    out.push(
      warn(
        AREA,
        `${label} webhook`,
        'a webhook also builds this project on push: two pipelines building the same code',
        `delete it: aws codebuild delete-webhook --project-name ${name} --region ${region}`,
      ),
    );
  }
  if (targets.some((t) => t.mode === 'template')) {
    const a: Partial<ProjectArtifacts> = p.artifacts ?? {};
    if (a.type !== 'S3') {
      out.push(
        fail(
          AREA,
          `${label} artifacts`,
          `artifacts type ${a.type ?? 'NO_ARTIFACTS'}: mode template reads the template from S3`,
          `set S3 artifacts: aws codebuild update-project --name ${name} --artifacts type=S3,location=<bucket>,packaging=NONE,namespaceType=BUILD_ID`,
        ),
      );
    } else if (a.packaging === 'ZIP') {
      out.push(
        fail(
          AREA,
          `${label} artifacts`,
          'artifacts are zipped: CloudFormation cannot read a template inside a zip',
          `set packaging NONE: aws codebuild update-project --name ${name} --artifacts type=S3,location=${a.location},packaging=NONE,namespaceType=BUILD_ID`,
        ),
      );
    } else if (a.namespaceType !== 'BUILD_ID') {
      out.push(
        warn(
          AREA,
          `${label} artifacts`,
          `namespaceType ${a.namespaceType ?? 'NONE'}: every build writes the same S3 key, so a template may be another build's`,
          `aws codebuild update-project --name ${name} --artifacts type=S3,location=${a.location},packaging=NONE,namespaceType=BUILD_ID`,
        ),
      );
    } else {
      out.push(ok(AREA, `${label} artifacts`, `S3 ${a.location}, unzipped, namespaced by build id`));
    }
  }
  return out;
}

export const codebuildCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    const byProject = new Map<string, { region: string | undefined; project: string; targets: Target[] }>();
    for (const t of allTargets(ctx.config)) {
      // Workflow builds (GitHub Actions) have no CodeBuild project: the GitHub checks look at them.
      const project = t.build?.project;
      if (!project) continue;
      const key = `${t.region ?? ''}|${project}`;
      const entry = byProject.get(key) ?? { region: t.region, project, targets: [] };
      entry.targets.push(t);
      byProject.set(key, entry);
    }
    const out: CheckResult[] = [];
    for (const { region, project, targets } of byProject.values()) {
      const where = region ?? ctx.defaultRegion ?? '(default region)';
      const label = `project ${project} (${where})`;
      try {
        const res = await ctx.aws.codeBuild(region).send(new BatchGetProjectsCommand({ names: [project] }));
        const p = res.projects?.[0];
        if (!p) {
          out.push(
            fail(
              AREA,
              label,
              `does not exist (used by ${targets.map((t) => t.key).join(', ')})`,
              `create it, or fix build.project in the config`,
            ),
          );
          continue;
        }
        out.push(...projectFindings(p, targets, where));
      } catch (err) {
        out.push(
          warn(
            AREA,
            label,
            `could not read it (${errorText(err)})`,
            'allow codebuild:BatchGetProjects for the doctor, or check the project by hand',
          ),
        );
      }
    }
    return out;
  },
};
