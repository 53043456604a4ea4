import nock from 'nock';

/** What the app answered: replies through response_url, and the buttons a message shows. */

export const RESPONSE_HOST = 'https://hooks.slack.test';

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

export interface Button {
  action_id: string;
  value: string;
  block_id: string;
}

/** The buttons a message shows, with the block each sits in (what a click would send back). */
export function buttonsOf(m: { blocks?: unknown } | undefined): Button[] {
  const blocks = (m?.blocks ?? []) as { type: string; block_id?: string; elements?: Record<string, unknown>[] }[];
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) =>
      (b.elements ?? []).map((e) => ({
        action_id: String(e.action_id),
        value: String(e.value),
        block_id: String(b.block_id),
      })),
    );
}
