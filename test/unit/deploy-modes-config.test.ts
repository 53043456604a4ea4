import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/config.js';
import { findTarget } from '../../src/domain/targets.js';
import {
  configErrorsOf as errorsOf,
  exampleConfig,
  exampleConfigRaw,
  modesConfig,
  type RawConfig as Raw,
} from '../helpers/config.js';

describe('deploy mode config', () => {
  it('keeps existing configs valid: mode parameters, one stack', () => {
    const t = findTarget(exampleConfig(), 'api', 'staging');
    expect(t.ok && t.target.mode).toBe('parameters');
    expect(t.ok && t.target.stacks).toEqual([{ name: 'api-staging', parameters: { ImageTag: '{sha}' } }]);
  });

  it('resolves modes, multi-stack lists and template paths per environment', () => {
    const config = modesConfig();
    const infra = findTarget(config, 'infra', 'staging');
    expect(infra.ok && infra.target.mode).toBe('template');
    expect(infra.ok && infra.target.stacks.map((s) => [s.name, s.template])).toEqual([
      ['infra-network-staging', 'cdk.out/Network.template.json'],
      ['infra-app-staging', 'cdk.out/App.template.json'],
    ]);
    const cdk = findTarget(config, 'cdk', 'staging');
    expect(cdk.ok && cdk.target.mode).toBe('build');
    expect(cdk.ok && cdk.target.stack.name).toBe('cdk-a-staging');
  });

  it('lets an environment override the mode, build and template', () => {
    const errors = errorsOf((r) => {
      r.services.api.environments.staging = { mode: 'template', template: { artifact: 'out/{env}.json' } };
    });
    expect(errors).toEqual([]);
    const raw = structuredClone(exampleConfigRaw) as Raw;
    raw.services.api.environments.staging = { mode: 'template', template: { artifact: 'out/{env}.json' } };
    const t = findTarget(parseConfig(raw), 'api', 'staging');
    expect(t.ok && [t.target.mode, t.target.stack.template]).toEqual(['template', 'out/staging.json']);
    const prod = findTarget(parseConfig(raw), 'api', 'production');
    expect(prod.ok && prod.target.mode).toBe('parameters');
  });

  it('rejects a mode that lacks what it needs, with the path and what to add', () => {
    expect(errorsOf((r) => (r.services.web.mode = 'build'))).toEqual([
      'services.web.environments.staging: mode build needs a `build` block (the CodeBuild project)',
    ]);
    const missing = errorsOf((r) => (r.services.api.mode = 'template'));
    expect(missing[0]).toContain("mode template needs the template's path inside the build artifacts");
    expect(missing[0]).toContain('missing for api-{env}');
    expect(errorsOf((r) => (r.services.api.mode = 'deploy'))[0]).toContain(
      'services.api.mode: one of parameters, template, build',
    );
  });

  it('requires exactly one of stack and stacks, and rejects unknown or misplaced keys', () => {
    expect(errorsOf((r) => (r.services.web.stacks = [{ name: 'x' }]))).toEqual([
      'services.web: give either `stack` or `stacks`, not both',
    ]);
    expect(errorsOf((r) => delete r.services.web.stack)).toEqual([
      'services.web: needs `stack` (one stack) or `stacks` (several, deployed in order)',
    ]);
    expect(errorsOf((r) => (r.services.web.stack.tempalte = 'x'))).toEqual([
      'services.web.stack: unknown key(s) "tempalte"',
    ]);
    expect(errorsOf((r) => (r.services.web.stack.template = 'a.json'))[0]).toContain(
      '`template` is only used with mode template',
    );
    expect(errorsOf((r) => (r.services.web.stack.templateUrl = 'http://x/y'))[0]).toContain('an https URL');
    expect(
      errorsOf((r) => {
        delete r.services.web.stack;
        r.services.web.stacks = [{ name: 'a' }, { name: 'a' }];
      }),
    ).toEqual(['services.web.stacks: stack a is listed twice']);
  });
});
