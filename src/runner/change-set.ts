import { isTransientAwsError } from '../adapters/aws-errors.js';
import { logError } from '../app/log-error.js';
import type { StepOutcome } from '../deploys/poll-context.js';
import { isNoChangesReason } from '../domain/cfn-status.js';
import type { Deployment } from '../domain/deployment.js';
import {
  blocking,
  findingLine,
  findingResource,
  isEarlyValidationFailure,
  warnings,
} from '../domain/early-validation.js';
import { preflightStack } from '../domain/stack-preflight.js';
import type { Target } from '../domain/targets.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { changeSetReply, stackUpdateStartedReply } from '../views/thread-replies.js';
import { earlyValidationReply, withValidationWarnings } from '../views/validation-replies.js';
import { refuseLanguageExtensions } from './language-extensions.js';
import { plannedStacks } from './plan.js';
import { failDeployment, mutate, type RunContext, stackEventsUrl } from './run-context.js';
import { TAIL_SLACK_MS } from './stack-events.js';
import { pollUpdate } from './stack-update.js';
import { finishStackUpdate } from './verify.js';

export function changeSetName(d: Deployment, position: number): string {
  return `coxswain-${d.id}-${position}`;
}

/** The deployment's stacks, created once (run-plan.ts); several stacks are deployed in position order. */
export function ensureStacks(ctx: RunContext, d: Deployment, target: Target): DeploymentStack[] {
  return ctx.stacks.ensure(d.id, plannedStacks(ctx, d, target));
}

/**
 * The deploying state. Each stack row says where it stands (pending → changeset → updating → succeeded|noop), so
 * after any crash the next poll continues from the persisted step. At most one AWS-mutating step per stack per call.
 */
export async function stepStacks(ctx: RunContext, d: Deployment, target: Target): Promise<StepOutcome> {
  const rows = ensureStacks(ctx, d, target);
  let progressed = false;
  for (let i = 0; i <= rows.length; i++) {
    const current = ctx.stacks.list(d.id).find((r) => r.status !== 'succeeded' && r.status !== 'noop');
    if (!current) {
      return finishStackUpdate(
        ctx,
        d,
        ctx.stacks.list(d.id).every((r) => r.status === 'noop'),
      );
    }
    let outcome: StepOutcome | 'stack_done';
    if (current.status === 'pending') outcome = await createChangeSet(ctx, d, target, current);
    else if (current.status === 'changeset') outcome = await pollChangeSet(ctx, d, target, current);
    else if (current.status === 'updating') outcome = await pollUpdate(ctx, d, target, current);
    else return failDeployment(ctx, d, { phase: 'stack_update', reason: `stack ${current.stackName} failed` });
    if (outcome !== 'stack_done') return outcome === 'waiting' && progressed ? 'progressed' : outcome;
    progressed = true;
  }
  return 'progressed';
}

