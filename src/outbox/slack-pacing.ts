import { holdKey } from '../store/outbox-delivery-repo.js';
import type { SlackMethod } from './send.js';

/**
 * Slack's limits are per method, per workspace, per app (docs.slack.dev apis/web-api/rate-limits). chat.update is
 * Tier 3 (~50 per minute) for the whole workspace, not per channel: its pacing and its 429 holds are shared by
 * every channel. chat.postMessage is the exception, about one message per second per channel.
 */
export const WORKSPACE = '*';

/** One chat.update per 1.2 s across the workspace stays under Tier 3's ~50 per minute. */
export const DEFAULT_WORKSPACE_UPDATE_INTERVAL_MS = 1_200;

const WORKSPACE_WIDE: ReadonlySet<SlackMethod> = new Set(['chat.update']);

/** The channel a 429 hold is recorded for: the workspace for workspace-wide limits, else the channel. */
export function holdScope(method: SlackMethod, channel: string): string {
  return WORKSPACE_WIDE.has(method) ? WORKSPACE : channel;
}

/** Whether `method` may not be called in `channel` now (its own hold or the workspace's). */
export function isHeld(holds: ReadonlyMap<string, number>, method: SlackMethod, channel: string, now: number): boolean {
  return (holds.get(holdKey(method, channel)) ?? 0) > now || (holds.get(holdKey(method, WORKSPACE)) ?? 0) > now;
}
