import type { WebClient } from '@slack/web-api';

/** The permalink of a posted message (chat.getPermalink), or undefined when Slack does not give one. */
export interface SlackPermalinks {
  permalink(channel: string, ts: string): Promise<string | undefined>;
}

export class WebPermalinks implements SlackPermalinks {
  constructor(private readonly client: WebClient) {}

  async permalink(channel: string, ts: string): Promise<string | undefined> {
    const res = await this.client.chat.getPermalink({ channel, message_ts: ts });
    return res.ok && typeof res.permalink === 'string' ? res.permalink : undefined;
  }
}
