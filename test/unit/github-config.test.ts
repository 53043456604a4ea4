import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/config.js';
import { findTarget } from '../../src/domain/targets.js';
import { configErrorsOf as errorsOf, exampleConfigRaw, type RawConfig as Raw } from '../helpers/config.js';

describe('GitHub config', () => {
  it('a workflow build, environment url/production/transient and the mirror default reach the target', () => {
    const raw = structuredClone(exampleConfigRaw) as Raw;
    raw.services.api.build = { workflow: 'deploy.yml' };
    Object.assign(raw.services.api.environments.production, {
      url: 'https://api.acme.example',
      production: true,
    });
    const t = findTarget(parseConfig(raw), 'api', 'production');
    expect(t.ok && t.target.build).toEqual({ workflow: 'deploy.yml', startTimeoutMinutes: 5 });
    expect(t.ok && t.target.githubDeployments).toBe(true);
    expect(t.ok && [t.target.env.url, t.target.env.production, t.target.env.transient]).toEqual([
      'https://api.acme.example',
      true,
      false,
    ]);
  });

  it('refuses project and workflow together, neither, a path for a workflow, and a workflow without the mirror', () => {
    expect(errorsOf((r) => (r.services.api.build = { project: 'p', workflow: 'deploy.yml' }))).toEqual([
      'services.api.build: give either `project` (CodeBuild) or `workflow` (GitHub Actions)',
    ]);
    expect(errorsOf((r) => (r.services.api.build = {}))).toEqual([
      'services.api.build: give either `project` (CodeBuild) or `workflow` (GitHub Actions)',
    ]);
    expect(errorsOf((r) => (r.services.api.build = { workflow: '../deploy.yml' }))).toEqual([
      'services.api.build.workflow: a workflow file name such as deploy.yml',
    ]);
    expect(
      errorsOf((r) => {
        r.services.api.build = { workflow: 'deploy.yml' };
        r.services.api.github = { deployments: false };
      }),
    ).toEqual([
      'services.api.environments.staging: a `workflow` build is started by the GitHub deployment: `github.deployments` must stay true',
      'services.api.environments.production: a `workflow` build is started by the GitHub deployment: `github.deployments` must stay true',
    ]);
    expect(errorsOf((r) => (r.services.api.environments.staging.url = 'ftp://x'))).toEqual([
      'services.api.environments.staging.url: an http or https URL',
    ]);
  });

  it('mode template with a workflow needs the S3 prefix the workflow uploads to, and only then', () => {
    const template = (r: Raw) => {
      r.services.api.mode = 'template';
      r.services.api.template = { artifact: 'cdk.out/Api.template.json' };
      r.services.api.build = { workflow: 'deploy.yml' };
    };
    expect(errorsOf(template)[0]).toContain('needs `build.artifacts`');
    expect(
      errorsOf((r) => {
        template(r);
        r.services.api.build.artifacts = 's3://acme-builds/{sha}';
      }),
    ).toEqual([]);
    expect(errorsOf((r) => (r.services.api.build.artifacts = 's3://acme-builds/{sha}'))[0]).toContain(
      '`build.artifacts` is only used',
    );
  });
});
