import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/app/env.js';
import { silentLogger } from '../../src/app/logger.js';
import { buildRuntime, type Runtime } from '../../src/app/runtime.js';
import { testDb } from '../helpers/db.js';
import { freePort } from '../helpers/loopback.js';
import { SocketModeSlack } from '../helpers/socket-mode-slack.js';
import { cdConfig } from './helpers.js';

// The webhook in Socket Mode: the real composition (buildRuntime) serves POST /github/webhook on the same small
// HTTP server as /healthz, next to the Socket Mode connection (a local Slack speaking the protocol).

const SECRET = 'webhook-secret-0123456789';

let slack: SocketModeSlack | undefined;
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.app.stop().catch(() => {});
  rt?.db.close();
  await slack?.close();
  rt = undefined;
  slack = undefined;
});

describe('GitHub webhook in Socket Mode', () => {
  it('answers on the /healthz server: 401 unsigned, 200 to a signed ping', async () => {
    slack = await new SocketModeSlack().start();
    const port = await freePort();
    const env = parseEnv({
      SLACK_BOT_TOKEN: 'xoxb-socket-test',
      SLACK_APP_TOKEN: 'xapp-1-A0APP-socket-test',
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      AWS_REGION: 'us-east-1',
      GITHUB_WEBHOOK_SECRET: SECRET,
    });
    rt = buildRuntime(env, { config: cdConfig(), db: testDb(), logger: silentLogger });
    await rt.app.start();
    const url = `http://127.0.0.1:${port}/github/webhook`;
    const ping = JSON.stringify({ zen: 'Design for failure.', hook_id: 7 });
    const unsigned = await fetch(url, { method: 'POST', body: ping, headers: { 'x-github-event': 'ping' } });
    expect(unsigned.status).toBe(401);
    const signed = await fetch(url, {
      method: 'POST',
      body: ping,
      headers: {
        'x-github-event': 'ping',
        'x-github-delivery': 'd0c5e7a0-0000-0000-0000-000000000001',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(ping).digest('hex')}`,
      },
    });
    expect(signed.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
