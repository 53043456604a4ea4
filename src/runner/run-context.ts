import { type AwsErrorKind, awsErrorMessage, classifyAwsError, isRetryableAwsError } from '../adapters/aws-errors.js';
import type { CloudFormationAdapter } from '../adapters/cloudformation.js';
import type { EarlyValidationReader } from '../adapters/cloudformation-validation.js';
import type { CloudWatchLogsAdapter } from '../adapters/cloudwatch-logs.js';
import type { CodeBuildAdapter } from '../adapters/codebuild.js';
import type { GitHubActionsApi } from '../adapters/github-actions.js';
import type { HttpProbe } from '../adapters/http-probe.js';
import type { S3TemplateObjects } from '../adapters/s3-template-version.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import type { FinishExtras, Lifecycle } from '../deploys/lifecycle.js';
import type { StepOutcome } from '../deploys/poll-context.js';
import type { TargetOf } from '../deploys/target-of.js';
import type { ThreadReporter } from '../deploys/thread-reporter.js';
import type { Deployment, Failure } from '../domain/deployment.js';
import type { Result } from '../domain/refusal.js';
import { causeReason, type RootCause } from '../domain/root-cause.js';
import type { Target } from '../domain/targets.js';
import type { ActionsJobsRepo } from '../store/actions-jobs-repo.js';
import type { BlindnessRepo } from '../store/blindness-repo.js';
import type { Db } from '../store/db.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import type { EventsRepo } from '../store/events-repo.js';
import type { GitHubDeploymentsRepo } from '../store/github-deployments-repo.js';
import type { OutboxRepo } from '../store/outbox-repo.js';
import type { PhasesRepo } from '../store/phases-repo.js';
import type { StacksRepo } from '../store/stacks-repo.js';
import type { VerificationsRepo } from '../store/verifications-repo.js';
import { cfnStackUrl } from '../views/links.js';

/** Everything a runner step needs; steps hold no state of their own between polls. */
export interface RunContext {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  repo: DeploymentsRepo;
  stacks: StacksRepo;
  events: EventsRepo;
  phases: PhasesRepo;
  /** AWS reads that keep failing (blind-monitor.ts), with the one reply about it. */
  blindness: BlindnessRepo;
  outbox: OutboxRepo;
  /** The GitHub deployment behind a workflow build, and its jobs' learned durations (issue 15). */
  githubDeployments: GitHubDeploymentsRepo;
  actionsJobs: ActionsJobsRepo;
  reporter: ThreadReporter;
  lifecycle: Lifecycle;
  targetOf: TargetOf;
  codebuild: CodeBuildAdapter;
  /** Builds run by a GitHub Actions workflow (build.workflow). */
  actions: GitHubActionsApi;
  cfn: CloudFormationAdapter;
  logs: CloudWatchLogsAdapter;
  /** Mode template: the built template's object version (HeadObject). */
  s3: S3TemplateObjects;
  /** Early-validation findings of a change set (DescribeEvents). */
  validation: EarlyValidationReader;
  /** The bake window and verification records (issue 14). */
  verifications: VerificationsRepo;
  /** HTTP to the deployed service: verify.url and smoke checks. */
  probe: HttpProbe;
  /** `verify.onFailure: rollback`: queues the rollback of a deployment that failed verification. */
  autoRollback?: AutoRollback;
}

/** A rollback service's result (queued, or a refusal: domain/refusal.ts). */
export type AutoRollback = (deploymentId: number) => Promise<Result<{ message: string; deployment?: Deployment }>>;

/** Region for console links when the target names none (the SDK resolves the real one for calls). */
export function linkRegion(ctx: RunContext, target: Target): string {
  return target.region ?? ctx.config.region ?? process.env.AWS_REGION ?? 'us-east-1';
}

export function stackEventsUrl(ctx: RunContext, target: Target, stackIdOrName: string): string {
  return cfnStackUrl(linkRegion(ctx, target), stackIdOrName, 'events');
}

/**
 * Calls a mutating AWS operation. Transient errors, and errors without an AWS answer, are rethrown (the runner
 * backs off and retries the step, which the idempotency tokens and resume checks make safe); an AWS answer
 * refusing the request (validation, access) is returned as a failure with AWS's message.
 */
export async function mutate<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; reason: string; kind: AwsErrorKind }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (isRetryableAwsError(err)) throw err;
    // No HTTP answer (socket died, process-level error): AWS may have acted; the next poll reads the truth.
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === undefined) throw err;
    return { ok: false, reason: awsErrorMessage(err), kind: classifyAwsError(err) };
  }
}

/** The failure a stack update ends with: its root cause when one was read, else what the stack itself said. */
export function stackFailure(
  rc: RootCause,
  stackName: string,
  link: string,
  fallback: { reason: string; status?: string },
): Failure {
  const cause = rc.cause;
  return cause
    ? {
        phase: 'stack_update',
        reason: causeReason(rc)!,
        logicalId: cause.logicalId,
        resourceType: cause.resourceType,
        status: cause.status,
        stackName,
        link,
      }
    : { phase: 'stack_update', ...fallback, stackName, link };
}

/** Moves the deployment to failed, reports it once, and ends the open phase — all in one transaction. */
export function failDeployment(
  ctx: RunContext,
  d: Deployment,
  failure: Failure,
  extras: FinishExtras = {},
): StepOutcome {
  ctx.lifecycle.fail(d, failure, extras);
  return 'done';
}

/** Ends a cancelling deployment as cancelled, with one result reply. */
export function cancelDeployment(ctx: RunContext, d: Deployment, detail: string, inTx?: () => void): StepOutcome {
  ctx.lifecycle.cancel(d, detail, inTx);
  return 'done';
}

/**
 * Columns update on whichever active state the deployment is in now: a cancel may have moved it meanwhile, and
 * facts learnt from AWS (a build id) must be kept either way.
 */
export function updateActive(ctx: RunContext, d: Deployment, patch: Parameters<RunContext['repo']['update']>[3]) {
  const now = ctx.clock.now();
  if (ctx.repo.update(d.id, d.state, now, patch)) return true;
  const fresh = ctx.repo.get(d.id);
  return !!fresh && fresh.state === 'cancelling' && ctx.repo.update(d.id, 'cancelling', now, patch);
}

export function succeedDeployment(ctx: RunContext, d: Deployment, noop: boolean): StepOutcome {
  ctx.lifecycle.succeed(d, noop);
  return 'done';
}
