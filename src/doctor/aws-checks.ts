import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { isNotFoundAwsError } from '../adapters/aws-errors.js';
import { allTargets, type Target } from '../domain/targets.js';
import { type CheckResult, type DoctorCheck, type DoctorContext, errorText, fail, ok, warn } from './check.js';

const AREA = 'aws';

/** Stack states that stop a deploy, with what to do about each (CloudFormation user guide, stack status codes). */
const BLOCKING: Record<string, (stack: string, region: string) => string> = {
  UPDATE_ROLLBACK_FAILED: (s, r) =>
    `continue the rollback: /rollback offers it on the failed deployment, or aws cloudformation continue-update-rollback --stack-name ${s} --region ${r}`,
  ROLLBACK_COMPLETE: (s, r) =>
    `the stack's creation failed and it cannot be updated: delete it (aws cloudformation delete-stack --stack-name ${s} --region ${r}) and deploy again to create it`,
  ROLLBACK_FAILED: (s, r) =>
    `delete it, retaining the resources that failed: aws cloudformation delete-stack --stack-name ${s} --region ${r}`,
  REVIEW_IN_PROGRESS: (s, r) =>
    `a change set that would create it was never executed: execute or delete it (aws cloudformation list-change-sets --stack-name ${s} --region ${r}), or delete the empty stack`,
  CREATE_FAILED: (s, r) => `roll it back: aws cloudformation rollback-stack --stack-name ${s} --region ${r}`,
  UPDATE_FAILED: (s, r) => `roll it back: aws cloudformation rollback-stack --stack-name ${s} --region ${r}`,
  DELETE_FAILED: (s, r) =>
    `finish the delete or fix what blocks it: aws cloudformation describe-stack-events --stack-name ${s} --region ${r}`,
  IMPORT_ROLLBACK_FAILED: (s, r) =>
    `continue the rollback: aws cloudformation continue-update-rollback --stack-name ${s} --region ${r}`,
};

export const identityCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    try {
      const id = await ctx.callerIdentity();
      return [ok(AREA, 'sts:GetCallerIdentity', `account ${id.account} as ${id.arn}`)];
    } catch (err) {
      return [
        fail(
          AREA,
          'sts:GetCallerIdentity',
          `no usable AWS credentials (${errorText(err)})`,
          'give the container a role (task role, instance profile, IRSA) or set AWS_PROFILE / AWS_ACCESS_KEY_ID, and AWS_REGION',
        ),
      ];
    }
  },
};

async function stackResult(
  ctx: DoctorContext,
  t: Target,
  name: string,
  templateUrl: string | undefined,
): Promise<CheckResult> {
  const region = t.region ?? ctx.defaultRegion ?? '(default region)';
  const label = `stack ${name} (${region}) of ${t.key}`;
  let status: string | undefined;
  try {
    const out = await ctx.aws.cloudFormation(t.region).send(new DescribeStacksCommand({ StackName: name }));
    status = out.Stacks?.[0]?.StackStatus;
  } catch (err) {
    if (!isNotFoundAwsError(err)) {
      return warn(
        AREA,
        label,
        `could not describe it (${errorText(err)})`,
        'allow cloudformation:DescribeStacks for this role',
      );
    }
  }
  if (status === undefined || status === 'DELETE_COMPLETE') {
    if (t.mode === 'parameters' && !templateUrl) {
      return fail(
        AREA,
        label,
        'does not exist, and mode parameters updates an existing stack',
        `create the stack first, or give the stack a templateUrl so the first deploy creates it`,
      );
    }
    return warn(AREA, label, 'does not exist yet', 'nothing to do if that is expected: the first deploy creates it');
  }
  const blocking = BLOCKING[status];
  if (blocking) return fail(AREA, label, `${status}: deploys to it will fail`, blocking(name, region));
  if (status.endsWith('_IN_PROGRESS')) {
    return warn(
      AREA,
      label,
      `${status}: busy right now`,
      'nothing to do: deploys wait until the operation ends (if it is stuck, look at its events in the console)',
    );
  }
  return ok(AREA, label, status);
}

export const stacksCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    const out: CheckResult[] = [];
    for (const t of allTargets(ctx.config)) {
      for (const s of t.stacks) out.push(await stackResult(ctx, t, s.name, s.templateUrl));
    }
    return out;
  },
};
