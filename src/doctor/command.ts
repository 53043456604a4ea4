/** `coxswain doctor [--json]`: every check, exit code 1 on any ✗, 2 on bad usage. */
import type { AwsClients } from '../adapters/aws-clients.js';
import { EnvError, parseEnv } from '../app/env.js';
import { silentLogger } from '../app/logger.js';
import { fail } from './check.js';
import { checkConfigFile, checkDatabase } from './config-checks.js';
import { renderJson, renderText } from './render.js';
import { type DoctorReport, doctorContext, report, runChecks } from './runner.js';

export const DOCTOR_USAGE = `Usage: coxswain doctor [--json]

Checks, without changing anything, that Coxswain is wired correctly: the configuration and database, the Slack
token and its scopes and channels, AWS credentials, stacks, CodeBuild projects and IAM actions, GitHub access and
rate limit. Exit code 1 when any check fails (✗).`;

export interface DoctorIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function doctorReport(env: Record<string, string | undefined>, aws?: AwsClients): Promise<DoctorReport> {
  let parsed: ReturnType<typeof parseEnv> | undefined;
  const results = [];
  try {
    parsed = parseEnv(env);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    results.push(...err.issues.map((i) => fail('env', 'environment', i, 'set the variable (README: Environment)')));
  }
  const configFile = parsed?.COXSWAIN_CONFIG ?? env.COXSWAIN_CONFIG ?? './coxswain.yml';
  const loaded = checkConfigFile(configFile, parsed?.AWS_REGION);
  results.push(...loaded.results);
  results.push(...checkDatabase(parsed?.COXSWAIN_DB ?? env.COXSWAIN_DB ?? './data/coxswain.db'));
  if (parsed && loaded.config) {
    const ctx = doctorContext({
      config: loaded.config,
      slackToken: parsed.SLACK_BOT_TOKEN,
      slackApiUrl: parsed.SLACK_API_URL,
      githubToken: parsed.GITHUB_TOKEN,
      githubApiUrl: parsed.GITHUB_API_URL,
      defaultRegion: loaded.config.region ?? parsed.AWS_REGION,
      logger: silentLogger,
      ...(aws ? { aws } : {}),
    });
    try {
      results.push(...(await runChecks(ctx)));
    } finally {
      if (!aws) ctx.aws.destroy();
    }
  }
  return report(results);
}

export async function doctorCommand(
  args: string[],
  env: Record<string, string | undefined>,
  io: DoctorIo,
  aws?: AwsClients,
): Promise<number> {
  const json = args.includes('--json');
  if (args.some((a) => a !== '--json')) {
    io.err(DOCTOR_USAGE);
    return 2;
  }
  const r = await doctorReport(env, aws);
  io.out(json ? renderJson(r) : renderText(r));
  return r.ok ? 0 : 1;
}
