import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, nominalDelay } from '../../src/domain/backoff.js';
import { classifySlackError } from '../../src/domain/slack-errors.js';

describe('backoff', () => {
  it('defaults to 5 s doubling to 80 s, then every 80 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50, 10_000].map((n) => nominalDelay(n))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 80_000, 80_000, 80_000, 80_000,
    ]);
  });

  it('jitter only shortens, within the configured fraction', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(20_000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.999_999)).toBe(16_000);
    expect(backoffDelay(9, DEFAULT_BACKOFF, () => 0.5)).toBe(72_000);
  });

  it('is configurable', () => {
    const p = { baseMs: 100, factor: 3, maxMs: 1_000, jitter: 0 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, p))).toEqual([100, 300, 900, 1_000]);
  });
});

describe('classifySlackError', () => {
  it.each([
    'channel_not_found',
    'not_in_channel',
    'is_archived',
    'msg_too_long',
    'invalid_blocks',
    'no_permission',
    'missing_scope',
    'message_not_found',
    'some_new_error',
  ])('%s is permanent', (error) => {
    expect(classifySlackError({ type: 'platform', error })).toEqual({ kind: 'permanent', code: error });
  });

  // A dead token holds the whole outbox instead (Slack Web API docs: invalid_auth, account_inactive, token_revoked).
  it.each(['invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'not_authed'])(
    '%s means the token is broken',
    (error) => {
      expect(classifySlackError({ type: 'platform', error })).toEqual({ kind: 'auth', code: error });
    },
  );

  it.each(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])('%s is retryable', (error) => {
    expect(classifySlackError({ type: 'platform', error })).toEqual({
      kind: 'retryable',
      code: error,
      mayHaveSucceeded: true,
    });
  });

  it('429 and ratelimited wait Retry-After; 5xx retry; other HTTP codes are permanent', () => {
    expect(classifySlackError({ type: 'rate_limited', retryAfterSec: 7 })).toEqual({
      kind: 'rate_limited',
      code: 'ratelimited',
      retryAfterMs: 7_000,
    });
    expect(classifySlackError({ type: 'platform', error: 'rate_limited', retryAfterSec: 3 })).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 3_000,
    });
    expect(classifySlackError({ type: 'platform', error: 'ratelimited' })).toMatchObject({ retryAfterMs: 30_000 });
    expect(classifySlackError({ type: 'http', status: 502 })).toEqual({
      kind: 'retryable',
      code: 'http_502',
      mayHaveSucceeded: true,
    });
    expect(classifySlackError({ type: 'http', status: 404 })).toEqual({ kind: 'permanent', code: 'http_404' });
  });

  it('a refused connection cannot have posted; a reset or timeout may have', () => {
    expect(classifySlackError({ type: 'network', code: 'ECONNREFUSED', message: 'x' })).toMatchObject({
      kind: 'retryable',
      mayHaveSucceeded: false,
    });
    expect(classifySlackError({ type: 'network', code: 'ECONNRESET', message: 'x' })).toMatchObject({
      kind: 'retryable',
      code: 'network:ECONNRESET',
      mayHaveSucceeded: true,
    });
  });
});
