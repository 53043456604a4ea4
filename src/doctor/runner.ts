import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { LogLevel, WebClient } from '@slack/web-api';
import { AwsClients } from '../adapters/aws-clients.js';
import { createOctokit } from '../adapters/github.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import { identityCheck, stacksCheck } from './aws-checks.js';
import type { CallerIdentity, CheckResult, DoctorCheck, DoctorContext } from './check.js';
import { codebuildCheck } from './codebuild-checks.js';
import { githubCheck } from './github-checks.js';
import { githubActionsCheck } from './github-deployment-checks.js';
import { iamCheck } from './iam-checks.js';
import { slackCheck } from './slack-checks.js';

/** Every check, in report order. Another area is one more entry. */
export const CHECKS: readonly DoctorCheck[] = [
  slackCheck,
  identityCheck,
  stacksCheck,
  codebuildCheck,
  iamCheck,
  githubCheck,
  githubActionsCheck,
];

export interface DoctorReport {
  ok: boolean;
  counts: { ok: number; warn: number; fail: number };
  results: CheckResult[];
}

export function report(results: CheckResult[]): DoctorReport {
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const r of results) counts[r.status] += 1;
  return { ok: counts.fail === 0, counts, results };
}

/** Runs the checks one after another (gentle on rate limits); a check that throws is itself a failure. */
export async function runChecks(ctx: DoctorContext, checks: readonly DoctorCheck[] = CHECKS): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const check of checks) {
    try {
      out.push(...(await check.run(ctx)));
    } catch (err) {
      out.push({
        area: check.area,
        name: 'check',
        status: 'fail',
        detail: `the check itself crashed: ${err instanceof Error ? err.message : String(err)}`,
        fix: 'report this as a Coxswain bug',
      });
    }
  }
  return out;
}

export interface DoctorClientsOptions {
  config: Config;
  slackToken: string;
  slackApiUrl?: string | undefined;
  githubToken?: string | undefined;
  githubApiUrl?: string | undefined;
  defaultRegion?: string | undefined;
  logger: Logger;
  /** Tests: AwsClients with maxAttempts 1. */
  aws?: AwsClients;
}

/** Clients without retries: the doctor reports what it sees at once and never waits out a backoff. */
export function doctorContext(o: DoctorClientsOptions): DoctorContext {
  const aws =
    o.aws ?? new AwsClients({ ...(o.defaultRegion ? { defaultRegion: o.defaultRegion } : {}), maxAttempts: 2 });
  let identity: Promise<CallerIdentity> | undefined;
  return {
    config: o.config,
    defaultRegion: o.defaultRegion,
    slack: new WebClient(o.slackToken, {
      ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
      logLevel: LogLevel.ERROR,
    }),
    octokit: createOctokit({ token: o.githubToken, baseUrl: o.githubApiUrl, logger: o.logger, retries: false }),
    githubToken: !!o.githubToken,
    aws,
    callerIdentity: () => {
      identity ??= aws
        .stsClient()
        .send(new GetCallerIdentityCommand({}))
        .then((r) => ({
          account: r.Account ?? '?',
          arn: r.Arn ?? '?',
        }));
      return identity;
    },
  };
}
