/**
 * What a failed call to AWS or GitHub means for Coxswain (adapters/aws-errors.ts and github-errors.ts decide it):
 * transient (throttling, 5xx, network), credentials (expired, missing, unknown), permission (a deny), answers
 * about the resource (not_found, already_exists), or anything else.
 */
export type ErrorKind = 'transient' | 'credentials' | 'permission' | 'not_found' | 'already_exists' | 'other';
