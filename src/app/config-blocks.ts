/**
 * The blocks of coxswain.yml, one zod schema each (timing, AWS budget, build, stacks, gates, verify, alarms,
 * environments, services, digests). The document itself and its cross-field rules: config.ts, config-rules.ts.
 */
import { z } from 'zod';

export const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel id such as C0DEPLOYS');
export const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U012ABCDEF');
export const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');
export const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes (max 40)');
const positive = z.number().positive();

export const timingSchema = z
  .strictObject({
    pollSeconds: positive.default(5),
    stallMinutes: positive.default(10),
    /** Minutes of AWS permission errors after which a running deployment is marked failed (phase monitoring). */
    blindFailMinutes: positive.default(60),
    approvalTimeoutMinutes: positive.default(60),
    /** Auto-deploy: how often each watched branch head is read (a conditional request; 304s cost no rate limit). */
    watchSeconds: positive.default(30),
  })
  .prefault({});

/** One request budget shared by every AWS call of every deployment (token bucket). */
export const awsSchema = z
  .strictObject({
    requestsPerSecond: positive.default(8),
    burst: z.number().int().positive().default(16),
  })
  .prefault({});

/** GitHub Actions workflow file name as under .github/workflows (no path, no "..") */
const workflowFile = z.string().regex(/^[A-Za-z0-9_.-]+\.ya?ml$/, 'a workflow file name such as deploy.yml');

/**
 * Exactly one of `project` (CodeBuild) and `workflow` (the GitHub Actions `on: deployment` run the GitHub
 * deployment triggers; docs/adr/0009-i15-github-actions-builds.md).
 */
export const buildSchema = z
  .strictObject({
    project: z.string().min(1).optional(),
    workflow: workflowFile.optional(),
    /** Workflow builds: no run within this many minutes of the GitHub deployment = "did not start". */
    startTimeoutMinutes: positive.default(5),
    /** Mode template with a workflow: the S3 prefix the workflow uploads its templates to, may use {sha}/{env}. */
    artifacts: z
      .string()
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9_.{}/-]*)?$/,
        'an S3 prefix such as s3://bucket/{sha}',
      )
      .optional(),
  })
  .refine((b) => !b.project !== !b.workflow, 'give either `project` (CodeBuild) or `workflow` (GitHub Actions)');

/** GitHub Deployments API mirror (per service). */
const githubSchema = z.strictObject({ deployments: z.boolean().default(true) }).prefault({});

/**
 * How a target deploys (docs/adr/0006-deploy-modes.md): `parameters` = change set on the previous template;
 * `template` = change set from the template the build produced; `build` = the build itself deploys (cdk/sam).
 */
export const DEPLOY_MODES = ['parameters', 'template', 'build'] as const;
export type DeployMode = (typeof DEPLOY_MODES)[number];
const modeSchema = z.enum(DEPLOY_MODES, { error: `one of ${DEPLOY_MODES.join(', ')}` });

/** Path of a file inside the build's artifacts, e.g. cdk.out/ApiStack.template.json (no "..", not absolute). */
const artifactPath = z
  .string()
  .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9_.{}/-]+$/, 'a relative path inside the build artifacts, may use {env}');
const templateSchema = z.strictObject({ artifact: artifactPath });

/** Stack parameters may use {sha}, {ref}, {env} and {service}. */
const stackSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z{][A-Za-z0-9{}-]*$/, 'a CloudFormation stack name, may use {env} and {service}'),
  parameters: z.record(z.string().regex(/^[A-Za-z0-9]+$/, 'an alphanumeric parameter name'), z.string()).default({}),
  /** Mode template: this stack's template inside the build artifacts. */
  template: artifactPath.optional(),
  /** Mode parameters: a template to create the stack from when it does not exist yet (https S3 URL). */
  templateUrl: z.url({ protocol: /^https$/, error: 'an https URL of a template in S3' }).optional(),
});

/** Gates before a deployment is queued (docs/adr/0009-i14-closed-loop.md). */
const gatesSchema = z.strictObject({
  /** `required`: every check run and commit status on the SHA; or the names that must have succeeded. */
  checks: z.union([z.literal('required'), z.array(z.string().min(1).max(200)).min(1, 'at least one check name')]),
  waitMinutes: positive.default(30),
  allowForce: z.boolean().default(false),
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http or https URL' });

const smokeSchema = z.strictObject({
  url: httpUrl,
  status: z.number().int().min(100).max(599).default(200),
  contains: z.string().min(1).optional(),
});

/** After the stack update: the service must serve the new SHA before the deployment is called succeeded. */
const verifySchema = z.strictObject({
  url: httpUrl,
  expect: z.string().min(1).default('{sha}'),
  timeoutSeconds: positive.default(120),
  smoke: z.array(smokeSchema).default([]),
  onFailure: z.enum(['ask', 'rollback'], { error: 'ask or rollback' }).default('ask'),
});

const alarmArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/,
    'a CloudWatch alarm ARN (arn:aws:cloudwatch:…:alarm:name)',
  );

/** Sent as the change set's RollbackConfiguration: CloudFormation rolls back when one of them alarms. */
const alarmsSchema = z.strictObject({
  arns: z.array(alarmArn).min(1, 'at least one alarm ARN').max(5, 'CloudFormation accepts at most 5 rollback triggers'),
  monitoringMinutes: z.number().int().min(0).max(180).default(5),
});

/** Continuous delivery (docs/adr/0010-i16-continuous-delivery.md): the branch whose head deploys itself. */
const autoDeploySchema = z.strictObject({
  branch: z
    .string()
    .regex(/^(?!\/)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]{1,200}$/, 'a branch name such as main')
    .refine((b) => !b.endsWith('/') && !b.endsWith('.lock'), 'a branch name such as main'),
});

export const environmentSchema = z.strictObject({
  mode: modeSchema.optional(),
  autoDeploy: autoDeploySchema.optional(),
  /** Promotion: only SHAs that succeeded in this environment at least soakMinutes ago. */
  promoteFrom: name.optional(),
  soakMinutes: z.number().min(0).default(30),
  /** The environment's address: shown in links, and GitHub deployment statuses' `environment_url`. */
  url: httpUrl.optional(),
  gates: gatesSchema.optional(),
  verify: verifySchema.optional(),
  alarms: alarmsSchema.optional(),
  build: buildSchema.optional(),
  template: templateSchema.optional(),
  channel: channelId.optional(),
  region: region.optional(),
  deployers: z.array(userId).optional(),
  approvers: z.array(userId).optional(),
  requiredApprovals: z.number().int().min(0).default(0),
  allowSelfApproval: z.boolean().default(false),
  /** GitHub deployment: `production_environment`. */
  production: z.boolean().default(false),
  /** GitHub deployment: `transient_environment` (an environment that goes away, e.g. a preview). */
  transient: z.boolean().default(false),
});

export const serviceSchema = z.strictObject({
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name of a GitHub repository'),
  defaultRef: z.string().min(1).default('main'),
  mode: modeSchema.default('parameters'),
  build: buildSchema.optional(),
  github: githubSchema,
  template: templateSchema.optional(),
  /** Exactly one of `stack` (one stack) and `stacks` (several, deployed in this order). */
  stack: stackSchema.optional(),
  stacks: z.array(stackSchema).min(1, 'at least one stack').optional(),
  environments: z.record(name, environmentSchema).refine((e) => Object.keys(e).length > 0, 'at least one environment'),
});

export const digestSchema = z.strictObject({
  cron: z.string().min(9),
  timezone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin').default('UTC'),
  channel: channelId,
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
