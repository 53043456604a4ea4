/**
 * GitHub's rate limits as Coxswain meets them. @octokit/plugin-throttling calls onRateLimit / onSecondaryRateLimit
 * with the seconds until it may retry and waits that long when they return true — for the primary limit that is
 * until `x-ratelimit-reset`, up to an hour, while someone waits for /deploy. Only short waits are retried.
 */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 20;

export function retryRateLimit(retryAfterSeconds: number, retryCount: number, maxRetries: number): boolean {
  return retryAfterSeconds <= MAX_RATE_LIMIT_WAIT_SECONDS && retryCount < maxRetries;
}

export interface RateLimited {
  /** When the limit resets (ms since epoch), from x-ratelimit-reset, or now + retry-after. */
  resetAt: number;
  secondary: boolean;
}

/**
 * A 403/429 that is a rate limit (docs.github.com rest/using-the-rest-api/rate-limits-for-the-rest-api): primary
 * = `x-ratelimit-remaining: 0` with `x-ratelimit-reset` (epoch seconds); secondary = a `retry-after` header.
 */
export function rateLimited(err: unknown, now: number): RateLimited | undefined {
  const e = err as { status?: number; response?: { headers?: Record<string, string | number | undefined> } };
  if (e?.status !== 403 && e?.status !== 429) return undefined;
  const h = e.response?.headers ?? {};
  const retryAfter = Number(h['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && h['retry-after'] !== undefined) {
    return { resetAt: now + retryAfter * 1000, secondary: true };
  }
  if (String(h['x-ratelimit-remaining']) === '0') {
    const reset = Number(h['x-ratelimit-reset']);
    return { resetAt: Number.isFinite(reset) ? reset * 1000 : now, secondary: false };
  }
  return undefined;
}

/** "resets at 14:05 UTC (in 37 min)". */
export function describeReset(resetAt: number, now: number): string {
  const at = new Date(resetAt).toISOString().slice(11, 16);
  const min = Math.max(1, Math.ceil((resetAt - now) / 60_000));
  return `resets at ${at} UTC (in ${min} min)`;
}
