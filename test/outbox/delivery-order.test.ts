import { describe, expect, it } from 'vitest';
import { OutboxDeliveryRepo } from '../../src/store/outbox-delivery-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { harness, msg } from './harness.js';

const P = threadKeys.parent(5);
const err500 = { status: 500, body: { ok: false, error: 'internal_error' } };

describe('outbox delivery: order, coalescing, pacing', () => {
  it('sends a reply only after its failing parent has a ts, threaded under it', async () => {
    const h = harness();
    h.slack.on('chat.postMessage', err500, err500);
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    await h.worker.tick(); // parent fails once
    h.outbox.post(
      { key: threadKeys.reply(5, 'build'), channel: 'C1', threadKey: P, message: msg('reply') },
      h.clock.now(),
    );
    await h.run(30, 1_000);

    const posts = h.slack.callsTo('chat.postMessage').map((c) => c.body);
    expect(posts.map((p) => p.text)).toEqual(['parent', 'parent', 'parent', 'reply']);
    expect(h.ts(P)).not.toBeNull();
    expect(posts[3]?.thread_ts).toBe(h.ts(P));
    // Every reply call came after the parent was stored in Slack.
    const firstReply = h.slack.calls.findIndex((c) => c.body.text === 'reply');
    const parentOk = h.slack.calls.map((c) => c.body.text).lastIndexOf('parent');
    expect(firstReply).toBeGreaterThan(parentOk);
  });

  it('keeps replies of one thread in the order written, even when an earlier one is retrying', async () => {
    const h = harness();
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    await h.run(1);
    h.slack.on('chat.postMessage', err500);
    for (const name of ['a', 'b', 'c']) {
      h.outbox.post({ key: threadKeys.reply(5, name), channel: 'C1', threadKey: P, message: msg(name) }, h.clock.now());
    }
    await h.run(20, 1_000);
    expect(h.slack.messages.map((m) => m.text)).toEqual(['parent', 'a', 'b', 'c']);
    expect(h.slack.messages.slice(1).every((m) => m.threadTs === h.ts(P))).toBe(true);
  });

  it('coalesces 5 updates written while the post is pending into one post with the newest content', async () => {
    const h = harness();
    h.outbox.post({ key: P, channel: 'C1', message: msg('v0') }, h.clock.now());
    for (let i = 1; i <= 5; i++) h.outbox.update(P, msg(`v${i}`), h.clock.now());
    await h.run(5);
    expect(h.slack.callsTo('chat.postMessage').map((c) => c.body.text)).toEqual(['v5']);
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('after a failed post, 5 updates become one chat.update with the newest content, sent after the post', async () => {
    const h = harness();
    h.slack.on('chat.postMessage', err500);
    h.outbox.post({ key: P, channel: 'C1', message: msg('v0') }, h.clock.now());
    await h.worker.tick();
    for (let i = 1; i <= 5; i++) h.outbox.update(P, msg(`v${i}`), h.clock.now());
    await h.run(10, 1_000);
    expect(h.slack.callsTo('chat.postMessage').map((c) => c.body.text)).toEqual(['v0', 'v0']);
    const updates = h.slack.callsTo('chat.update');
    expect(updates.map((c) => [c.body.text, c.body.ts])).toEqual([['v5', h.ts(P)]]);
    expect(h.slack.messages[0]?.text).toBe('v5');
  });

  it('sends only the newest of several pending updates and marks the older ones superseded', async () => {
    const h = harness();
    const repo = new OutboxDeliveryRepo(h.db);
    h.outbox.post({ key: P, channel: 'C1', message: msg('v0') }, h.clock.now());
    await h.run(1);
    h.slack.on('chat.update', { body: { ok: false, error: 'edit_window_closed' } });
    h.outbox.update(P, msg('v1'), h.clock.now());
    await h.run(1);
    h.outbox.update(P, msg('v2'), h.clock.now());
    expect(repo.requeue(2, h.clock.now())).toEqual({ ok: true, ids: [2] }); // v1 and v2 both pending now
    await h.run(3);
    expect(h.slack.callsTo('chat.update').map((c) => c.body.text)).toEqual(['v1', 'v2']);
    expect(h.entry(2)).toMatchObject({ state: 'sent', superseded_by: 3, sent_at: null });
    expect(h.entry(3)).toMatchObject({ state: 'sent' });
  });

  it('paces new messages to one per second per channel, channels independently; updates are paced too', async () => {
    const h = harness();
    const t0 = h.clock.now();
    for (let i = 1; i <= 3; i++) h.outbox.post({ key: `d${i}:parent`, channel: 'C1', message: msg(`c1-${i}`) }, t0);
    h.outbox.post({ key: 'd9:parent', channel: 'C2', message: msg('c2-1') }, t0);
    const seen: [number, string][] = [];
    for (let t = 0; t <= 2_500; t += 250) {
      h.clock.set(t0 + t);
      const before = h.slack.calls.length;
      await h.worker.tick();
      for (const c of h.slack.calls.slice(before)) seen.push([t, String(c.body.text)]);
    }
    expect(seen).toEqual([
      [0, 'c1-1'],
      [0, 'c2-1'],
      [1_000, 'c1-2'],
      [2_000, 'c1-3'],
    ]);

    for (let i = 1; i <= 3; i++) h.outbox.update(`d${i}:parent`, msg(`c1-${i} v2`), h.clock.now());
    const u0 = h.clock.now();
    const times: number[] = [];
    for (let t = 0; t <= 2_500; t += 250) {
      h.clock.set(u0 + t);
      const before = h.slack.callsTo('chat.update').length;
      await h.worker.tick();
      if (h.slack.callsTo('chat.update').length > before) times.push(t);
    }
    // chat.update is paced workspace-wide (Tier 3, ~50/min): one per 1.2 s (test/outbox/workspace-pacing.test.ts).
    expect(times).toEqual([0, 1_250, 2_500]);
  });
});
