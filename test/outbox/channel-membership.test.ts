import { describe, expect, it } from 'vitest';
import { createDeliveryWebClient, SlackWebDelivery } from '../../src/adapters/slack-web.js';
import { createLogger } from '../../src/app/logger.js';
import { ChannelJoinJob, configuredChannels } from '../../src/outbox/channel-join.js';
import { OutboxDeliveryRepo } from '../../src/store/outbox-delivery-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { exampleConfig } from '../helpers/config.js';
import { FakeSlack, SLACK_API_URL } from './fake-slack.js';
import { harness, type LogLine, msg } from './harness.js';

// conversations.history / conversations.replies read only conversations the bot is a member of; chat:write.public
// posts without joining, and reads then answer not_in_channel (docs.slack.dev reference/methods/
// conversations.history; slackapi/deno-slack-sdk#128). conversations.join needs channels:join; private channels
// answer method_not_supported_for_channel_type (docs.slack.dev reference/methods/conversations.join).
const P = threadKeys.parent(7);
const R = threadKeys.reply(7, 'result');

describe('recovery lookups in channels the bot never joined', () => {
  it('joins on not_in_channel, looks again and finds the earlier post: no duplicate, not dead', async () => {
    const h = harness();
    h.slack.notMember.add('C1');
    h.outbox.post({ key: P, channel: 'C1', message: msg('parent') }, h.clock.now());
    // Crashed mid-send: Slack has the post, the database does not know.
    new OutboxDeliveryRepo(h.db).markSending(1, h.clock.now());
    const inSlack = h.slack.store({
      channel: 'C1',
      text: 'parent',
      metadata: { event_type: 'coxswain_outbox', event_payload: { key: P } },
    });
    await h.newWorker().tick();
    expect(h.slack.calls.map((c) => c.method)).toEqual([
      'conversations.history',
      'conversations.join',
      'conversations.history',
    ]);
    expect(h.slack.callsTo('conversations.join')[0]?.body).toMatchObject({ channel: 'C1' });
    expect(h.entry(1)).toMatchObject({ state: 'sent' });
    expect(h.ts(P)).toBe(inSlack.ts);
    expect(h.slack.messages).toHaveLength(1);
  });

  it('a private channel it cannot join: posts anyway, and the rest of the thread follows (nothing dead)', async () => {
    const h = harness();
    h.slack.notMember.add('G1');
    h.slack.privateChannels.add('G1');
    h.outbox.post({ key: P, channel: 'G1', message: msg('parent') }, h.clock.now());
    h.outbox.post({ key: R, channel: 'G1', threadKey: P, message: msg('result') }, h.clock.now());
    new OutboxDeliveryRepo(h.db).markSending(1, h.clock.now());
    await h.run(3, 2_000);
    expect(h.slack.callsTo('conversations.join')).toHaveLength(1);
    expect(h.entry(1)).toMatchObject({ state: 'sent', dead_reason: null });
    expect(h.entry(2)).toMatchObject({ state: 'sent', dead_reason: null });
    expect(h.slack.messages.map((m) => m.text)).toEqual(['parent', 'result']);
    expect(h.slack.messages[1]?.threadTs).toBe(h.ts(P));
  });
});

describe('joining the configured channels at start', () => {
  it('joins every public channel and names what to do for a private one', async () => {
    const slack = new FakeSlack().install();
    slack.privateChannels.add('C0PROD');
    const logs: LogLine[] = [];
    const logger = createLogger('info', { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
    const config = exampleConfig();
    const job = new ChannelJoinJob({
      config,
      slack: new SlackWebDelivery(createDeliveryWebClient({ token: 'xoxb-t', slackApiUrl: SLACK_API_URL })),
      logger,
    });
    job.start();
    const outcomes = await job.done();
    const channels = configuredChannels(config);
    expect(channels).toContain('C0DEPLOYS');
    expect(channels).toContain('C0PROD');
    expect(slack.callsTo('conversations.join').map((c) => c.body.channel)).toEqual(channels);
    expect(outcomes.find((o) => o.channel === 'C0PROD')).toEqual({
      channel: 'C0PROD',
      ok: false,
      code: 'method_not_supported_for_channel_type',
      advice: 'a private channel cannot be joined: invite the bot there (/invite @Coxswain)',
    });
    expect(outcomes.filter((o) => o.ok)).toHaveLength(channels.length - 1);
    expect(logs.find((l) => l.channel === 'C0PROD')?.msg).toContain('could not join channel');
  });

  it('a Slack outage at start is not mistaken for a membership problem', async () => {
    const slack = new FakeSlack().install();
    slack.on('conversations.join', { status: 503, body: { ok: false, error: 'service_unavailable' } });
    const config = exampleConfig();
    const job = new ChannelJoinJob({
      config,
      slack: new SlackWebDelivery(createDeliveryWebClient({ token: 'xoxb-t', slackApiUrl: SLACK_API_URL })),
      logger: createLogger('silent'),
    });
    job.start();
    const [first] = await job.done();
    expect(first).toMatchObject({ ok: false, code: 'http_503' });
    expect(first && !first.ok ? first.advice : '').toContain('Slack did not answer');
  });
});
