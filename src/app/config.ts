import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import {
  awsSchema,
  type buildSchema,
  channelId,
  digestSchema,
  name,
  region,
  serviceSchema,
  timingSchema,
  userId,
} from './config-blocks.js';
import { checkConfig } from './config-rules.js';

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

export const configSchema = z
  .strictObject({
    channel: channelId,
    region: region.optional(),
    timing: timingSchema,
    aws: awsSchema,
    /** GitHub logins → Slack user ids, so auto-deploy threads mention the person who pushed. */
    github: z
      .strictObject({
        users: z.record(z.string().regex(/^[A-Za-z0-9-]{1,39}$/, 'a GitHub login'), userId).default({}),
      })
      .prefault({}),
    services: z.record(name, serviceSchema).refine((s) => Object.keys(s).length > 0, 'at least one service'),
    digests: z
      .strictObject({
        drift: digestSchema.optional(),
        health: digestSchema.optional(),
      })
      .optional(),
  })
  .superRefine(checkConfig);

export type Config = z.infer<typeof configSchema>;
export type ServiceConfig = Config['services'][string];
export type EnvironmentConfig = ServiceConfig['environments'][string];
export type Timing = Config['timing'];
export type BuildConfig = z.infer<typeof buildSchema>;

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
