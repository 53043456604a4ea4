import type { KnownBlock } from '@slack/types';
import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { classifySlackError, type SlackErrorInput, type SlackFailure } from '../domain/slack-errors.js';

/** event_type of the metadata every outbox post carries, so a post can be found again after a crash. */
export const OUTBOX_EVENT_TYPE = 'coxswain_outbox';

export type SlackResult<T> = { ok: true; value: T } | { ok: false; failure: SlackFailure };

export interface PostArgs {
  channel: string;
  text: string;
  blocks?: KnownBlock[];
  /** Parent ts when this is a thread reply. */
  threadTs?: string;
  /** The outbox message key, written into the message metadata. */
  key: string;
}

export interface UpdateArgs {
  channel: string;
  ts: string;
  text: string;
  blocks?: KnownBlock[];
}

export interface FindArgs {
  channel: string;
  key: string;
  /** For a reply: search this thread. Otherwise the channel history since `oldestMs`. */
  threadTs?: string;
  oldestMs: number;
}

/** What the outbox worker needs from Slack. The only code that writes deployment reports to Slack. */
export interface SlackDelivery {
  postMessage(a: PostArgs): Promise<SlackResult<{ ts: string }>>;
  updateMessage(a: UpdateArgs): Promise<SlackResult<{ ts: string }>>;
  /** The ts of the message we posted with this key, or null when Slack has none. */
  findPosted(a: FindArgs): Promise<SlackResult<{ ts: string | null }>>;
}

export interface SlackWebOptions {
  token?: string;
  /** Web API base URL; defaults to SLACK_API_URL, then Slack's own. */
  slackApiUrl?: string;
  /** Per-request timeout, so one hung request cannot stall delivery. */
  timeoutMs?: number;
}

/**
 * The WebClient used for delivery. Its own retries are off and 429s are rejected at once, so they never stack on
 * the outbox's persisted backoff and Retry-After handling.
 */
export function createDeliveryWebClient(o: SlackWebOptions = {}): WebClient {
  const slackApiUrl = o.slackApiUrl ?? process.env.SLACK_API_URL;
  return new WebClient(o.token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: o.timeoutMs ?? 15_000,
    logLevel: LogLevel.ERROR,
  });
}

/** Turns what @slack/web-api throws into the pure classifier's input. */
export function describeSlackError(err: unknown): SlackErrorInput {
  if (err instanceof WebAPIRateLimitedError) return { type: 'rate_limited', retryAfterSec: err.retryAfter };
  if (err instanceof WebAPIPlatformError) {
    const retryAfter = err.data.response_metadata?.retryAfter;
    return {
      type: 'platform',
      error: err.data.error,
      ...(retryAfter !== undefined ? { retryAfterSec: retryAfter } : {}),
    };
  }
  if (err instanceof WebAPIHTTPError) {
    const header = err.headers['retry-after'];
    const retryAfter = header !== undefined ? Number.parseInt(header, 10) : Number.NaN;
    return { type: 'http', status: err.statusCode, ...(Number.isNaN(retryAfter) ? {} : { retryAfterSec: retryAfter }) };
  }
  const original = err instanceof WebAPIRequestError ? err.original : err;
  const code = networkCode(original);
  return {
    type: 'network',
    ...(code ? { code } : {}),
    message: original instanceof Error ? original.message : String(original),
  };
}

function networkCode(err: unknown): string | undefined {
  // fetch wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code.length > 0) return code;
    if (name === 'TimeoutError' || name === 'AbortError') return 'TIMEOUT';
  }
  return undefined;
}

function failed<T>(err: unknown): SlackResult<T> {
  return { ok: false, failure: classifySlackError(describeSlackError(err)) };
}

interface MetaMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

function findKey(messages: MetaMessage[] | undefined, key: string): string | null {
  const hit = messages?.find(
    (m) => m.metadata?.event_type === OUTBOX_EVENT_TYPE && m.metadata.event_payload?.key === key && m.ts,
  );
  return hit?.ts ?? null;
}

/** Pages read per lookup at most: a lookup is a recovery step and must stay bounded. */
const MAX_LOOKUP_PAGES = 10;

export class SlackWebDelivery implements SlackDelivery {
  constructor(private readonly client: WebClient) {}

  async postMessage(a: PostArgs): Promise<SlackResult<{ ts: string }>> {
    try {
      const res = await this.client.chat.postMessage({
        channel: a.channel,
        text: a.text,
        ...(a.blocks ? { blocks: a.blocks } : {}),
        ...(a.threadTs ? { thread_ts: a.threadTs } : {}),
        metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { key: a.key } },
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!res.ts)
        return { ok: false, failure: { kind: 'retryable', code: 'no_ts_in_response', mayHaveSucceeded: true } };
      return { ok: true, value: { ts: res.ts } };
    } catch (err) {
      return failed(err);
    }
  }

  async updateMessage(a: UpdateArgs): Promise<SlackResult<{ ts: string }>> {
    try {
      const res = await this.client.chat.update({
        channel: a.channel,
        ts: a.ts,
        text: a.text,
        ...(a.blocks ? { blocks: a.blocks } : {}),
      });
      return { ok: true, value: { ts: res.ts ?? a.ts } };
    } catch (err) {
      return failed(err);
    }
  }

  /**
   * Joins a public channel (conversations.join, scope channels:join). Reads (conversations.history / replies) only
   * work in channels the bot is a member of, even though chat:write.public lets it post without joining. Private
   * channels cannot be joined (method_not_supported_for_channel_type): the bot must be invited.
   */
  async joinChannel(channel: string): Promise<SlackResult<{ joined: true }>> {
    try {
      await this.client.conversations.join({ channel });
      return { ok: true, value: { joined: true } };
    } catch (err) {
      return failed(err);
    }
  }

  /** Looks for the post; a lookup refused with not_in_channel joins the channel and looks once more. */
  async findPosted(a: FindArgs): Promise<SlackResult<{ ts: string | null }>> {
    const first = await this.lookup(a);
    if (first.ok || first.failure.code !== 'not_in_channel') return first;
    const joined = await this.joinChannel(a.channel);
    return joined.ok ? this.lookup(a) : first;
  }

  private async lookup(a: FindArgs): Promise<SlackResult<{ ts: string | null }>> {
    try {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
        const res = a.threadTs
          ? await this.client.conversations.replies({
              channel: a.channel,
              ts: a.threadTs,
              include_all_metadata: true,
              limit: 200,
              ...(cursor ? { cursor } : {}),
            })
          : await this.client.conversations.history({
              channel: a.channel,
              oldest: (Math.max(0, a.oldestMs) / 1000).toFixed(6),
              include_all_metadata: true,
              limit: 200,
              ...(cursor ? { cursor } : {}),
            });
        const ts = findKey(res.messages as MetaMessage[] | undefined, a.key);
        if (ts) return { ok: true, value: { ts } };
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!res.has_more || !cursor) break;
      }
      return { ok: true, value: { ts: null } };
    } catch (err) {
      return failed(err);
    }
  }
}
