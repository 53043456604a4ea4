import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/app/logger.js';
import { type App, createApp } from '../../src/slack/bolt-app.js';
import { register } from '../../src/slack/commands/index.js';
import {
  botIds,
  captureReplies,
  listen,
  postSigned,
  SIGNING_SECRET,
  slashBody,
  testEnv,
} from '../helpers/slack-kit.js';
import { commandFixture } from './fixture.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

function httpApp(healthy?: () => boolean, logger = silentLogger): App {
  const f = commandFixture();
  app = createApp({ env: testEnv, logger, botIds, clientOptions: { retryConfig: { retries: 0 } }, healthy });
  register(app, {
    config: f.config,
    requests: {
      request: async () => {
        throw new Error('not used');
      },
    },
    status: { build: () => ({ ok: true, message: { text: 'Deploy status: fine.' } }) },
    digests: f.digests,
    locks: f.locks,
    rollbacks: f.rollbacks,
    logger,
  });
  return app;
}

describe('HTTP receiver', () => {
  it('answers GET /healthz with 200, and 503 when unhealthy', async () => {
    let healthy = true;
    const port = await listen(httpApp(() => healthy));
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true });
    healthy = false;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(503);
  });

  it('rejects a request signed with the wrong secret or too old with 401, and runs nothing', async () => {
    const replies = captureReplies();
    const port = await listen(httpApp());
    const wrong = await postSigned(port, slashBody('/deploy-status', ''), 'ffffffffffffffffffffffffffffffff');
    const old = await postSigned(
      port,
      slashBody('/deploy-status', ''),
      SIGNING_SECRET,
      Math.floor(Date.now() / 1000) - 6 * 60,
    );
    expect(wrong.status).toBe(401);
    expect(old.status).toBe(401);
    expect(replies).toHaveLength(0);
  });

  it('acks a signed /deploy-status with 200 and replies on the response_url; logs no secrets', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (l: string) => lines.push(l) });
    const replies = captureReplies();
    const port = await listen(httpApp(undefined, logger));

    const res = await postSigned(port, slashBody('/deploy-status', '', { user: 'U09' }));

    expect(res.status).toBe(200);
    for (let i = 0; i < 100 && replies.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(replies[0]).toMatchObject({ response_type: 'ephemeral', text: 'Deploy status: fine.' });
    const handled = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'command handled');
    expect(handled).toMatchObject({ command: '/deploy-status', user: 'U09', outcome: 'status', replied: true });
    const all = lines.join('\n');
    expect(all).not.toContain(SIGNING_SECRET);
    expect(all).not.toContain(testEnv.SLACK_BOT_TOKEN);
    expect(all).not.toContain('legacy-verification-token');
  });
});
