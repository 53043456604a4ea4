import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

/** One config error, phrased for the person editing the file. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file}: invalid configuration\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel id such as C0DEPLOYS');
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U012ABCDEF');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes (max 40)');
const positive = z.number().positive();

const timingSchema = z
  .strictObject({
    pollSeconds: positive.default(5),
    stallMinutes: positive.default(10),
    approvalTimeoutMinutes: positive.default(60),
  })
  .prefault({});

/** One request budget shared by every AWS call of every deployment (token bucket). */
const awsSchema = z
  .strictObject({
    requestsPerSecond: positive.default(8),
    burst: z.number().int().positive().default(16),
  })
  .prefault({});

const buildSchema = z.strictObject({
  project: z.string().min(1),
});

/** Stack parameters may use {sha}, {ref}, {env} and {service}. */
const stackSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z{][A-Za-z0-9{}-]*$/, 'a CloudFormation stack name, may use {env} and {service}'),
  parameters: z.record(z.string().regex(/^[A-Za-z0-9]+$/, 'an alphanumeric parameter name'), z.string()).default({}),
});

const environmentSchema = z.strictObject({
  channel: channelId.optional(),
  region: region.optional(),
  deployers: z.array(userId).optional(),
  approvers: z.array(userId).optional(),
  requiredApprovals: z.number().int().min(0).default(0),
  allowSelfApproval: z.boolean().default(false),
});

const serviceSchema = z.strictObject({
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name of a GitHub repository'),
  defaultRef: z.string().min(1).default('main'),
  build: buildSchema.optional(),
  stack: stackSchema,
  environments: z.record(name, environmentSchema).refine((e) => Object.keys(e).length > 0, 'at least one environment'),
});

const digestSchema = z.strictObject({
  cron: z.string().min(9),
  timezone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin').default('UTC'),
  channel: channelId,
});

export const configSchema = z
  .strictObject({
    channel: channelId,
    region: region.optional(),
    timing: timingSchema,
    aws: awsSchema,
    services: z.record(name, serviceSchema).refine((s) => Object.keys(s).length > 0, 'at least one service'),
    digests: z
      .strictObject({
        drift: digestSchema.optional(),
        health: digestSchema.optional(),
      })
      .optional(),
  })
  .superRefine((cfg, ctx) => {
    for (const [svc, service] of Object.entries(cfg.services)) {
      for (const [env, e] of Object.entries(service.environments)) {
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
  });

export type Config = z.infer<typeof configSchema>;
export type ServiceConfig = Config['services'][string];
export type EnvironmentConfig = ServiceConfig['environments'][string];
export type Timing = Config['timing'];

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** Validates an already-parsed document; `file` only names the source in error messages. */
export function parseConfig(raw: unknown, file = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.map((issue) => {
        if (issue.code === 'unrecognized_keys') {
          return `${formatPath(issue.path)}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
        }
        return `${formatPath(issue.path)}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigError(file, [`not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`]);
  }
  return parseConfig(raw, file);
}
