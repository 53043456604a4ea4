import { describe, expect, it } from 'vitest';
import { threadKeys } from '../../src/views/thread-keys.js';
import { harness, msg } from './harness.js';

const P = threadKeys.parent(17);
const R = threadKeys.reply(17, 'build-started');
const err500 = { status: 500, body: { ok: false, error: 'internal_error' } };

describe('outbox delivery: payloads, retries, rate limits, dead letter', () => {
  it('posts text, blocks and the outbox metadata; replies carry thread_ts; updates use chat.update', async () => {
    const h = harness();
    h.outbox.post({ key: P, channel: 'C1', deploymentId: undefined, message: msg('Deploy #17 queued') }, h.clock.now());
    h.outbox.post({ key: R, channel: 'C1', threadKey: P, message: msg('Build started') }, h.clock.now());
    await h.run(3);
    h.outbox.update(P, msg('Deploy #17 running'), h.clock.now());
    await h.run(1);

    const [parent, reply] = h.slack.callsTo('chat.postMessage').map((c) => c.body);
    expect(parent).toMatchObject({
      channel: 'C1',
      text: 'Deploy #17 queued',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Deploy #17 queued*' } }],
      metadata: { event_type: 'coxswain_outbox', event_payload: { key: P } },
    });
    expect(parent).not.toHaveProperty('thread_ts');
    expect(reply).toMatchObject({ text: 'Build started', thread_ts: h.ts(P), metadata: { event_payload: { key: R } } });
    const [update] = h.slack.callsTo('chat.update').map((c) => c.body);
    expect(update).toMatchObject({
      channel: 'C1',
      ts: h.ts(P),
      text: 'Deploy #17 running',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Deploy #17 running*' } }],
    });
    expect(h.slack.messages.find((m) => m.ts === h.ts(P))?.text).toBe('Deploy #17 running');
  });

  it('retries 500s with the persisted backoff (5 s, then 10 s) and sends nothing before next_attempt_at', async () => {
    const h = harness();
    const t0 = h.clock.now();
    h.outbox.post({ key: P, channel: 'C1', message: msg('hello') }, t0);
    h.slack.on('chat.postMessage', err500, { status: 503, body: { ok: false, error: 'service_unavailable' } });

    await h.worker.tick();
    expect(h.entry(1)).toMatchObject({ state: 'pending', failures: 1, next_attempt_at: t0 + 5_000, needs_lookup: 1 });
    h.clock.set(t0 + 4_999);
    await h.worker.tick();
    expect(h.slack.calls).toHaveLength(1);

    h.clock.set(t0 + 5_000);
    await h.worker.tick();
    // A 500 may hide an accepted post: the worker looks before posting again.
    expect(h.slack.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'conversations.history',
      'chat.postMessage',
    ]);
    expect(h.entry(1)).toMatchObject({ state: 'pending', failures: 2, next_attempt_at: t0 + 5_000 + 10_000 });

    h.clock.set(t0 + 14_999);
    await h.worker.tick();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(2);
    h.clock.set(t0 + 15_000);
    await h.worker.tick();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(3);
    expect(h.entry(1)).toMatchObject({ state: 'sent', attempts: 3, needs_lookup: 0 });
    expect(h.slack.messages).toHaveLength(1);
    expect(h.ts(P)).toBe(h.slack.messages[0]?.ts);

    const failures = h.logs.filter((l) => l.msg === 'slack delivery failed');
    expect(failures.map((l) => l.error)).toEqual(['http_500', 'http_503']);
    expect(failures[0]).toMatchObject({ key: P, channel: 'C1', method: 'chat.postMessage', retryInMs: 5_000 });
    expect(JSON.stringify(h.logs)).not.toContain('xoxb-secret-test-token');
  });

  it('honours Retry-After exactly for the rate-limited channel while another channel proceeds', async () => {
    const h = harness();
    const t0 = h.clock.now();
    h.slack.onChannel('chat.postMessage', 'C1', {
      status: 429,
      headers: { 'retry-after': '7' },
      body: { ok: false, error: 'ratelimited' },
    });
    h.outbox.post({ key: 'd1:parent', channel: 'C1', message: msg('one') }, t0);
    h.outbox.post({ key: 'd2:parent', channel: 'C2', message: msg('two') }, t0);
    h.outbox.post({ key: 'd3:parent', channel: 'C1', message: msg('three') }, t0);
    h.outbox.post({ key: 'd4:parent', channel: 'C2', message: msg('four') }, t0);

    await h.worker.tick();
    expect(h.entry(1)).toMatchObject({
      state: 'pending',
      next_attempt_at: t0 + 7_000,
      failures: 0,
      last_error: 'ratelimited',
    });
    for (let t = 1_000; t < 7_000; t += 1_000) {
      h.clock.set(t0 + t);
      await h.worker.tick();
    }
    const to = (ch: string) => h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === ch);
    expect(to('C1')).toHaveLength(1); // only the 429'd call: d3 waited too
    expect(to('C2').map((c) => c.body.text)).toEqual(['two', 'four']);

    h.clock.set(t0 + 6_999);
    await h.worker.tick();
    expect(to('C1')).toHaveLength(1);
    h.clock.set(t0 + 7_000);
    await h.worker.tick();
    expect(to('C1').map((c) => c.body.text)).toEqual(['one', 'one']);
    h.clock.set(t0 + 8_000);
    await h.worker.tick();
    expect(to('C1').map((c) => c.body.text)).toEqual(['one', 'one', 'three']);
    expect(h.logs.find((l) => l.msg === 'slack delivery rate limited')).toMatchObject({
      key: 'd1:parent',
      retryInMs: 7_000,
    });
  });

  it('dead-letters a permanent error at once, with its reason, and takes the waiting replies and updates with it', async () => {
    const h = harness();
    h.slack.on('chat.postMessage', { body: { ok: false, error: 'channel_not_found' } });
    h.outbox.post({ key: P, channel: 'C404', message: msg('parent') }, h.clock.now());
    h.outbox.post({ key: R, channel: 'C404', threadKey: P, message: msg('reply') }, h.clock.now());
    await h.worker.tick();
    h.outbox.update(P, msg('parent v2'), h.clock.now()); // an attempted post is settled: this queues an update
    h.outbox.post(
      { key: threadKeys.reply(17, 'result'), channel: 'C404', threadKey: P, message: msg('late') },
      h.clock.now(),
    );
    await h.run(3);

    expect(h.slack.calls).toHaveLength(1);
    const rows = h.db.prepare('SELECT id, state, dead_reason, dead_cause FROM outbox ORDER BY id').all();
    expect(rows).toEqual([
      { id: 1, state: 'dead', dead_reason: 'channel_not_found', dead_cause: null },
      { id: 2, state: 'dead', dead_reason: 'parent not delivered: channel_not_found', dead_cause: 1 },
      { id: 3, state: 'dead', dead_reason: 'parent not delivered: channel_not_found', dead_cause: 1 },
      { id: 4, state: 'dead', dead_reason: 'parent not delivered: channel_not_found', dead_cause: 1 },
    ]);
    expect(h.outbox.deadCount()).toBe(4);
    const dead = h.logs.filter((l) => l.msg === 'slack message dead-lettered');
    expect(dead[0]).toMatchObject({ key: P, channel: 'C404', error: 'channel_not_found' });
    expect(dead).toHaveLength(4);
  });

  it('dead-letters an update whose message is gone (message_not_found)', async () => {
    const h = harness();
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    await h.run(1);
    h.slack.messages.length = 0; // someone deleted the message in Slack
    h.outbox.update(P, msg('parent v2'), h.clock.now());
    await h.run(1);
    expect(h.entry(2)).toMatchObject({ op: 'update', state: 'dead', dead_reason: 'message_not_found' });
  });

  it('dead-letters entries older than the maximum age (default 24 h) with the last error', async () => {
    const h = harness();
    h.slack.on('chat.postMessage', err500);
    h.slack.on('conversations.history', ...Array.from({ length: 30 }, () => err500));
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    await h.worker.tick();
    h.clock.advance(24 * 3_600_000 - 1);
    await h.worker.tick();
    const callsBefore = h.slack.calls.length;
    expect(h.entry(1)).toMatchObject({ state: 'pending' });
    h.clock.advance(2);
    await h.worker.tick();
    expect(h.slack.calls).toHaveLength(callsBefore);
    expect(h.entry(1)).toMatchObject({
      state: 'dead',
      dead_reason: 'expired: not delivered within 24 h (last error: http_500)',
    });
  });

  it('uses a configurable maximum age and backoff', async () => {
    const h = harness({ maxAgeMs: 60_000, backoff: { baseMs: 1_000, factor: 3, maxMs: 9_000, jitter: 0 } });
    h.slack.on('chat.postMessage', err500, err500);
    h.slack.on('conversations.history', err500);
    const t0 = h.clock.now();
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, t0);
    await h.worker.tick();
    expect(h.entry(1)).toMatchObject({ next_attempt_at: t0 + 1_000 });
    h.clock.set(t0 + 1_000);
    await h.worker.tick(); // lookup fails: still counts as a failure
    expect(h.entry(1)).toMatchObject({ next_attempt_at: t0 + 1_000 + 3_000, failures: 2 });
    h.clock.set(t0 + 60_001);
    await h.worker.tick();
    expect(h.entry(1)).toMatchObject({ state: 'dead' });
    expect(h.entry(1).dead_reason).toBe('expired: not delivered within 1 min (last error: http_500)');
  });
});
