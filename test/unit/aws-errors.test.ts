import { describe, expect, it } from 'vitest';
import { classifyAwsError, isRetryableAwsError } from '../../src/adapters/aws-errors.js';
import { classifyGitHubError } from '../../src/adapters/github-errors.js';

// Error names as the SDK v3 throws them (ServiceException.name = the service's error code); CloudFormation's
// "Stack with id x does not exist" is a 400 ValidationError (CloudFormation API reference, DescribeStacks).
const aws = (name: string, status: number, message = 'm') => ({ name, message, $metadata: { httpStatusCode: status } });

describe('AWS error classification', () => {
  it('sorts throttling, 5xx and network errors as transient', () => {
    expect(classifyAwsError(aws('Throttling', 400))).toBe('transient');
    expect(classifyAwsError(aws('X', 503))).toBe('transient');
    expect(classifyAwsError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyAwsError({ name: 'X', $retryable: {} })).toBe('transient');
  });

  it('sorts expired or unknown credentials apart from IAM denies', () => {
    for (const n of [
      'ExpiredToken',
      'ExpiredTokenException',
      'InvalidClientTokenId',
      'CredentialsProviderError',
      'UnrecognizedClientException',
    ]) {
      expect(classifyAwsError(aws(n, 403))).toBe('credentials');
    }
    // The SDK can flag an expired token retryable; it is still a credential problem.
    expect(classifyAwsError({ ...aws('ExpiredToken', 400), $retryable: {} })).toBe('credentials');
    for (const n of ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']) {
      expect(classifyAwsError(aws(n, 403))).toBe('permission');
    }
  });

  it('tells not-found and already-exists from other validation errors', () => {
    expect(classifyAwsError(aws('ValidationError', 400, 'Stack with id x does not exist'))).toBe('not_found');
    expect(classifyAwsError(aws('ResourceNotFoundException', 400))).toBe('not_found');
    expect(classifyAwsError(aws('AlreadyExistsException', 400))).toBe('already_exists');
    expect(classifyAwsError(aws('ValidationError', 400, 'Template format error'))).toBe('other');
    expect(classifyAwsError('boom')).toBe('other');
  });

  it('looks through a wrapped cause', () => {
    expect(classifyAwsError(new Error('wrapped', { cause: aws('ExpiredToken', 400) }))).toBe('credentials');
  });

  it('retries transient and credential errors, never permission or validation ones', () => {
    expect(isRetryableAwsError(aws('ExpiredToken', 400))).toBe(true);
    expect(isRetryableAwsError(aws('Throttling', 400))).toBe(true);
    expect(isRetryableAwsError(aws('AccessDenied', 403))).toBe(false);
    expect(isRetryableAwsError(aws('ValidationError', 400))).toBe(false);
  });
});

describe('GitHub error classification', () => {
  // Octokit RequestError carries status and response headers (docs.github.com, "Rate limits for the REST API").
  const gh = (status: number, headers: Record<string, string> = {}) => ({ status, response: { headers } });
  it('sorts statuses like AWS errors', () => {
    expect(classifyGitHubError(gh(502))).toBe('transient');
    expect(classifyGitHubError(gh(429))).toBe('transient');
    expect(classifyGitHubError(gh(403, { 'x-ratelimit-remaining': '0' }))).toBe('transient');
    expect(classifyGitHubError(gh(401))).toBe('credentials');
    expect(classifyGitHubError(gh(403))).toBe('permission');
    expect(classifyGitHubError(gh(404))).toBe('not_found');
    expect(classifyGitHubError(gh(422))).toBe('not_found');
    expect(classifyGitHubError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyGitHubError(gh(400))).toBe('other');
  });
});
