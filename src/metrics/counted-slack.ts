import type { FindArgs, PostArgs, SlackDelivery, SlackResult, UpdateArgs } from '../adapters/slack-web.js';
import { recordSlackCall } from './instrument.js';

async function counted<T>(method: string, call: Promise<SlackResult<T>>): Promise<SlackResult<T>> {
  const res = await call;
  recordSlackCall(method, res.ok ? 'ok' : res.failure.code);
  return res;
}

/** Wraps the outbox's Slack client: every call is counted by method and result code, nothing else changes. */
export function countedSlack(inner: SlackDelivery): SlackDelivery {
  return {
    postMessage: (a: PostArgs) => counted('chat.postMessage', inner.postMessage(a)),
    updateMessage: (a: UpdateArgs) => counted('chat.update', inner.updateMessage(a)),
    findPosted: (a: FindArgs) =>
      counted(a.threadTs ? 'conversations.replies' : 'conversations.history', inner.findPosted(a)),
  };
}
