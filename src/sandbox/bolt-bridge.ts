/**
 * SIMULATION. What Slack's servers do towards Coxswain: build the slash-command, interaction and event requests
 * the Slack platform sends, sign them (v0 HMAC-SHA256 with the sandbox's own signing secret) and POST them to
 * Bolt's /slack/events, so they pass the same signature check as requests from Slack.
 */
import { createHmac } from 'node:crypto';
import { SANDBOX_USER, USERS } from './world.js';

export class BoltBridge {
  constructor(
    private readonly boltUrl: () => string,
    private readonly signingSecret: string,
  ) {}

  private async post(raw: string, contentType: string): Promise<{ status: number; body: string }> {
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', this.signingSecret).update(`v0:${ts}:${raw}`).digest('hex');
    const res = await fetch(`${this.boltUrl()}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': `v0=${sig}`,
      },
      body: raw,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.text() };
  }

  command(c: {
    command: string;
    text: string;
    channel: string;
    channelName: string;
    triggerId: string;
    responseUrl: string;
  }) {
    return this.post(
      new URLSearchParams({
        token: 'sandbox-legacy-token',
        team_id: 'T0SANDBOX',
        team_domain: 'sandbox',
        channel_id: c.channel,
        channel_name: c.channelName,
        user_id: SANDBOX_USER,
        user_name: USERS[SANDBOX_USER] ?? 'you',
        command: c.command,
        text: c.text,
        api_app_id: 'A0SANDBOX',
        is_enterprise_install: 'false',
        response_url: c.responseUrl,
        trigger_id: c.triggerId,
      }).toString(),
      'application/x-www-form-urlencoded',
    );
  }

  interaction(payload: Record<string, unknown>) {
    const full = {
      user: { id: SANDBOX_USER, username: 'you', name: 'you', team_id: 'T0SANDBOX' },
      api_app_id: 'A0SANDBOX',
      token: 'sandbox-legacy-token',
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      enterprise: null,
      is_enterprise_install: false,
      ...payload,
    };
    return this.post(
      new URLSearchParams({ payload: JSON.stringify(full) }).toString(),
      'application/x-www-form-urlencoded',
    );
  }

  event(event: Record<string, unknown>) {
    return this.post(
      JSON.stringify({
        token: 'sandbox-legacy-token',
        team_id: 'T0SANDBOX',
        api_app_id: 'A0SANDBOX',
        type: 'event_callback',
        event_id: `Ev${Date.now()}`,
        event_time: Math.floor(Date.now() / 1000),
        event,
      }),
      'application/json',
    );
  }
}
