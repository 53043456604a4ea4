/**
 * Cross-field rules of coxswain.yml that no single block's schema can express (a mode needs its build, promotion
 * names a sibling environment, approvals vs approvers). configSchema runs them in its superRefine, which JSON
 * Schema cannot carry (config-schema.ts).
 */
import type { z } from 'zod';
import type { environmentSchema, serviceSchema } from './config-blocks.js';

type Ctx = z.RefinementCtx;
type RawService = z.infer<typeof serviceSchema>;
type RawEnvironment = z.infer<typeof environmentSchema>;

/** Every cross-field rule, per service and environment. */
export function checkConfig(cfg: { services: Record<string, RawService> }, ctx: Ctx): void {
  for (const [svc, service] of Object.entries(cfg.services)) {
    checkStacks(service, ['services', svc], ctx);
    for (const [env, e] of Object.entries(service.environments)) {
      checkMode(service, e, ['services', svc, 'environments', env], ctx);
      checkPromotion(service, env, e, ['services', svc, 'environments', env], ctx);
      const approvers = e.approvers?.length ?? 0;
      if (e.requiredApprovals > approvers) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', svc, 'environments', env, 'requiredApprovals'],
          message: `needs ${e.requiredApprovals} approvals but only ${approvers} approvers are listed`,
        });
      }
    }
  }
}

function checkStacks(service: RawService, path: string[], ctx: Ctx): void {
  if (!service.stack === !service.stacks) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: service.stack
        ? 'give either `stack` or `stacks`, not both'
        : 'needs `stack` (one stack) or `stacks` (several, deployed in order)',
    });
  }
  const names = (service.stacks ?? []).map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) ctx.addIssue({ code: 'custom', path: [...path, 'stacks'], message: `stack ${dup} is listed twice` });
}

/** promoteFrom names another environment of the same service, and an environment either promotes or auto-deploys. */
function checkPromotion(service: RawService, env: string, e: RawEnvironment, path: string[], ctx: Ctx): void {
  if (e.promoteFrom === undefined) return;
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path: [...path, 'promoteFrom'], message });
  if (e.promoteFrom === env) issue('an environment cannot promote from itself');
  else if (!Object.hasOwn(service.environments, e.promoteFrom)) {
    issue(
      `\`${e.promoteFrom}\` is not an environment of this service (${Object.keys(service.environments).join(', ')})`,
    );
  }
  if (e.autoDeploy)
    issue(
      'give either `autoDeploy` (follow a branch) or `promoteFrom` (take what another environment proved), not both',
    );
}

/** The mode in effect for one environment must have what it needs; blocks it would ignore are errors. */
function checkMode(service: RawService, e: RawEnvironment, path: string[], ctx: Ctx): void {
  const mode = e.mode ?? service.mode;
  const build = e.build ?? service.build;
  const template = e.template ?? service.template;
  const stacks = service.stacks ?? (service.stack ? [service.stack] : []);
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (mode !== 'parameters' && !build) issue(`mode ${mode} needs a \`build\` block (the CodeBuild project)`);
  if (build?.workflow && !service.github.deployments) {
    issue('a `workflow` build is started by the GitHub deployment: `github.deployments` must stay true');
  }
  if (build?.workflow && mode === 'template' && !build.artifacts) {
    issue('mode template with a `workflow` build needs `build.artifacts`: the S3 prefix the workflow uploads to');
  }
  if (build?.artifacts && !(build.workflow && mode === 'template')) {
    issue('`build.artifacts` is only used by a `workflow` build in mode template');
  }
  if (mode === 'template') {
    const missing = stacks.filter((s) => !s.template && !(stacks.length === 1 && template));
    if (missing.length > 0) {
      issue(
        `mode template needs the template's path inside the build artifacts: \`template: { artifact: cdk.out/X.template.json }\`${stacks.length > 1 ? ' or `template:` on each stack' : ''} (missing for ${missing.map((s) => s.name).join(', ')})`,
      );
    }
  } else if (template || stacks.some((s) => s.template)) {
    issue(`\`template\` is only used with mode template (this environment deploys with mode ${mode})`);
  }
  if (mode !== 'parameters' && stacks.some((s) => s.templateUrl)) {
    issue('`templateUrl` is only used with mode parameters (to create a stack that does not exist yet)');
  }
}
