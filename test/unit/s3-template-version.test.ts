import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import { pinnedTemplateUrl, S3TemplateObjects } from '../../src/adapters/s3-template-version.js';
import { testBudget } from '../helpers/aws-budget.js';
import { FakeClock } from '../helpers/clock.js';
import { FakeS3 } from '../helpers/s3-nock.js';

const aws = () => new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' });

describe('S3TemplateObjects.version (HeadObject; S3 API reference API_HeadObject)', () => {
  it('reads x-amz-version-id through the shared request budget', async () => {
    const s3 = new FakeS3('bkt', 'eu-west-1');
    s3.install();
    s3.versions.set('infra/b1/App.json', 'v-1');
    const budget = testBudget(new FakeClock());
    const objects = new S3TemplateObjects(aws(), budget);
    expect(await objects.version('eu-west-1', 'bkt', 'infra/b1/App.json')).toEqual({
      kind: 'versioned',
      versionId: 'v-1',
    });
    expect(await objects.version('eu-west-1', 'bkt', 'infra/b1/Other.json')).toEqual({ kind: 'unversioned' });
    expect(s3.heads).toEqual(['infra/b1/App.json', 'infra/b1/Other.json']);
    expect(budget.calls).toBe(2);
  });

  it('rethrows a transient 503 (the step is retried) instead of deploying unpinned', async () => {
    nock('https://bkt.s3.us-east-1.amazonaws.com').head('/k.json').reply(503, '');
    const objects = new S3TemplateObjects(aws(), testBudget(new FakeClock()));
    await expect(objects.version('us-east-1', 'bkt', 'k.json')).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    });
  });

  it('names the permission on a bare 403', async () => {
    const s3 = new FakeS3('bkt', 'us-east-1');
    s3.install();
    s3.denied = true;
    const objects = new S3TemplateObjects(aws(), testBudget(new FakeClock()));
    expect(await objects.version('us-east-1', 'bkt', 'k.json')).toEqual({
      kind: 'unreadable',
      reason: 'access denied (HeadObject needs s3:GetObject on bkt)',
    });
  });
});

describe('pinnedTemplateUrl', () => {
  it('URL-encodes the version id', () => {
    expect(pinnedTemplateUrl('https://b.s3.us-east-1.amazonaws.com/k.json', 'a+b/c=')).toBe(
      'https://b.s3.us-east-1.amazonaws.com/k.json?versionId=a%2Bb%2Fc%3D',
    );
  });
});
