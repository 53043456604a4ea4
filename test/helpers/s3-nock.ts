import nock from 'nock';

/**
 * S3 HeadObject behind nock, answered as S3 does (HeadObject API reference,
 * docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html): 200 with `ETag` and, in a versioned bucket,
 * `x-amz-version-id`; an error is a bare status, because a HEAD answer has no body ("it returns a generic code,
 * such as 400 Bad Request, 403 Forbidden, 404 Not Found … It's not possible to retrieve the exact exception").
 * Any key exists and the bucket is unversioned unless a test says otherwise.
 */
export class FakeS3 {
  /** key → version id this bucket reports (a versioned bucket); absent: no x-amz-version-id header. */
  versions = new Map<string, string>();
  /** Keys answered 404 (the object does not exist and the caller may s3:ListBucket). */
  missing = new Set<string>();
  /** Every HeadObject is refused with 403 (the role lacks s3:GetObject). */
  denied = false;
  /** Answer 403 with S3's XML AccessDenied error document too (what a GET would carry; a HEAD client ignores it). */
  deniedWithBody = false;
  heads: string[] = [];

  constructor(
    readonly bucket = 'artifacts-bucket',
    readonly region = 'us-east-1',
  ) {}

  install(): nock.Scope {
    return nock(`https://${this.bucket}.s3.${this.region}.amazonaws.com`)
      .persist()
      .head(/.*/)
      .reply((req: Request) => {
        const key = decodeURIComponent(new URL(req.url).pathname.slice(1));
        this.heads.push(key);
        if (this.denied) {
          const body = this.deniedWithBody
            ? '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>hostid</HostId></Error>'
            : '';
          return [403, body, { 'x-amz-request-id': '4442587FB7D0A2F9', 'content-type': 'application/xml' }];
        }
        if (this.missing.has(key)) return [404, '', { 'x-amz-request-id': '4442587FB7D0A2FA' }];
        const version = this.versions.get(key);
        return [
          200,
          '',
          {
            ETag: '"fba9dede5f27731c9771645a39863328"',
            'Last-Modified': 'Tue, 01 Dec 2026 20:00:00 GMT',
            'Content-Length': '434234',
            'Content-Type': 'application/json',
            'x-amz-request-id': '4442587FB7D0A2FB',
            ...(version ? { 'x-amz-version-id': version } : {}),
          },
        ];
      });
  }
}
