import { classifyGitHubAnswer, type GitHubErrorKind } from '../domain/github-answer.js';

/**
 * What an Octokit error means, in the same kinds as AWS errors (see aws-errors.ts). Octokit's RequestError carries
 * the HTTP `status` and the response headers; rate limits answer 403 or 429 with `x-ratelimit-remaining: 0` or a
 * `retry-after` header (docs.github.com, "Rate limits for the REST API").
 */
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

/** 404 and 422 are `not_found`: GitHub answers 422 for a ref that names no commit. */
export function classifyGitHubError(err: unknown): GitHubErrorKind {
  if (!err || typeof err !== 'object') return 'other';
  const e = err as OctokitErrorShape;
  const status = gitHubStatus(err);
  if (status === undefined) {
    const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
    return code && NETWORK_CODES.has(code) ? 'transient' : 'other';
  }
  return classifyGitHubAnswer(status, e.response?.headers ?? {});
}
