import type { ErrorKind } from './error-kind.js';

/** What a GitHub HTTP answer means, in the kinds shared with AWS errors (error-kind.ts). */
export type GitHubErrorKind = Exclude<ErrorKind, 'already_exists'>;

/**
 * The one reading of a GitHub REST answer's status and headers. Rate limits answer 403 or 429 with
 * `x-ratelimit-remaining: 0` or a `retry-after` header (docs.github.com, "Rate limits for the REST API"); 404 is a
 * repository the token cannot see (private repos answer 404) and 422 a ref that names no commit, both `not_found`.
 */
export function classifyGitHubAnswer(
  status: number,
  headers: Record<string, string | number | undefined | null>,
): GitHubErrorKind {
  if (status === 429 || status >= 500) return 'transient';
  const limited = String(headers['x-ratelimit-remaining'] ?? '') === '0' || headers['retry-after'] != null;
  if (status === 403 && limited) return 'transient';
  if (status === 401) return 'credentials';
  if (status === 403) return 'permission';
  if (status === 404 || status === 422) return 'not_found';
  return 'other';
}
