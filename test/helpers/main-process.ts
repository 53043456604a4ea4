import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBody } from './loopback.js';

/**
 * A loopback Slack Web API for a real process: `answer(method, fields)` returns [status, body, headers?]; auth.test
 * answers the bot's identity unless `answer` does. Form and JSON bodies are both parsed into `fields`.
 */
export function loopbackSlack(
  answer: (method: string, fields: Record<string, string | undefined>) => [number, unknown, Record<string, string>?],
): Server {
  return createServer(async (req, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '');
    const raw = await readBody(req);
    const fields: Record<string, string | undefined> = (req.headers['content-type'] ?? '').includes('json')
      ? (JSON.parse(raw || '{}') as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(raw));
    const [status, body, headers] =
      method === 'auth.test'
        ? [200, { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0', user: 'coxswain' }]
        : answer(method, fields);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  });
}

export interface MainProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * A real `node src/app/main.ts` with the given config and database, its Slack Web API on loopback and fake AWS
 * credentials (no profile, no instance metadata). Its stdout/stderr lines go to `logs`.
 */
export function startMain(o: {
  port: number;
  slackPort: number;
  configFile: string;
  dbFile: string;
  flushSeconds: number;
  logs: string[];
  env?: Record<string, string>;
}): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-process-test',
      SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789',
      SLACK_API_URL: `http://127.0.0.1:${o.slackPort}/api/`,
      PORT: String(o.port),
      COXSWAIN_CONFIG: o.configFile,
      COXSWAIN_DB: o.dbFile,
      SHUTDOWN_FLUSH_SECONDS: String(o.flushSeconds),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b: Buffer) => o.logs.push(...b.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (b: Buffer) => o.logs.push(b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited };
}

/** A temporary directory holding a one-service config (web → web-{env}, staging) and where the database will be. */
export function mainFiles(prefix: string, extraConfig = ''): { dir: string; configFile: string; dbFile: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const configFile = join(dir, 'coxswain.yml');
  writeFileSync(
    configFile,
    `channel: C0DEPLOYS\nregion: us-east-1\n${extraConfig}services:\n  web:\n    repo: acme/web\n    stack: { name: "web-{env}" }\n    environments: { staging: {} }\n`,
  );
  return { dir, configFile, dbFile: join(dir, 'coxswain.db') };
}
