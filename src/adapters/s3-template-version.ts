import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { AwsBudget } from './aws-budget.js';
import type { AwsClients } from './aws-clients.js';
import { awsErrorMessage, isRetryableAwsError } from './aws-errors.js';

/**
 * What S3 says about one built template (HeadObject):
 * - versioned: the bucket keeps versions; `versionId` is the object this build wrote;
 * - unversioned: no `x-amz-version-id` header (or `null`, the version of objects written while versioning was
 *   off or suspended, which the next write replaces), so there is nothing to pin;
 * - missing: 404, the build's artifacts do not hold this template (S3 answers 404 only with s3:ListBucket);
 * - unreadable: any other refusal, typically 403 (s3:GetObject denied): the version is unknown.
 */
export type TemplateVersion =
  | { kind: 'versioned'; versionId: string }
  | { kind: 'unversioned' }
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string };

/** The only code that speaks to S3; every call goes through the shared request budget. */
export class S3TemplateObjects {
  constructor(
    private readonly aws: AwsClients,
    private readonly budget: AwsBudget,
  ) {}

  /**
   * HeadObject on the template. A HEAD answer has no body, so an error is known by its status only (403, 404;
   * HeadObject API reference). Transient errors (5xx, SlowDown, network) are rethrown: the step is retried.
   */
  async version(region: string | undefined, bucket: string, key: string): Promise<TemplateVersion> {
    try {
      const out = await this.budget.run(() =>
        this.aws.s3(region).send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      );
      const id = out.VersionId;
      return id && id !== 'null' ? { kind: 'versioned', versionId: id } : { kind: 'unversioned' };
    } catch (err) {
      if (isRetryableAwsError(err)) throw err;
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === undefined) throw err;
      if (status === 404) return { kind: 'missing' };
      if (status === 403)
        return { kind: 'unreadable', reason: `access denied (HeadObject needs s3:GetObject on ${bucket})` };
      return { kind: 'unreadable', reason: `HTTP ${status}: ${awsErrorMessage(err)}` };
    }
  }
}

/** The TemplateURL of exactly one object version; CloudFormation reads it with s3:GetObjectVersion. */
export function pinnedTemplateUrl(url: string, versionId: string): string {
  return `${url}?versionId=${encodeURIComponent(versionId)}`;
}
