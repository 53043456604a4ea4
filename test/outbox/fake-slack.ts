import nock from 'nock';

export const SLACK_BASE = 'https://slack.test';
export const SLACK_API_URL = `${SLACK_BASE}/api/`;

/** One scripted answer; `accepted` means Slack stores the post even though the answer is an error (lost response). */
export interface Scripted {
  status?: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  accepted?: boolean;
}

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: { key: string } };
}

function parseForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = k === 'blocks' || k === 'metadata' ? JSON.parse(v) : v;
  }
  return out;
}

/**
 * A small Slack Web API on nock: records every call, keeps the messages it accepted (with metadata, for the
 * recovery lookups) and answers scripted failures first, per method.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly messages: StoredMessage[] = [];
  private readonly script = new Map<string, Scripted[]>();
  /**
   * Channels the bot posts to (chat:write.public) without being a member: reads there answer not_in_channel until
   * conversations.join (docs.slack.dev reference/methods/conversations.history: "any conversation the bot is a
   * member of"). Private ones cannot be joined: method_not_supported_for_channel_type (conversations.join errors).
   */
  readonly notMember = new Set<string>();
  readonly privateChannels = new Set<string>();
  private seq = 0;

  /** `now` dates the ts of stored messages, so history lookups by time see them like Slack would. */
  constructor(private readonly now: () => number = () => Date.now()) {}

  install(): this {
    nock(SLACK_BASE)
      .persist()
      .post(/^\/api\/[A-Za-z.]+$/)
      .reply(async (req: Request) => {
        const method = new URL(req.url).pathname.replace('/api/', '');
        const body = parseForm(await req.text());
        this.calls.push({ method, body });
        const scripted =
          this.script.get(`${method} ${String(body.channel)}`)?.shift() ?? this.script.get(method)?.shift();
        if (scripted) {
          if (scripted.accepted && method === 'chat.postMessage') this.store(body);
          return [
            scripted.status ?? 200,
            scripted.body ?? { ok: false, error: 'internal_error' },
            scripted.headers ?? {},
          ];
        }
        return [200, this.answer(method, body)];
      });
    return this;
  }

  /** Queues answers for the next calls of `method`. */
  on(method: string, ...answers: Scripted[]): this {
    this.script.set(method, [...(this.script.get(method) ?? []), ...answers]);
    return this;
  }

  /** Queues answers for the next calls of `method` to one channel (checked before the method-wide ones). */
  onChannel(method: string, channel: string, ...answers: Scripted[]): this {
    return this.on(`${method} ${channel}`, ...answers);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Puts a message in "Slack" as if we had posted it earlier (e.g. before a crash). */
  store(body: Record<string, unknown>): StoredMessage {
    this.seq += 1;
    const m: StoredMessage = {
      channel: String(body.channel),
      ts: `${Math.floor(this.now() / 1000)}.${String(this.seq).padStart(6, '0')}`,
      text: String(body.text ?? ''),
      ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
      ...(body.blocks ? { blocks: body.blocks } : {}),
      ...(body.metadata ? { metadata: body.metadata as StoredMessage['metadata'] } : {}),
    };
    this.messages.push(m);
    return m;
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage': {
        const m = this.store(body);
        return { ok: true, channel: m.channel, ts: m.ts, message: { text: m.text, ts: m.ts } };
      }
      case 'chat.update': {
        const m = this.messages.find((x) => x.channel === body.channel && x.ts === body.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.text = String(body.text ?? '');
        if (body.blocks) m.blocks = body.blocks;
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
      }
      case 'conversations.join': {
        const channel = String(body.channel);
        if (this.privateChannels.has(channel)) return { ok: false, error: 'method_not_supported_for_channel_type' };
        const was = !this.notMember.delete(channel);
        const info = { id: channel, name: 'deploys', is_channel: true, is_private: false, is_member: true };
        return was
          ? {
              ok: true,
              channel: info,
              warning: 'already_in_channel',
              response_metadata: { warnings: ['already_in_channel'] },
            }
          : { ok: true, channel: info };
      }
      case 'conversations.history': {
        if (this.notMember.has(String(body.channel))) return { ok: false, error: 'not_in_channel' };
        const oldest = Number(body.oldest ?? 0);
        const found = this.messages
          .filter((m) => m.channel === body.channel && !m.threadTs && Number(m.ts) >= oldest)
          .reverse();
        return { ok: true, messages: found.map(toApi), has_more: false };
      }
      case 'conversations.replies': {
        if (this.notMember.has(String(body.channel))) return { ok: false, error: 'not_in_channel' };
        const thread = this.messages.filter(
          (m) => m.channel === body.channel && (m.ts === body.ts || m.threadTs === body.ts),
        );
        return { ok: true, messages: thread.map(toApi), has_more: false };
      }
      case 'chat.getPermalink': {
        // docs.slack.dev/reference/methods/chat.getPermalink: {ok, channel, permalink}
        const m = this.messages.find((x) => x.channel === body.channel && x.ts === body.message_ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        return {
          ok: true,
          channel: m.channel,
          permalink: `https://acme.slack.com/archives/${m.channel}/p${m.ts.replace('.', '')}`,
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function toApi(m: StoredMessage): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    text: m.text,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
  };
}