async function createChangeSet(ctx: RunContext, d: Deployment, target: Target, s: DeploymentStack) {
  const stack = await ctx.cfn.describeStack(target.region, s.stackName);
  const fail = (reason: string) => failDeployment(ctx, d, { phase: 'changeset', reason, stackName: s.stackName });
  if (stack?.status === 'ROLLBACK_COMPLETE' || stack?.status === 'ROLLBACK_FAILED') {
    return fail(
      `stack ${s.stackName} is ${stack.status} after a failed first deploy: delete it before the next try (CloudFormation cannot update it)`,
    );
  }
  // Preflight again before the change set (a build may have run for minutes): REVIEW_IN_PROGRESS here can be our own
  // CREATE change set from before a crash, so only the states no change set can leave refuse.
  const pre = preflightStack(s.stackName, stack?.status);
  if (!pre.ok && pre.offer !== 'delete') return fail(pre.reason);
  // No stack yet (or only an unexecuted CREATE change set of ours: REVIEW_IN_PROGRESS) → a first deploy.
  const type = !stack || stack.status === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
  // Mode parameters: the configured templateUrl only creates a missing stack. On UPDATE it would replace the
  // stack's current template with that first one and reset every unconfigured parameter to its default.
  const templateUrl =
    target.mode === 'parameters' && type === 'UPDATE'
      ? null
      : (s.templateUrl ?? target.stacks.find((t) => t.name === s.stackName)?.templateUrl ?? null);
  if (type === 'CREATE' && !templateUrl) {
    return fail(
      `stack ${s.stackName} does not exist yet, and mode ${target.mode} only changes the parameters of an existing stack's template: create it first, set \`templateUrl\` on the stack in the config, or use mode template`,
    );
  }
  if (!templateUrl && type === 'UPDATE') {
    const refused = await refuseLanguageExtensions(ctx, target.region, s.stackName);
    if (refused) return fail(refused);
  }
  const name = changeSetName(d, s.position);
  const created = await mutate(() =>
    ctx.cfn.createChangeSet({
      region: target.region,
      stackName: s.stackName,
      changeSetName: name,
      token: d.token,
      parameters: s.parameters,
      existingKeys: stack?.parameterKeys ?? [],
      type,
      templateUrl,
      alarms: target.env.alarms,
      description: `Coxswain deployment #${d.id}: ${d.service} ${d.environment} ${d.sha}`,
    }),
  );
  // A crash after CreateChangeSet but before saving it: the deterministic name finds the existing one.
  if (!created.ok && created.kind !== 'already_exists') return fail(created.reason);
  const now = ctx.clock.now();
  ctx.db
    .transaction(() => {
      ctx.stacks.update(d.id, s.position, 'pending', {
        status: 'changeset',
        changeSetName: name,
        ...(created.ok && created.value ? { changeSetId: created.value } : {}),
        ...(stack ? { stackStatus: stack.status } : {}),
        changeSetType: type,
        startedAt: now,
      });
      ctx.phases.start(d.id, d.targetKey, 'changeset', now);
    })
    .immediate();
  return 'progressed' as const;
}

async function pollChangeSet(ctx: RunContext, d: Deployment, target: Target, s: DeploymentStack) {
  const name = s.changeSetName ?? changeSetName(d, s.position);
  const cs = await ctx.cfn.describeChangeSet(target.region, s.stackName, name);
  const url = stackEventsUrl(ctx, target, s.stackName);
  if (!cs) {
    // CloudFormation may drop change sets once one is executed: our token on recent events proves it was.
    const tail = await ctx.cfn.tailEvents(target.region, s.stackName, null, (s.startedAt ?? 0) - TAIL_SLACK_MS);
    if (tail.events.some((e) => e.token === d.token)) return markUpdating(ctx, d, s, url);
    return failDeployment(ctx, d, {
      phase: 'changeset',
      reason: `change set ${name} disappeared`,
      stackName: s.stackName,
    });
  }
  if (cs.status === 'CREATE_PENDING' || cs.status === 'CREATE_IN_PROGRESS') return 'waiting' as const;
  if (cs.status === 'FAILED' || cs.status === 'DELETE_COMPLETE' || cs.status === 'DELETE_FAILED') {
    if (isNoChangesReason(cs.statusReason)) {
      const now = ctx.clock.now();
      ctx.db
        .transaction(() => {
          ctx.stacks.update(d.id, s.position, 'changeset', { status: 'noop', finishedAt: now });
          ctx.phases.end(d.id, 'changeset', 'succeeded', now);
        })
        .immediate();
      ctx.logger.info({ deploymentId: d.id, stack: s.stackName }, 'change set has no changes');
      return 'stack_done' as const;
    }
    if (isEarlyValidationFailure(cs.statusReason)) return failEarlyValidation(ctx, d, s, name, cs.statusReason, url);
    return failDeployment(
      ctx,
      d,
      { phase: 'changeset', reason: cs.statusReason ?? `change set ${cs.status}`, stackName: s.stackName, link: url },
      { stackUrl: url },
    );
  }
  if (cs.status !== 'CREATE_COMPLETE') return 'waiting' as const;

  if (!s.changes) {
    const warned = warnings(await validationFindings(ctx, d, s, name));
    const now = ctx.clock.now();
    ctx.db
      .transaction(() => {
        if (
          !ctx.stacks.update(d.id, s.position, 'changeset', {
            changes: cs.changes,
            ...(cs.id ? { changeSetId: cs.id } : {}),
          })
        ) {
          return;
        }
        ctx.phases.end(d.id, 'changeset', 'succeeded', now);
        ctx.reporter.reply(
          d,
          `changeset-${s.position}`,
          withValidationWarnings(changeSetReply(s.stackName, cs.changes, url), warned),
        );
      })
      .immediate();
  }
  // Resume: a change set already executed (crash after ExecuteChangeSet) must never be executed twice.
  if (cs.executionStatus === 'AVAILABLE') {
    const executed = await mutate(() => ctx.cfn.executeChangeSet(target.region, s.stackName, name, d.token));
    if (!executed.ok) {
      return failDeployment(ctx, d, {
        phase: 'stack_update',
        reason: executed.reason,
        stackName: s.stackName,
        link: url,
      });
    }
  } else if (
    cs.executionStatus !== 'EXECUTE_IN_PROGRESS' &&
    cs.executionStatus !== 'EXECUTE_COMPLETE' &&
    cs.executionStatus !== 'EXECUTE_FAILED'
  ) {
    return failDeployment(ctx, d, {
      phase: 'changeset',
      reason: `change set cannot be executed (${cs.executionStatus ?? 'unknown'}): ${cs.statusReason ?? 'no reason given'}`,
      stackName: s.stackName,
      link: url,
    });
  }
  return markUpdating(ctx, d, s, url);
}

