import { describe, expect, it } from 'vitest';
import { harness, msg } from './harness.js';

// Slack rate limits are per method, per workspace, per app; chat.update is Tier 3 (~50 per minute)
// (docs.slack.dev apis/web-api/rate-limits). Over the limit: HTTP 429, Retry-After seconds, {ok:false,error:'ratelimited'}.
describe('chat.update is paced and held across the workspace', () => {
  async function threeChannels() {
    const h = harness();
    const t0 = h.clock.now();
    for (const c of ['C1', 'C2', 'C3']) h.outbox.post({ key: `${c}:parent`, channel: c, message: msg(`${c} v1`) }, t0);
    await h.worker.tick();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(3);
    h.clock.advance(5_000);
    for (const c of ['C1', 'C2', 'C3']) h.outbox.update(`${c}:parent`, msg(`${c} v2`), h.clock.now());
    return h;
  }

  it('updates in different channels share one pace: at most one per 1.2 s', async () => {
    const h = await threeChannels();
    const u0 = h.clock.now();
    const times: number[] = [];
    for (let t = 0; t <= 3_000; t += 100) {
      h.clock.set(u0 + t);
      const before = h.slack.callsTo('chat.update').length;
      await h.worker.tick();
      const n = h.slack.callsTo('chat.update').length - before;
      for (let i = 0; i < n; i++) times.push(t);
    }
    expect(times).toEqual([0, 1_200, 2_400]);
    expect(new Set(h.slack.callsTo('chat.update').map((c) => c.body.channel)).size).toBe(3);
  });

  it("a 429 on one channel's chat.update holds every channel's updates for Retry-After", async () => {
    const h = await threeChannels();
    h.slack.on('chat.update', {
      status: 429,
      body: { ok: false, error: 'ratelimited' },
      headers: { 'Retry-After': '10' },
    });
    const u0 = h.clock.now();
    await h.worker.tick();
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
    for (let t = 1_200; t < 10_000; t += 1_200) {
      h.clock.set(u0 + t);
      await h.worker.tick();
    }
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
    h.clock.set(u0 + 10_000);
    await h.worker.tick();
    expect(h.slack.callsTo('chat.update')).toHaveLength(2);
    // Posts are limited per channel, not held by the update limit.
    h.outbox.post({ key: 'C4:parent', channel: 'C4', message: msg('new') }, h.clock.now());
    await h.worker.tick();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(4);
  });
});
