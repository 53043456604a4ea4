import type { Deployment } from '../domain/deployment.js';
import { substitute, type Target } from '../domain/targets.js';
import type { DeploymentStack, NewStack } from '../store/stacks-repo.js';
import type { RunContext } from './run-context.js';

/** What a rollback deployment reuses from the deployment it returns to (`rollback_of`). */
export interface RollbackReuse {
  to: Deployment;
  stacks: DeploymentStack[];
}

export function rollbackSource(ctx: Pick<RunContext, 'repo' | 'stacks'>, d: Deployment): RollbackReuse | undefined {
  if (d.kind !== 'rollback' || d.rollbackOf === null) return undefined;
  const to = ctx.repo.get(d.rollbackOf);
  if (!to) return undefined;
  return { to, stacks: ctx.stacks.list(to.id) };
}

/**
 * Whether this deployment runs a build. Mode build always does (the build is the deploy). A rollback skips it when
 * the deployment it returns to built successfully (the image exists) and, in mode template, left its template URL.
 */
export function needsBuild(ctx: Pick<RunContext, 'repo' | 'stacks' | 'phases'>, d: Deployment, t: Target): boolean {
  if (!t.build) return false;
  if (t.mode === 'build') return true;
  const reuse = rollbackSource(ctx, d);
  if (!reuse) return true;
  const built =
    reuse.to.state === 'succeeded' ||
    ctx.phases.forDeployment(reuse.to.id).some((p) => p.phase === 'build' && p.outcome === 'succeeded');
  if (!built) return true;
  if (t.mode === 'template')
    return !t.stacks.every((s) => reuse.stacks.find((r) => r.stackName === s.name)?.templateUrl);
  return false;
}

/**
 * The stack rows of a deployment, from config ({sha}/{ref}/{env}/{service} substituted). A rollback reuses the
 * parameters (and template URL) the deployment it returns to actually used, stack by stack.
 */
export function plannedStacks(ctx: Pick<RunContext, 'repo' | 'stacks'>, d: Deployment, t: Target): NewStack[] {
  const vars = { sha: d.sha, ref: d.ref, env: d.environment, service: d.service };
  const reuse = rollbackSource(ctx, d);
  // A rollback undoes what was changed newest first: the last stack deployed goes back first.
  const order = d.kind === 'rollback' ? [...t.stacks].reverse() : t.stacks;
  return order.map((s) => {
    const prev = reuse?.stacks.find((r) => r.stackName === s.name);
    if (prev)
      return {
        stackName: s.name,
        region: t.region ?? null,
        parameters: prev.parameters,
        templateUrl: prev.templateUrl,
      };
    const parameters = Object.fromEntries(Object.entries(s.parameters).map(([k, v]) => [k, substitute(v, vars)]));
    return { stackName: s.name, region: t.region ?? null, parameters };
  });
}
