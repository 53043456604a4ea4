import { afterEach, describe, expect, it, vi } from 'vitest';
import { APPROVE_ACTION } from '../../src/views/approval.js';
import { exampleConfig } from '../helpers/config.js';
import { clickBody, slashBody } from '../helpers/slack-kit.js';
import { type SocketModeApp, type SocketModeSlack, socketModeApp } from '../helpers/socket-mode-slack.js';

// Socket Mode, the manifest's default, end to end: the real composition (buildRuntime, as main.ts) with an xapp-
// token and SLACK_API_URL pointing at a local Slack that speaks the Socket Mode protocol over a real WebSocket.

const ACK_DEADLINE_MS = 3_000; // Slack: acknowledge every envelope within 3 seconds

let app: SocketModeApp | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await app?.stop();
  app = undefined;
});

async function socketApp(): Promise<SocketModeApp> {
  app = await socketModeApp(exampleConfig());
  return app;
}

function command(s: SocketModeSlack, text: string): string {
  const body = slashBody('/deploy-status', text);
  return s.send('slash_commands', { ...body, response_url: `${s.responseBase}/${body.trigger_id}` });
}

async function acked(s: SocketModeSlack, envelopeId: string, sentAt: number) {
  await vi.waitFor(() => expect(s.acks.some((a) => a.envelopeId === envelopeId)).toBe(true), {
    timeout: ACK_DEADLINE_MS,
    interval: 5,
  });
  const ack = s.acks.find((a) => a.envelopeId === envelopeId)!;
  expect(ack.atMs - sentAt).toBeLessThan(ACK_DEADLINE_MS);
  return ack;
}

/** Reconnecting waits the client's back-off (5 s); fake timers skip it while the sockets run for real. */
async function reconnected(s: SocketModeSlack, opens: number): Promise<void> {
  for (let i = 0; i < 100 && !(s.connectionOpens() >= opens && s.current()?.n === opens); i++) {
    await vi.advanceTimersByTimeAsync(1_000);
    await new Promise((r) => setImmediate(r));
  }
  expect(s.connectionOpens()).toBe(opens);
  expect(s.current()?.n).toBe(opens);
}

describe('Socket Mode end to end', () => {
  it('connects through SLACK_API_URL with the app token, acks commands and clicks, and survives refresh and drops', async () => {
    vi.useFakeTimers({
      shouldAdvanceTime: true,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
    const { slack: s } = await socketApp();
    // apps.connections.open went to SLACK_API_URL, authorized with the app-level token (not the bot token).
    const open = s.apiCalls.find((c) => c.method === 'apps.connections.open')!;
    expect(open.authorization).toBe('Bearer xapp-1-A0APP-socket-test');
    expect(s.sockets).toHaveLength(1);

    // A slash command envelope: acked with its envelope_id within 3 s, answered once through response_url.
    let t = Date.now();
    const first = command(s, '');
    expect((await acked(s, first, t)).connection).toBe(1);
    await vi.waitFor(() => expect(s.responses).toHaveLength(1), { timeout: 3_000, interval: 5 });
    expect(String(s.responses[0]!.body.text)).toMatch(/\S/);

    // An interactive envelope (a button click): acked within 3 s, answered to the clicker.
    t = Date.now();
    const click = s.send(
      'interactive',
      clickBody({
        actionId: APPROVE_ACTION,
        user: 'U05',
        value: '999',
        blockId: 'approval',
        triggerId: 'trigger-click-1',
        responseUrl: `${s.responseBase}/click-1`,
        messageTs: '1700000000.000100',
        actionTs: '1700000001.000200',
        buttonText: 'Approve',
      }),
    );
    await acked(s, click, t);
    await vi.waitFor(() => expect(s.responses.some((r) => r.path === '/commands/click-1')).toBe(true), {
      timeout: 3_000,
      interval: 5,
    });

    // Slack recycles the connection (disconnect, refresh_requested): a new one is opened through the API again.
    s.refresh();
    await reconnected(s, 2);
    t = Date.now();
    const second = command(s, '');
    expect((await acked(s, second, t)).connection).toBe(2);

    // The socket dies without a close frame: the client reconnects too.
    s.drop();
    await reconnected(s, 3);
    t = Date.now();
    const third = command(s, '');
    expect((await acked(s, third, t)).connection).toBe(3);
    await vi.waitFor(() => expect(s.responses.filter((r) => r.path.startsWith('/commands/trigger-'))).toHaveLength(3), {
      timeout: 3_000,
      interval: 5,
    });

    // Nothing lost, nothing doubled: each envelope acked exactly once, each command answered exactly once.
    expect(s.acks.map((a) => a.envelopeId)).toEqual([first, click, second, third]);
    const answered = s.responses.filter((r) => r.path.startsWith('/commands/trigger-')).map((r) => r.path);
    expect(new Set(answered).size).toBe(3);
    expect(s.sockets.filter((x) => x.open)).toHaveLength(1);
  });
});
