import { afterEach, describe, expect, it } from 'vitest';
import { githubSignature } from '../helpers/github-nock.js';
import { type SocketModeApp, socketModeApp } from '../helpers/socket-mode-slack.js';
import { cdConfig } from './helpers.js';

// The webhook in Socket Mode: the real composition (buildRuntime) serves POST /github/webhook on the same small
// HTTP server as /healthz, next to the Socket Mode connection (a local Slack speaking the protocol).

const SECRET = 'webhook-secret-0123456789';

let app: SocketModeApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('GitHub webhook in Socket Mode', () => {
  it('answers on the /healthz server: 401 unsigned, 200 to a signed ping', async () => {
    app = await socketModeApp(cdConfig(), { GITHUB_WEBHOOK_SECRET: SECRET });
    const { port } = app;
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
        'x-hub-signature-256': githubSignature(SECRET, ping),
      },
    });
    expect(signed.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
