import { type EvaluationResult, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import type { DeployMode } from '../app/config-blocks.js';
import { allTargets } from '../domain/targets.js';
import { type CheckResult, type DoctorCheck, errorName, errorText, fail, ok, warn } from './check.js';

const AREA = 'iam';

/** What every target needs: watching, recovering and drift-checking its stacks. */
const STACK_ACTIONS = [
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:CancelUpdateStack',
  'cloudformation:ContinueUpdateRollback',
  'cloudformation:RollbackStack',
  'cloudformation:DetectStackDrift',
  'cloudformation:DescribeStackDriftDetectionStatus',
  'cloudformation:DescribeStackResourceDrifts',
  'cloudformation:ListStackResources',
];
const CHANGE_SET_ACTIONS = [
  'cloudformation:CreateChangeSet',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ExecuteChangeSet',
  // Early-validation findings of a refused change set (issue 14); without it only the status reason is shown.
  'cloudformation:DescribeEvents',
];
// GetLogEvents: a failed build's last log lines (issue 13).
const BUILD_ACTIONS = [
  'codebuild:StartBuild',
  'codebuild:BatchGetBuilds',
  'codebuild:StopBuild',
  'codebuild:ListBuildsForProject',
  'logs:GetLogEvents',
];

/** The IAM actions one mode needs (the calls in src/adapters; template mode: CloudFormation reads the template from S3 as us). */
export function actionsFor(mode: DeployMode, hasBuild: boolean): string[] {
  const out = [...STACK_ACTIONS];
  if (mode !== 'build') out.push(...CHANGE_SET_ACTIONS);
  if (hasBuild) out.push(...BUILD_ACTIONS);
  // In-place updates check for AWS::LanguageExtensions; template builds read the project's artifact settings.
  if (mode === 'parameters') out.push('cloudformation:GetTemplateSummary');
  // Template builds: HeadObject and CloudFormation read the template (a versioned bucket: its pinned version).
  if (mode === 'template') out.push('s3:GetObject', 's3:GetObjectVersion', 'codebuild:BatchGetProjects');
  return out;
}

/** The IAM principal behind an STS caller ARN: an assumed-role session maps to its role (path unknown: none). */
export function principalArn(callerArn: string): string | undefined {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (m) return `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
  if (/^arn:aws[a-z-]*:iam::\d{12}:(user|role)\//.test(callerArn)) return callerArn;
  return undefined;
}

export const iamCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    const needed = new Set<string>();
    for (const t of allTargets(ctx.config)) for (const a of actionsFor(t.mode, !!t.build?.project)) needed.add(a);
    const actions = [...needed].sort();
    const byHand = `check by hand that the role allows: ${actions.join(', ')}`;
    let arn: string;
    try {
      arn = (await ctx.callerIdentity()).arn;
    } catch {
      return [warn(AREA, 'actions', 'could not check: no AWS identity (see aws)', byHand)];
    }
    const principal = principalArn(arn);
    if (!principal) return [warn(AREA, 'actions', `could not check: ${arn} is not a user or role`, byHand)];
    let results: EvaluationResult[];
    try {
      const out = await ctx.aws
        .iam()
        .send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: principal, ActionNames: actions }));
      results = out.EvaluationResults ?? [];
    } catch (err) {
      const why =
        errorName(err) === 'AccessDenied' ? 'iam:SimulatePrincipalPolicy is not allowed for this role' : errorText(err);
      return [
        warn(
          AREA,
          'actions',
          `could not check (${why})`,
          `allow iam:SimulatePrincipalPolicy on ${principal} for the doctor, or ${byHand}`,
        ),
      ];
    }
    const denied = results.filter((r) => r.EvalDecision !== 'allowed').map((r) => r.EvalActionName ?? '?');
    if (denied.length === 0)
      return [ok(AREA, 'actions', `${principal} may call all ${actions.length} actions the configured modes need`)];
    return denied.map(
      (action): CheckResult =>
        fail(
          AREA,
          action,
          `not allowed for ${principal}`,
          `add "${action}" to the role's policy (Resource: the stacks/projects of the configured targets)`,
        ),
    );
  },
};
