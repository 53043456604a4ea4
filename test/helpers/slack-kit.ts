/**
 * The tests' Slack kit: the payloads Slack sends (slash command form, block_actions click, view_submission, Events
 * API callback), a Bolt app over a receiver that never listens, signed HTTP posts to a listening app, and the
 * capture of what the app answers through response_url. Shapes as in docs.slack.dev/interactivity/handling-user-
 * interaction (block_actions, view_submission payloads), docs.slack.dev/interactivity/implementing-slash-commands
 * and docs.slack.dev/authentication/verifying-requests-from-slack (v0 signature).
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Receiver } from '@slack/bolt';
import { silentLogger } from '../../src/app/logger.js';
import { type App, createApp } from '../../src/slack/bolt-app.js';
import { RESPONSE_HOST } from './slack-replies.js';

export { type Button, buttonsOf, captureReplies, RESPONSE_HOST, type Reply, replyText } from './slack-replies.js';

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'e');

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

export interface ClickOptions {
  actionId: string;
  user: string;
  value: string;
  blockId?: string;
  /** Where the answer goes; a fresh RESPONSE_HOST url unless said. */
  responseUrl?: string;
  triggerId?: string;
  /** The channel of the message the button sits in; absent for a click on the Home tab (a view). */
  channel?: string;
  messageTs?: string;
  buttonText?: string;
  actionTs?: string;
}

/** A block_actions payload for a button click, on a message in `channel` or, with `channel: undefined`, on Home. */
export function clickBody(o: ClickOptions): Record<string, unknown> {
  seq += 1;
  const onHome = 'channel' in o && o.channel === undefined;
  const channel = o.channel ?? 'C0DEPLOYS';
  const ts = o.messageTs ?? '1.1';
  return {
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    trigger_id: o.triggerId ?? `click-trigger-${seq}`,
    team: { id: 'T0TEAM', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    ...(onHome
      ? { container: { type: 'view', view_id: 'V0VIEW' }, view: { id: 'V0VIEW', type: 'home', hash: 'h' } }
      : {
          container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
          channel: { id: channel, name: 'deploys' },
          message: { type: 'message', ts, text: 'x' },
          response_url: o.responseUrl ?? `${RESPONSE_HOST}/commands/T0TEAM/click-${seq}`,
        }),
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: o.blockId ?? 'b1',
        value: o.value,
        action_ts: o.actionTs ?? '1',
        text: { type: 'plain_text', text: o.buttonText ?? 'x' },
      },
    ],
  };
}

/** A view_submission payload: a modal with `callbackId` submitted by `user` with the given state values. */
export function viewSubmissionBody(
  user: string,
  callbackId: string,
  values: Record<string, Record<string, unknown>>,
  privateMetadata = '',
): Record<string, unknown> {
  seq += 1;
  return {
    type: 'view_submission',
    team: { id: 'T0TEAM', domain: 'acme' },
    user: { id: user, name: user, team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    trigger_id: `submit-trigger-${seq}`,
    view: {
      id: 'V0VIEW',
      hash: 'h1',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: privateMetadata,
      state: { values },
    },
  };
}

/** An Events API callback wrapping one event (JSON body). */
export function eventBody(event: Record<string, unknown>): Record<string, unknown> {
  seq += 1;
  return { type: 'event_callback', team_id: 'T0TEAM', api_app_id: 'A0APP', event, event_id: `Ev${seq}` };
}

/** Hands one body to Bolt as a receiver would; resolves when the listener has finished. `events` records the ack. */
export async function dispatch(
  app: App,
  body: Record<string, unknown>,
  events?: string[],
): Promise<{ acked: boolean }> {
  let acked = false;
  await app.processEvent({
    body,
    ack: async () => {
      acked = true;
      events?.push('ack');
    },
  });
  return { acked };
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
  const sendBody = (body: Record<string, string>) => dispatch(app, body, events);
  return { app, sendBody, send: (command, text, o) => sendBody(slashBody(command, text, o)) };
}

/** Signs a raw body the way Slack does (v0 HMAC-SHA256 over "v0:timestamp:body"). */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** POSTs a raw body to a running HTTP receiver, signed with `secret`. */
export function postSignedRaw(
  port: number,
  raw: string,
  contentType: string,
  secret = SIGNING_SECRET,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, raw),
    },
    body: raw,
  });
}

/** POSTs a form body (a slash command; `{ payload }` for interactivity) to a running HTTP receiver, signed. */
export function postSigned(
  port: number,
  fields: Record<string, string>,
  secret = SIGNING_SECRET,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<Response> {
  return postSignedRaw(
    port,
    new URLSearchParams(fields).toString(),
    'application/x-www-form-urlencoded',
    secret,
    timestamp,
  );
}

/** POSTs an interactivity payload (click, view submission) as Slack does: form field `payload` holding JSON. */
export function postPayload(
  port: number,
  payload: Record<string, unknown>,
  secret = SIGNING_SECRET,
): Promise<Response> {
  return postSigned(port, { payload: JSON.stringify(payload) }, secret);
}

/** POSTs an Events API callback (JSON body), signed. */
export function postEvent(port: number, event: Record<string, unknown>, secret = SIGNING_SECRET): Promise<Response> {
  return postSignedRaw(port, JSON.stringify(eventBody(event)), 'application/json', secret);
}

/** Starts an app on an ephemeral loopback port; returns the port. */
export async function listen(app: App): Promise<number> {
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as { address(): AddressInfo };
  return server.address().port;
}

/** auth.test's answer for the bot (docs.slack.dev/reference/methods/auth.test). */
export const AUTH_TEST_OK = {
  ok: true,
  url: 'https://acme.slack.com/',
  team: 'Acme',
  user: 'coxswain',
  team_id: 'T0TEAM',
  user_id: botIds.botUserId,
  bot_id: botIds.botId,
  is_enterprise_install: false,
};
