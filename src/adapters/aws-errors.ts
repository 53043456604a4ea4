import type { ErrorKind } from '../domain/error-kind.js';

/**
 * The one place that says what an AWS SDK error means. Every adapter and runner step asks here instead of matching
 * names or messages itself.
 *
 * - transient: throttling, 5xx, network — the next call will probably work.
 * - credentials: the caller's credentials are expired, missing or unknown — nothing about the deployment; retried.
 * - permission: the credentials are valid but not allowed — an IAM deny; retrying will not help until IAM changes.
 * - not_found / already_exists: answers about the resource itself.
 * - other: anything else (validation and the like), which AWS meant about the request.
 */
export type AwsErrorKind = ErrorKind;

const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // Clock skew: the SDK corrects its offset and the next signed request is accepted.
  'RequestExpired',
]);

/** Names the SDK and the STS/SSO providers use when the credentials themselves are the problem. */
const CREDENTIAL_NAMES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
  'TokenProviderError',
  'UnrecognizedClient',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
]);

const PERMISSION_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
]);

const NOT_FOUND_NAMES = new Set([
  'ResourceNotFoundException',
  'NoSuchEntity',
  'NoSuchKey',
  'NoSuchBucket',
  'StackNotFoundException',
  'ChangeSetNotFound',
  'ChangeSetNotFoundException',
]);

const ALREADY_EXISTS_NAMES = new Set([
  'AlreadyExistsException',
  'ResourceAlreadyExistsException',
  'EntityAlreadyExists',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

function shapeOf(err: unknown): SdkErrorShape | undefined {
  return err && typeof err === 'object' ? (err as SdkErrorShape) : undefined;
}

export function classifyAwsError(err: unknown, depth = 0): AwsErrorKind {
  const e = shapeOf(err);
  if (!e) return 'other';
  const name = e.name ?? '';
  const message = e.message ?? '';
  // Named kinds first: an expired token answers 400/403 and the SDK may still flag it retryable.
  if (CREDENTIAL_NAMES.has(name)) return 'credentials';
  if (PERMISSION_NAMES.has(name)) return 'permission';
  if (NOT_FOUND_NAMES.has(name)) return 'not_found';
  if (ALREADY_EXISTS_NAMES.has(name)) return 'already_exists';
  if (TRANSIENT_NAMES.has(name)) return 'transient';
  if (e.code && NETWORK_CODES.has(e.code)) return 'transient';
  // CloudFormation says both with a ValidationError and only the message tells them apart.
  if (name === 'ValidationError' && /does not exist/i.test(message)) return 'not_found';
  if (name === 'ValidationError' && /already exists/i.test(message)) return 'already_exists';
  if (e.$retryable) return 'transient';
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return 'transient';
  if (e.$fault === 'server') return 'transient';
  if (e.cause !== undefined && e.cause !== err && depth < 5) return classifyAwsError(e.cause, depth + 1);
  return 'other';
}

/** Throttling, 5xx, network: back off and call again. */
export function isTransientAwsError(err: unknown): boolean {
  return classifyAwsError(err) === 'transient';
}

/**
 * Errors that say nothing about the deployment (transient, or the caller's own credentials): the runner backs off
 * and polls again, and such an error is never reported as a deployment's cause.
 */
export function isRetryableAwsError(err: unknown): boolean {
  const kind = classifyAwsError(err);
  return kind === 'transient' || kind === 'credentials';
}

/** The caller cannot read or act (credentials or IAM), as opposed to AWS answering about the resource. */
export function isAccessAwsError(err: unknown): boolean {
  const kind = classifyAwsError(err);
  return kind === 'credentials' || kind === 'permission';
}

export function isNotFoundAwsError(err: unknown): boolean {
  return classifyAwsError(err) === 'not_found';
}

export function isAlreadyExistsAwsError(err: unknown): boolean {
  return classifyAwsError(err) === 'already_exists';
}

/** AWS's error code ("ExpiredToken", "AccessDenied"), or the network code, for logs and replies. */
export function awsErrorCode(err: unknown): string {
  const e = shapeOf(err);
  if (!e) return 'Error';
  if (e.name && e.name !== 'Error') return e.name;
  return e.code ?? 'Error';
}

/** AWS's own message, for failure replies: "ValidationError: Stack with id x does not exist". */
export function awsErrorMessage(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
