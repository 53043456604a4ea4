/**
 * Environment variables, parsed once at start with zod. Error messages name the variable and what is expected,
 * never its value (most are secrets).
 */
import { z } from 'zod';

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, value: z.input<T>) =>
  z.preprocess(blankIsUnset, schema.default(value as never));
const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z.preprocess(
      blankIsUnset,
      z.string({ error: 'required: the bot token (xoxb-…)' }).startsWith('xoxb-', 'a bot token starting with xoxb-'),
    ),
    SLACK_SIGNING_SECRET: optional(z.string().regex(/^[0-9a-f]{16,}$/i, 'the app’s signing secret (hex)')),
    SLACK_APP_TOKEN: optional(z.string().startsWith('xapp-', 'an app-level token starting with xapp-')),
    PORT: withDefault(z.coerce.number().int().min(1).max(65535), 3000),
    // The Web API client appends method names to this, so it must end with a slash.
    SLACK_API_URL: optional(httpUrl.transform((u) => (u.endsWith('/') ? u : `${u}/`))),
    GITHUB_TOKEN: optional(z.string()),
    /** Turns on POST /github/webhook: push deliveries must be signed with it (X-Hub-Signature-256). */
    GITHUB_WEBHOOK_SECRET: optional(z.string().min(16, 'at least 16 characters (GitHub signs each delivery with it)')),
    GITHUB_API_URL: optional(httpUrl.transform((u) => u.replace(/\/+$/, ''))),
    AWS_REGION: optional(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')),
    COXSWAIN_CONFIG: withDefault(z.string(), './coxswain.yml'),
    COXSWAIN_DB: withDefault(z.string(), './data/coxswain.db'),
    /** At shutdown, how long the outbox may keep delivering before the process exits (main.ts: default 10). */
    SHUTDOWN_FLUSH_SECONDS: optional(z.coerce.number().min(0).max(120)),
    LOG_LEVEL: withDefault(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }), 'info'),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid environment\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => `${i.path.map(String).join('.') || '(environment)'}: ${i.message}`),
    );
  }
  return result.data;
}

/** Socket Mode when an app-level token is given, otherwise Slack posts to our HTTP endpoint. */
export function slackMode(env: Env): 'socket' | 'http' {
  return env.SLACK_APP_TOKEN ? 'socket' : 'http';
}
