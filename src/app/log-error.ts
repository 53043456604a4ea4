/**
 * The one way to log an error: the error serialized the same way everywhere (name, message, code), its message cut
 * short and scrubbed of anything shaped like a token, so a provider that echoes a credential never gets it logged.
 */
import type { Logger } from './logger.js';

export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
}

// Slack (xoxb-, xapp-…), GitHub (ghp_, github_pat_…) and AWS access key ids.
const TOKEN_SHAPES =
  /\b(?:xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]+|(?:AKIA|ASIA)[0-9A-Z]{16})/g;
const MAX_MESSAGE = 500;

function scrub(text: string): string {
  return text.replace(TOKEN_SHAPES, '[redacted]').slice(0, MAX_MESSAGE);
}

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: scrub(err.message), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'unknown', message: scrub(String(err)) };
}

/** Logs `msg` with `fields` and the error as `err` (errorInfo). `level` warn for an error that is retried. */
export function logError(
  logger: Pick<Logger, 'error' | 'warn'>,
  err: unknown,
  fields: Record<string, unknown>,
  msg: string,
  level: 'error' | 'warn' = 'error',
): void {
  logger[level]({ ...fields, err: errorInfo(err) }, msg);
}
