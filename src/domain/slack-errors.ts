/**
 * How a failed Slack Web API call should be handled. Pure: the adapter turns client errors into a SlackErrorInput
 * and this decides; the worker acts on the verdict.
 */
export type SlackErrorInput =
  | { type: 'platform'; error: string; retryAfterSec?: number }
  | { type: 'http'; status: number; retryAfterSec?: number }
  | { type: 'rate_limited'; retryAfterSec: number }
  | { type: 'network'; code?: string; message: string };

export type SlackFailure =
  | { kind: 'permanent'; code: string }
  | { kind: 'auth'; code: string }
  | { kind: 'retryable'; code: string; mayHaveSucceeded: boolean }
  | { kind: 'rate_limited'; code: string; retryAfterMs: number };

/**
 * The bot token itself is gone (revoked, expired, workspace deactivated): no message can be delivered until an
 * admin fixes it, and then every one can. These hold the whole outbox instead of dead-lettering message by message.
 */
export const AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
]);

/** Errors that no retry can fix: configuration, permissions, the channel or message itself, a bad payload. */
export const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  // auth and token
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'team_access_not_granted',
  'two_factor_setup_required',
  'ekm_access_denied',
  'access_denied',
  'accesslimited',
  'enterprise_is_restricted',
  'deprecated_endpoint',
  'method_deprecated',
  // channel
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'is_inactive',
  'team_not_found',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  // message
  'message_not_found',
  'thread_not_found',
  'cant_update_message',
  'edit_window_closed',
  'block_mismatch',
  // payload
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'too_many_attachments',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
  'metadata_must_be_sent_from_app',
  'markdown_text_conflict',
  'as_user_not_supported',
  'invalid_arguments',
  'invalid_arg_name',
  'invalid_array_arg',
  'invalid_charset',
  'invalid_form_data',
  'invalid_post_type',
  'missing_post_type',
  'slack_connect_file_link_sharing_blocked',
]);

/**
 * Transient platform errors. Slack documents internal_error and fatal_error as "it's possible some aspect of the
 * operation succeeded", so a post that failed this way may exist: the worker looks before posting again.
 */
export const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'update_failed',
  'team_added_to_org',
  'org_login_required',
  'external_channel_migrating',
]);

const RATE_LIMITED_ERRORS: ReadonlySet<string> = new Set(['ratelimited', 'rate_limited']);

/** Network failures where the request cannot have reached Slack (nothing to look up afterwards). */
const NOT_SENT_NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** When Slack says "rate limited" without a Retry-After header. */
export const DEFAULT_RETRY_AFTER_SEC = 30;

export function classifySlackError(e: SlackErrorInput): SlackFailure {
  switch (e.type) {
    case 'rate_limited':
      return { kind: 'rate_limited', code: 'ratelimited', retryAfterMs: Math.max(0, e.retryAfterSec) * 1000 };
    case 'network':
      return {
        kind: 'retryable',
        code: e.code ? `network:${e.code}` : 'network',
        mayHaveSucceeded: !(e.code && NOT_SENT_NETWORK_CODES.has(e.code)),
      };
    case 'http': {
      if (e.status === 429) {
        return {
          kind: 'rate_limited',
          code: 'http_429',
          retryAfterMs: (e.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC) * 1000,
        };
      }
      // 5xx, and the 4xx that mean "try again later", are transient; Slack itself uses no other status codes,
      // so any other one comes from a proxy or a wrong SLACK_API_URL and will not fix itself.
      if (e.status >= 500 || e.status === 408 || e.status === 425) {
        return { kind: 'retryable', code: `http_${e.status}`, mayHaveSucceeded: true };
      }
      return { kind: 'permanent', code: `http_${e.status}` };
    }
    case 'platform': {
      if (RATE_LIMITED_ERRORS.has(e.error)) {
        return {
          kind: 'rate_limited',
          code: e.error,
          retryAfterMs: (e.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC) * 1000,
        };
      }
      if (RETRYABLE_ERRORS.has(e.error)) return { kind: 'retryable', code: e.error, mayHaveSucceeded: true };
      if (AUTH_ERRORS.has(e.error)) return { kind: 'auth', code: e.error };
      // Unknown codes are treated as permanent: a visible, requeueable dead letter beats a thread silently stuck
      // behind 24 h of retries. Known permanent codes are listed so the choice is explicit.
      return { kind: 'permanent', code: e.error };
    }
  }
}

export function isPermanentCode(code: string): boolean {
  return PERMANENT_ERRORS.has(code);
}
