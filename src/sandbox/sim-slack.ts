/**
 * SIMULATION. A Slack workspace in memory: the Web API methods Coxswain calls (chat.*, conversations.history /
 * replies, views.*), answered with Slack's response shapes (docs.slack.dev/reference/methods), plus what the
 * browser page reads (channels, threads, ephemeral messages, the Home tab, the open modal).
 */
import type { KnownBlock } from '@slack/types';
import { CHANNELS, SANDBOX_USER } from './world.js';

export interface SimMessage {
  channel: string;
  ts: string;
  user: string;
  text: string;
  blocks?: KnownBlock[];
  threadTs?: string;
  metadata?: unknown;
  /** Ephemeral: only this user sees it ("Only visible to you"). */
  ephemeralFor?: string;
  edited?: boolean;
}

export interface SimView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  errors?: Record<string, string>;
}

export const DM_CHANNEL = 'D0YOU';
export const BOT_USER = 'U0BOT';
const TRIGGER_TTL_MS = 3_000;

type Body = Record<string, unknown>;

export class SimSlack {
  readonly messages: SimMessage[] = [];
  readonly homes = new Map<string, SimView>();
  modal: SimView | undefined;
  version = 0;
  private seq = 0;
  private readonly triggers = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** A trigger_id the sandbox handed to Coxswain with a command or click (valid for 3 s, as Slack's). */
  issueTrigger(): string {
    this.seq += 1;
    const id = `${this.seq}.sandbox.trigger`;
    this.triggers.set(id, this.now());
    return id;
  }

  changed(): void {
    this.version += 1;
  }

  channelsForPage() {
    return [
      ...Object.entries(CHANNELS).map(([id, name]) => ({ id, name })),
      { id: DM_CHANNEL, name: 'Coxswain (messages)' },
    ];
  }

  /** Adds an ephemeral message as Slack shows a response_url reply or chat.postEphemeral. */
  ephemeral(channel: string, user: string, body: Body): SimMessage {
    return this.store({ ...body, channel }, { ephemeralFor: user });
  }

  /** One Web API call (form-encoded, JSON-valued fields already parsed). */
  call(method: string, body: Body): Body {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'http://sandbox.slack.local/',
          team: 'Sandbox',
          user: 'coxswain',
          team_id: 'T0SANDBOX',
          user_id: BOT_USER,
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage': {
        const m = this.store(body, {});
        return {
          ok: true,
          channel: m.channel,
          ts: m.ts,
          message: { type: 'message', text: m.text, ts: m.ts, user: BOT_USER },
        };
      }
      case 'chat.update': {
        const m = this.messages.find((x) => x.channel === body.channel && x.ts === body.ts && !x.ephemeralFor);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.text = String(body.text ?? '');
        if (body.blocks) m.blocks = body.blocks as KnownBlock[];
        m.edited = true;
        this.changed();
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
      }
      case 'chat.postEphemeral': {
        const m = this.ephemeral(this.channelOf(String(body.channel)), String(body.user), body);
        return { ok: true, message_ts: m.ts };
      }
      case 'conversations.join': {
        const name = CHANNELS[String(body.channel)];
        if (!name) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: { id: body.channel, name, is_channel: true, is_member: true } };
      }
      case 'conversations.history': {
        const oldest = Number(body.oldest ?? 0);
        const found = this.messages.filter(
          (m) => m.channel === body.channel && !m.threadTs && !m.ephemeralFor && Number(m.ts) >= oldest,
        );
        return { ok: true, messages: found.reverse().map(apiMessage), has_more: false };
      }
      case 'conversations.replies': {
        const thread = this.messages.filter(
          (m) => m.channel === body.channel && !m.ephemeralFor && (m.ts === body.ts || m.threadTs === body.ts),
        );
        return { ok: true, messages: thread.map(apiMessage), has_more: false };
      }
      case 'views.publish': {
        const user = String(body.user_id ?? '');
        const view = this.view(body.view, this.homes.get(user)?.id);
        this.homes.set(user, view);
        this.changed();
        return { ok: true, view: { ...view.view, id: view.id, hash: view.hash } };
      }
      case 'views.open': {
        const issued = this.triggers.get(String(body.trigger_id));
        if (issued === undefined || this.now() - issued > TRIGGER_TTL_MS)
          return { ok: false, error: 'expired_trigger_id' };
        this.triggers.delete(String(body.trigger_id));
        this.modal = this.view(body.view);
        this.changed();
        return { ok: true, view: { ...this.modal.view, id: this.modal.id, hash: this.modal.hash } };
      }
      case 'views.update': {
        if (!this.modal || this.modal.id !== body.view_id) return { ok: false, error: 'not_found' };
        if (body.hash && body.hash !== this.modal.hash) return { ok: false, error: 'hash_conflict' };
        this.modal = this.view(body.view, this.modal.id);
        this.changed();
        return { ok: true, view: { ...this.modal.view, id: this.modal.id, hash: this.modal.hash } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** A DM to a user id goes to the app's Messages tab with that user. */
  private channelOf(channel: string): string {
    return channel === SANDBOX_USER ? DM_CHANNEL : channel;
  }

  private view(raw: unknown, id?: string): SimView {
    this.seq += 1;
    return { id: id ?? `V0${this.seq}`, hash: `${this.seq}.hash`, view: (raw ?? {}) as Record<string, unknown> };
  }

  private store(body: Body, extra: Partial<SimMessage>): SimMessage {
    this.seq += 1;
    const m: SimMessage = {
      channel: this.channelOf(String(body.channel)),
      ts: `${Math.floor(this.now() / 1000)}.${String(this.seq).padStart(6, '0')}`,
      user: BOT_USER,
      text: String(body.text ?? ''),
      ...(body.blocks ? { blocks: body.blocks as KnownBlock[] } : {}),
      ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
      ...(body.metadata ? { metadata: body.metadata } : {}),
      ...extra,
    };
    this.messages.push(m);
    this.changed();
    return m;
  }
}

function apiMessage(m: SimMessage): Body {
  return {
    type: 'message',
    user: m.user,
    ts: m.ts,
    text: m.text,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
  };
}
