import { describe, expect, it } from 'vitest';
import { harness, msg } from './harness.js';

// Slack answers a revoked or deactivated token with HTTP 200 and {"ok":false,"error":"invalid_auth"} or
// "account_inactive" (api.slack.com/methods/chat.postMessage, Errors).

describe('outbox: Slack rejects the bot token', () => {
  it('logs loudly once, keeps every message, flags the token broken, and delivers all once it works again', async () => {
    const h = harness({ authProbeMs: 60_000 });
    h.slack.on(
      'chat.postMessage',
      ...Array.from({ length: 5 }, () => ({ body: { ok: false, error: 'invalid_auth' } })),
    );
    for (let i = 0; i < 4; i++)
      h.outbox.post({ key: `d${i}:parent`, channel: `C${i}X`, message: msg(`m${i}`) }, h.clock.now());
    expect(h.worker.slackAuth.broken()).toBeUndefined();
    await h.worker.tick();
    expect(h.worker.slackAuth.broken()).toMatchObject({ code: 'invalid_auth', since: h.clock.now() });
    const firstCalls = h.slack.calls.length;
    // Within the probe period nothing calls Slack; nothing is dead-lettered, even past the 24 h maximum age.
    await h.run(50, 1_000);
    expect(h.slack.calls.length).toBe(firstCalls);
    h.clock.advance(25 * 3_600_000);
    await h.worker.tick();
    expect(h.slack.calls.length).toBe(firstCalls + 1);
    const states = h.db.prepare('SELECT state FROM outbox').all() as { state: string }[];
    expect(states.every((r) => r.state === 'pending')).toBe(true);
    const loud = h.logs.filter((l) => l.level === 60);
    expect(loud).toHaveLength(1);
    expect(loud[0]!.msg).toContain('Slack rejects the bot token');
    expect(h.logs.some((l) => l.msg === 'slack message dead-lettered')).toBe(false);
    expect(JSON.stringify(h.logs)).not.toContain('xoxb-secret-test-token');

    // An admin fixes the token (the scripted rejections are used up): the next probe works and the rest follows.
    h.slack.calls.length = 0;
    h.clock.advance(60_000);
    await h.run(10, 1_000);
    expect(h.worker.slackAuth.broken()).toBeUndefined();
    const sent = h.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'").get() as { n: number };
    expect(sent.n).toBe(4);
    expect(h.logs.some((l) => l.msg === 'Slack accepts the bot token again')).toBe(true);
  });

  it('treats account_inactive the same way', async () => {
    const h = harness();
    h.slack.on('chat.postMessage', { body: { ok: false, error: 'account_inactive' } });
    h.outbox.post({ key: 'd1:parent', channel: 'C1X', message: msg('m') }, h.clock.now());
    await h.worker.tick();
    expect(h.worker.slackAuth.broken()?.code).toBe('account_inactive');
    expect(h.entry(1)).toMatchObject({ state: 'pending' });
  });
});
