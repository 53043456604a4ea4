import type { ErrorKind } from '../domain/error-kind.js';

/**
 * What an Octokit error means, in the same kinds as AWS errors (see aws-errors.ts). Octokit's RequestError carries
 * the HTTP `status` and the response headers; rate limits answer 403 or 429 with `x-ratelimit-remaining: 0` or a
 * `retry-after` header (docs.github.com, "Rate limits for the REST API").
 */
export type GitHubErrorKind = Exclude<ErrorKind, 'already_exists'>;

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

interface OctokitErrorShape {
  status?: unknown;
  code?: string;
  response?: { headers?: Record<string, string | number | undefined> };
  cause?: unknown;
}

export function gitHubStatus(err: unknown): number | undefined {
  if (!err || typeof err !== 'object' || !('status' in err)) return undefined;
  const s = Number((err as OctokitErrorShape).status);
  return Number.isFinite(s) ? s : undefined;
}

function isRateLimited(e: OctokitErrorShape): boolean {
  const h = e.response?.headers ?? {};
  return String(h['x-ratelimit-remaining'] ?? '') === '0' || h['retry-after'] !== undefined;
}

/** 404 and 422 are `not_found`: GitHub answers 422 for a ref that names no commit. */
export function classifyGitHubError(err: unknown): GitHubErrorKind {
  if (!err || typeof err !== 'object') return 'other';
  const e = err as OctokitErrorShape;
  const status = gitHubStatus(err);
  if (status === undefined) {
    const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
    return code && NETWORK_CODES.has(code) ? 'transient' : 'other';
  }
  if (status === 429 || status >= 500) return 'transient';
  if (status === 403 && isRateLimited(e)) return 'transient';
  if (status === 401) return 'credentials';
  if (status === 403) return 'permission';
  if (status === 404 || status === 422) return 'not_found';
  return 'other';
}
