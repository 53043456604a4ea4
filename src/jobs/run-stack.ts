import { isNoChangesReason, updateOutcome } from '../domain/cfn-status.js';
import { findRootCause } from '../domain/root-cause.js';
import { substitute, type Target } from '../domain/targets.js';
import type { Deployment } from '../store/deployment-row.js';
import type { DeploymentStack } from '../store/stacks-repo.js';
import { changeSetReply, rootCauseReply, stackUpdateStartedReply } from '../views/thread-replies.js';
import {
  failDeployment,
  mutate,
  type RunContext,
  type StepOutcome,
  stackEventsUrl,
  succeedDeployment,
} from './run-context.js';

/** Events this much older than our operation's start cannot be ours: the first tail stops there. */
const TAIL_SLACK_MS = 5 * 60_000;
/** A terminal stack status with none of our events yet may predate our execute: trust it only after this. */
const STATUS_TRUST_MS = 2 * 60_000;

export function changeSetName(d: Deployment, position: number): string {
  return `coxswain-${d.id}-${position}`;
}

/** The deployment's stacks, created once from config; several stacks are deployed in position order. */
export function ensureStacks(ctx: RunContext, d: Deployment, target: Target): DeploymentStack[] {
  const vars = { sha: d.sha, ref: d.ref, env: d.environment, service: d.service };
  const parameters = Object.fromEntries(
    Object.entries(target.stack.parameters).map(([k, v]) => [k, substitute(v, vars)]),
  );
  return ctx.stacks.ensure(d.id, [{ stackName: target.stack.name, region: target.region ?? null, parameters }]);
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
      return succeedDeployment(
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
  if (!stack) {
    return failDeployment(ctx, d, {
      phase: 'changeset',
      reason: `stack ${s.stackName} does not exist`,
      stackName: s.stackName,
    });
  }
  const name = changeSetName(d, s.position);
  const created = await mutate(() =>
    ctx.cfn.createChangeSet({
      region: target.region,
      stackName: s.stackName,
      changeSetName: name,
      token: d.token,
      parameters: s.parameters,
      existingKeys: stack.parameterKeys,
      description: `Coxswain deployment #${d.id}: ${d.service} ${d.environment} ${d.sha}`,
    }),
  );
  // A crash after CreateChangeSet but before saving it: the deterministic name finds the existing one.
  if (!created.ok && !/AlreadyExists/.test(created.reason)) {
    return failDeployment(ctx, d, { phase: 'changeset', reason: created.reason, stackName: s.stackName });
  }
  const now = ctx.clock.now();
  ctx.db
    .transaction(() => {
      ctx.stacks.update(d.id, s.position, 'pending', {
        status: 'changeset',
        changeSetName: name,
        ...(created.ok && created.value ? { changeSetId: created.value } : {}),
        stackStatus: stack.status,
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
    return failDeployment(
      ctx,
      d,
      { phase: 'changeset', reason: cs.statusReason ?? `change set ${cs.status}`, stackName: s.stackName, link: url },
      { stackUrl: url },
    );
  }
  if (cs.status !== 'CREATE_COMPLETE') return 'waiting' as const;

  if (!s.changes) {
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
        ctx.reporter.reply(d, `changeset-${s.position}`, changeSetReply(s.stackName, cs.changes, url));
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

/** Tails the stack's events once: stores ours (INSERT OR IGNORE), advances last_event_id, posts a new root cause. */
async function readEvents(ctx: RunContext, d: Deployment, target: Target, position: number, url: string) {
  const s = ctx.stacks.get(d.id, position)!;
  const tail = await ctx.cfn.tailEvents(target.region, s.stackName, s.lastEventId, (s.startedAt ?? 0) - TAIL_SLACK_MS);
  const mine = tail.events.filter((e) => e.token === d.token);
  const now = ctx.clock.now();
  return ctx.db
    .transaction(() => {
      const stored = ctx.events.insert(
        mine.map((e) => ({
          eventId: e.eventId,
          deploymentId: d.id,
          stackName: s.stackName,
          logicalId: e.logicalId,
          physicalId: e.physicalId,
          resourceType: e.resourceType,
          status: e.status,
          reason: e.reason,
          timestamp: e.timestamp,
        })),
        now,
      );
      if (tail.newestId) ctx.stacks.update(d.id, position, 'updating', { lastEventId: tail.newestId });
      // Root cause the moment it is read, even while the stack is still rolling back.
      if (stored.some((e) => e.status.endsWith('_FAILED')) && !ctx.reporter.hasReply(d, 'root-cause')) {
        const { cause } = findRootCause(ctx.events.forDeployment(d.id, s.stackName));
        if (cause) ctx.reporter.reply(d, 'root-cause', rootCauseReply(cause, s.stackName, url));
      }
      return stored;
    })
    .immediate();
}

/** The stack's own status as our operation's events report it (the stack-level event), newest first. */
function statusFromEvents(ctx: RunContext, d: Deployment, stackName: string): string | undefined {
  const own = ctx.events
    .forDeployment(d.id, stackName)
    .filter((e) => e.logicalId === stackName && e.resourceType === 'AWS::CloudFormation::Stack');
  return own.at(-1)?.status;
}

/**
 * One poll of a running update. Events first: while our stack-level events say the update runs, DescribeStacks is
 * not needed (one call per poll instead of two). DescribeStacks confirms a terminal status, or stands in when no
 * stack-level event has been read yet; a terminal status not yet seen in events triggers one more tail, so every
 * event up to the end is stored before the result.
 */
async function pollUpdate(ctx: RunContext, d: Deployment, target: Target, s: DeploymentStack) {
  const url = stackEventsUrl(ctx, target, s.stackName);
  const fresh = await readEvents(ctx, d, target, s.position, url);
  let status = statusFromEvents(ctx, d, s.stackName);
  let statusReason: string | null = null;
  if (!status || updateOutcome(status) !== 'running') {
    const stack = await ctx.cfn.describeStack(target.region, s.stackName);
    if (!stack) {
      return failDeployment(ctx, d, {
        phase: 'stack_update',
        reason: `stack ${s.stackName} disappeared`,
        stackName: s.stackName,
      });
    }
    if (updateOutcome(stack.status) !== 'running' && (!status || updateOutcome(status) === 'running')) {
      fresh.push(...(await readEvents(ctx, d, target, s.position, url)));
    }
    status = stack.status;
    statusReason = stack.statusReason;
  }
  const now = ctx.clock.now();
  ctx.stacks.update(d.id, s.position, 'updating', { stackStatus: status });
  const stack = { status, statusReason };

  let outcome = updateOutcome(stack.status);
  const anyMine = fresh.length > 0 || ctx.events.forDeployment(d.id, s.stackName).length > 0;
  const sinceStart = now - (ctx.phases.forDeployment(d.id).find((p) => p.phase === 'stack_update')?.startedAt ?? now);
  if (outcome !== 'running' && !anyMine && sinceStart < STATUS_TRUST_MS) outcome = 'running';

  if (outcome === 'running') return fresh.length > 0 ? ('progressed' as const) : ('waiting' as const);
  if (outcome === 'succeeded') {
    ctx.db
      .transaction(() => {
        ctx.stacks.update(d.id, s.position, 'updating', { status: 'succeeded', finishedAt: now });
        ctx.phases.end(d.id, 'stack_update', 'succeeded', now);
      })
      .immediate();
    return 'stack_done' as const;
  }
  const { cause, cascades } = findRootCause(ctx.events.forDeployment(d.id, s.stackName));
  const inTx = () => {
    ctx.stacks.update(d.id, s.position, 'updating', { status: 'failed', finishedAt: now });
    if (cause) ctx.reporter.reply(d, 'root-cause', rootCauseReply(cause, s.stackName, url));
  };
  return failDeployment(
    ctx,
    d,
    cause
      ? {
          phase: 'stack_update',
          reason: cause.reason ?? cause.status,
          logicalId: cause.logicalId,
          resourceType: cause.resourceType,
          status: cause.status,
          stackName: s.stackName,
          link: url,
        }
      : {
          phase: 'stack_update',
          reason: stack.statusReason ?? `stack ended in ${stack.status}`,
          status: stack.status,
          stackName: s.stackName,
          link: url,
        },
    { cascadeCount: cascades.length, stackUrl: url, inTx },
  );
}