function markUpdating(ctx: RunContext, d: Deployment, s: DeploymentStack, url: string) {
  const now = ctx.clock.now();
  ctx.db
    .transaction(() => {
      if (!ctx.stacks.update(d.id, s.position, 'changeset', { status: 'updating' })) return;
      ctx.phases.end(d.id, 'changeset', 'succeeded', now);
      ctx.phases.start(d.id, d.targetKey, 'stack_update', now);
      ctx.reporter.reply(d, `update-started-${s.position}`, stackUpdateStartedReply(s.stackName, url));
    })
    .immediate();
  ctx.logger.info({ deploymentId: d.id, stack: s.stackName }, 'stack update started');
  return 'progressed' as const;
}

/**
 * Findings are an explanation, not a step: without the permission (or the API in a region) there are none. A
 * throttled or failed request is retried with the poll (the change set keeps its status meanwhile).
 */
async function validationFindings(ctx: RunContext, d: Deployment, s: DeploymentStack, name: string) {
  try {
    return await ctx.validation.findings(ctx.stacks.get(d.id, s.position)?.region ?? undefined, s.stackName, name);
  } catch (err) {
    if (isTransientAwsError(err)) throw err;
    logError(ctx.logger, err, { deploymentId: d.id, stack: s.stackName }, 'DescribeEvents unavailable', 'warn');
    return [];
  }
}

/** A change set early validation refused: each blocking finding is the root cause; nothing was executed. */
async function failEarlyValidation(
  ctx: RunContext,
  d: Deployment,
  s: DeploymentStack,
  name: string,
  statusReason: string | null,
  url: string,
) {
  const found = await validationFindings(ctx, d, s, name);
  const fails = blocking(found);
  const first = fails[0];
  const failure = first
    ? {
        phase: 'changeset' as const,
        reason: fails.map(findingLine).join('; ').slice(0, 1000),
        ...(findingResource(first) ? { logicalId: findingResource(first)! } : {}),
        ...(first.resourceType ? { resourceType: first.resourceType } : {}),
        stackName: s.stackName,
        link: url,
      }
    : {
        phase: 'changeset' as const,
        reason: statusReason ?? 'early validation failed',
        stackName: s.stackName,
        link: url,
      };
  return failDeployment(ctx, d, failure, {
    stackUrl: url,
    detail: 'CloudFormation refused the change set before executing it: the stack was not changed.',
    inTx: () => {
      if (found.length > 0) ctx.reporter.reply(d, 'root-cause', earlyValidationReply(s.stackName, found, url));
    },
  });
}
