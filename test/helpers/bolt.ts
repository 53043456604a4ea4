import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Receiver } from '@slack/bolt';
import nock from 'nock';
import { silentLogger } from '../../src/app/logger.js';
import { type App, createApp } from '../../src/slack/bolt-app.js';

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'e');
export const RESPONSE_HOST = 'https://hooks.slack.test';

/** A receiver that never listens: tests hand events to app.processEvent themselves. */
export class NoopReceiver implements Receiver {
  init(): void {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

export const testEnv = {
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_APP_TOKEN: undefined,
  PORT: 0,
  SLACK_API_URL: 'https://slack.test/api/',
};

export const botIds = { botId: 'B0BOT', botUserId: 'U0BOT' };

let seq = 0;

export interface SlashOptions {
  user?: string;
  triggerId?: string;
  teamDomain?: string;
}

/** The form fields Slack sends for a slash command. */
export function slashBody(command: string, text: string, o: SlashOptions = {}): Record<string, string> {
  seq += 1;
  return {
    token: 'legacy-verification-token',
    team_id: 'T0TEAM',
    team_domain: o.teamDomain ?? 'acme',
    channel_id: 'C0WHERE',
    channel_name: 'general',
    user_id: o.user ?? 'U05',
    user_name: 'someone',
    command,
    text,
    api_app_id: 'A0APP',
    response_url: `${RESPONSE_HOST}/commands/T0TEAM/${seq}`,
    trigger_id: o.triggerId ?? `trigger-${seq}`,
  };
}

export interface Reply {
  response_type?: string;
  text: string;
  blocks?: { type: string; text?: { text: string }; elements?: { text: string }[] }[];
}

/** All mrkdwn text of a reply (fallback text and every block), for content assertions. */
export function replyText(r: Reply): string {
  const parts = [r.text];
  for (const b of r.blocks ?? []) {
    if (b.text?.text) parts.push(b.text.text);
    for (const e of b.elements ?? []) if (e.text) parts.push(e.text);
  }
  return parts.join('\n');
}

/**
 * Catches every respond() post to the fake response_url host. `events` (shared with other spies) records
 * the order of ack, replies and outside calls.
 */
export function captureReplies(events: string[] = []): Reply[] {
  const replies: Reply[] = [];
  // A body matcher sees the parsed JSON that respond() sends.
  nock(RESPONSE_HOST)
    .persist()
    .post(/^\/commands\//, (body: Reply) => {
      replies.push(body);
      events.push('reply');
      return true;
    })
    .reply(200, 'ok');
  return replies;
}

export interface TestApp {
  app: App;
  /** Runs one slash command through Bolt; resolves when the listener has finished. */
  send(command: string, text: string, o?: SlashOptions): Promise<{ acked: boolean }>;
  /** Sends a prepared body (e.g. the same one twice, as Slack's retries do). */
  sendBody(body: Record<string, string>): Promise<{ acked: boolean }>;
}

export function testApp(register: (app: App) => void, events: string[] = []): TestApp {
  const app = createApp({
    env: testEnv,
    logger: silentLogger,
    receiver: new NoopReceiver(),
    botIds,
    clientOptions: { retryConfig: { retries: 0 } },
  });
  register(app);
  const sendBody = async (body: Record<string, string>) => {
    let acked = false;
    await app.processEvent({
      body,
      ack: async () => {
        acked = true;
        events.push('ack');
      },
    });
    return { acked };
  };
  return { app, sendBody, send: (command, text, o) => sendBody(slashBody(command, text, o)) };
}

/** Signs a raw body the way Slack does (v0 HMAC-SHA256 over "v0:timestamp:body"). */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** POSTs a form body to a running HTTP receiver, signed with `secret`. */
export async function postSigned(
  port: number,
  fields: Record<string, string>,
  secret = SIGNING_SECRET,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<Response> {
  const raw = new URLSearchParams(fields).toString();
  return fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, raw),
    },
    body: raw,
  });
}

/** Starts an app on an ephemeral loopback port; returns the port. */
export async function listen(app: App): Promise<number> {
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as { address(): AddressInfo };
  return server.address().port;
}
