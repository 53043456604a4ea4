import { describe, expect, it } from 'vitest';
import { OutboxDeliveryRepo } from '../../src/store/outbox-delivery-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { harness, msg } from './harness.js';

const P = threadKeys.parent(42);
const R = threadKeys.reply(42, 'result');

describe('outbox delivery: exactly once across crashes and lost answers', () => {
  it('a post left `sending` by a crash is found via conversations.history metadata and not posted again', async () => {
    const h = harness();
    const created = h.clock.now();
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, created);
    // The crashed run: claimed, Slack accepted the post, the process died before marking it sent.
    expect(new OutboxDeliveryRepo(h.db).markSending(1, created)).toBe(true);
    const inSlack = h.slack.store({
      channel: 'C1',
      text: 'parent',
      metadata: { event_type: 'coxswain_outbox', event_payload: { key: P } },
    });
    h.clock.advance(30_000);

    const restarted = h.newWorker();
    await restarted.tick();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const [lookup] = h.slack.callsTo('conversations.history');
    expect(lookup?.body).toMatchObject({ channel: 'C1', include_all_metadata: 'true', limit: '200' });
    expect(Number(lookup?.body.oldest)).toBe((created - 60_000) / 1000);
    expect(h.ts(P)).toBe(inSlack.ts);
    expect(h.entry(1)).toMatchObject({ state: 'sent', attempts: 1 });

    h.outbox.post({ key: R, channel: 'C1', threadKey: P, message: msg('done') }, h.clock.now());
    h.clock.advance(1_000);
    await restarted.tick();
    expect(h.slack.callsTo('chat.postMessage').map((c) => c.body.thread_ts)).toEqual([inSlack.ts]);
    expect(h.slack.messages).toHaveLength(2);
  });

  it('a reply left `sending` is looked up in its thread with conversations.replies', async () => {
    const h = harness();
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    await h.run(1);
    h.outbox.post({ key: R, channel: 'C1', threadKey: P, message: msg('reply') }, h.clock.now());
    new OutboxDeliveryRepo(h.db).markSending(2, h.clock.now());
    const reply = h.slack.store({
      channel: 'C1',
      thread_ts: h.ts(P),
      text: 'reply',
      metadata: { event_type: 'coxswain_outbox', event_payload: { key: R } },
    });
    await h.newWorker().tick();
    expect(h.slack.callsTo('conversations.replies')[0]?.body).toMatchObject({ channel: 'C1', ts: h.ts(P) });
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1); // the parent only
    expect(h.ts(R)).toBe(reply.ts);
  });

  it('a post left `sending` that never reached Slack is posted exactly once after the lookup', async () => {
    const h = harness();
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    new OutboxDeliveryRepo(h.db).markSending(1, h.clock.now());
    await h.newWorker().tick();
    expect(h.slack.calls.map((c) => c.method)).toEqual(['conversations.history', 'chat.postMessage']);
    expect(h.entry(1)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(h.slack.messages).toHaveLength(1);
  });

  it('a 500 whose post Slack had in fact accepted does not produce a second message', async () => {
    const h = harness();
    h.slack.on('chat.postMessage', { status: 500, body: { ok: false, error: 'fatal_error' }, accepted: true });
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    await h.run(10, 1_000);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.slack.messages).toHaveLength(1);
    expect(h.ts(P)).toBe(h.slack.messages[0]?.ts);
    expect(h.logs.some((l) => l.msg === 'slack post found already delivered; not posting again')).toBe(true);
  });

  it('a lookup Slack refuses for good (missing_scope) posts with a warning instead of dead-lettering the thread', async () => {
    const h = harness();
    h.slack.on('conversations.history', { body: { ok: false, error: 'missing_scope' } });
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    new OutboxDeliveryRepo(h.db).markSending(1, h.clock.now());
    await h.newWorker().tick();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.entry(1)).toMatchObject({ state: 'sent', dead_reason: null });
    expect(
      h.logs.some((l) => l.msg === 'cannot check Slack for an earlier delivery; posting (a duplicate is possible)'),
    ).toBe(true);
  });

  it('a message that already has a ts is never posted again (e.g. requeued after it was found)', async () => {
    const h = harness();
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    h.db.prepare(`UPDATE slack_messages SET ts = '1700000000.000001' WHERE key = ?`).run(P);
    await h.run(1);
    expect(h.slack.calls).toHaveLength(0);
    expect(h.entry(1)).toMatchObject({ state: 'sent' });
  });
});
