/**
 * The sandbox: the REAL Coxswain runtime (buildRuntime: Bolt with signature checks, store, outbox, views, workers)
 * against SIMULATED Slack, GitHub, CloudFormation and CodeBuild on 127.0.0.1, with a browser page that looks like a
 * Slack channel. Reached only through `coxswain sandbox` or scripts/start.sh with nothing configured.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '../app/env.js';
import { createLogger, type Logger } from '../app/logger.js';
import { buildRuntime, type Job } from '../app/runtime.js';
import { openDb } from '../store/db.js';
import { BoltBridge } from './bolt-bridge.js';
import { SandboxServer } from './server.js';
import { SimCloudFormation } from './sim-cloudformation.js';
import { SimCodeBuild } from './sim-codebuild.js';
import { SimSlack } from './sim-slack.js';
import { sandboxConfig } from './world.js';

export interface SandboxOptions {
  /** The page's port on 127.0.0.1 (0: any free port). */
  port: number;
  logLevel?: string;
  out?: (line: string) => void;
}

export interface Sandbox {
  url: string;
  stop(): Promise<void>;
}

const REGION = 'eu-west-1';

export function banner(url: string): string {
  return [
    '',
    '  ==== Coxswain SANDBOX: nothing real is connected ====',
    `  Open ${url} in a browser.`,
    '  The real Coxswain runs here against a SIMULATED Slack, GitHub, CloudFormation and',
    '  CodeBuild, all on 127.0.0.1. Try: /deploy api staging · /deploy billing staging ·',
    '  /deploy (a form) · the Coxswain app (Home tab) · /deploy-status · /rollback.',
    '  To connect a real workspace, set the Slack variables and coxswain.yml (README: "From',
    '  the sandbox to a real workspace"). Ctrl-C stops the sandbox; its database is temporary.',
    '',
  ].join('\n');
}

export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  const now = () => Date.now();
  const slack = new SimSlack(now);
  const config = sandboxConfig();
  const stackNames = ['api-staging', 'api-production', 'billing-staging', 'search-staging'];
  const cfn = new SimCloudFormation(REGION, now, stackNames);
  const codebuild = new SimCodeBuild(REGION, now, ['api-image', 'billing-image']);
  const signingSecret = randomBytes(32).toString('hex');
  let boltUrl = '';
  const bridge = new BoltBridge(() => boltUrl, signingSecret);
  const server = new SandboxServer({ slack, cfn, codebuild, bridge });
  const url = await server.listen(o.port);

  // The SDK's standard endpoint override and throwaway credentials: AWS calls can only reach the simulation.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDFORMATION: `${url}/aws/cloudformation`,
    AWS_ENDPOINT_URL_CODEBUILD: `${url}/aws/codebuild`,
    AWS_ACCESS_KEY_ID: 'SANDBOXNOTAREALKEY00',
    AWS_SECRET_ACCESS_KEY: 'sandbox-not-a-real-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  const env = parseEnv({
    SLACK_BOT_TOKEN: 'xoxb-sandbox-not-a-real-token',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: `${url}/slack/api/`,
    GITHUB_API_URL: `${url}/github`,
    AWS_REGION: REGION,
    LOG_LEVEL: o.logLevel ?? 'warn',
  });
  const logger: Logger = createLogger(env.LOG_LEVEL);
  const dir = mkdtempSync(join(tmpdir(), 'coxswain-sandbox-'));
  const db = openDb(join(dir, 'sandbox.db'));
  const rt = buildRuntime(env, {
    config,
    db,
    logger,
    botIds: { botId: 'B0BOT', botUserId: 'U0BOT' },
    homeRefresh: { intervalMs: 1_000, minGapMs: 1_000 },
  });
  const bolt = (await rt.app.start({ port: 0, host: '127.0.0.1' })) as { address(): AddressInfo };
  boltUrl = `http://127.0.0.1:${bolt.address().port}`;
  const running: Job[] = [];
  for (const job of rt.jobs) {
    await job.start();
    running.push(job);
  }
  (o.out ?? ((l: string) => process.stdout.write(`${l}\n`)))(banner(url));

  return {
    url,
    stop: async () => {
      for (const job of running.reverse()) await job.stop();
      await rt.app.stop();
      await server.close();
      rt.aws.destroy();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `coxswain sandbox [--port N]`: runs until Ctrl-C. */
export async function runSandbox(argv: string[]): Promise<void> {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : process.env.SANDBOX_PORT;
  const port = raw === undefined ? 3000 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port needs a number from 0 to 65535');
  const sandbox = await startSandbox({ port, ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}) });
  const stop = () => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
