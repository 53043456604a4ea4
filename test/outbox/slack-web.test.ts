import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { createDeliveryWebClient, SlackWebDelivery } from '../../src/adapters/slack-web.js';
import { harness, msg } from './harness.js';

const API = 'https://slack.test';
const delivery = () =>
  new SlackWebDelivery(createDeliveryWebClient({ token: 'xoxb-t', slackApiUrl: `${API}/api/`, timeoutMs: 2_000 }));

describe('Slack delivery adapter', () => {
  it('makes exactly one request on a 500: the client does not retry on its own', async () => {
    const scope = nock(API).post('/api/chat.postMessage').reply(500, 'boom');
    const res = await delivery().postMessage({ channel: 'C1', text: 'x', key: 'k' });
    expect(res).toEqual({ ok: false, failure: { kind: 'retryable', code: 'http_500', mayHaveSucceeded: true } });
    expect(scope.isDone()).toBe(true);
  });

  it('rejects a 429 at once with its Retry-After instead of pausing the client', async () => {
    nock(API).post('/api/chat.update').reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '12' });
    const started = Date.now();
    const res = await delivery().updateMessage({ channel: 'C1', ts: '1.2', text: 'x' });
    expect(res).toEqual({ ok: false, failure: { kind: 'rate_limited', code: 'ratelimited', retryAfterMs: 12_000 } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('classifies a refused connection as retryable and certainly not posted', async () => {
    nock(API)
      .post('/api/chat.postMessage')
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const res = await delivery().postMessage({ channel: 'C1', text: 'x', key: 'k' });
    expect(res).toMatchObject({ ok: false, failure: { kind: 'retryable', mayHaveSucceeded: false } });
  });

  it('findPosted follows history pages until it sees the key in the metadata', async () => {
    const meta = (key: string) => ({ event_type: 'coxswain_outbox', event_payload: { key } });
    nock(API)
      .post('/api/conversations.history', (b) => b.cursor === undefined && b.oldest === '1700000000.000000')
      .reply(200, {
        ok: true,
        messages: [{ ts: '1700000009.1', metadata: meta('other') }, { ts: '1700000008.1' }],
        has_more: true,
        response_metadata: { next_cursor: 'page2' },
      })
      .post('/api/conversations.history', (b) => b.cursor === 'page2')
      .reply(200, { ok: true, messages: [{ ts: '1700000001.1', metadata: meta('d1:parent') }], has_more: false });
    const res = await delivery().findPosted({ channel: 'C1', key: 'd1:parent', oldestMs: 1_700_000_000_000 });
    expect(res).toEqual({ ok: true, value: { ts: '1700000001.1' } });
  });
});

describe('OutboxWorker start/stop', () => {
  it('delivers with real timers and stop() waits for the tick in progress', async () => {
    const h = harness();
    const worker = h.newWorker({ pollIntervalMs: 10 });
    h.outbox.post({ key: 'd1:parent', channel: 'C1', message: msg('live') }, h.clock.now());
    worker.start();
    await vi.waitFor(() => expect(h.ts('d1:parent')).not.toBeNull(), { timeout: 3_000, interval: 10 });
    await worker.stop();
    h.outbox.post({ key: 'd2:parent', channel: 'C2', message: msg('after stop') }, h.clock.now());
    await new Promise((r) => setTimeout(r, 50));
    expect(h.slack.callsTo('chat.postMessage').map((c) => c.body.text)).toEqual(['live']);
  });
});
