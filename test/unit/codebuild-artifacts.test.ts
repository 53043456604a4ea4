import { afterEach, describe, expect, it, vi } from 'vitest';
import { AwsBudget } from '../../src/adapters/aws-budget.js';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import { CodeBuildAdapter, usableLogUrl } from '../../src/adapters/codebuild.js';
import { perBuildArtifacts, templateUrlForBuild } from '../../src/adapters/codebuild-artifacts.js';
import { FakeClock } from '../helpers/clock.js';

// Build artifacts `location` is an S3 ARN; with namespaceType BUILD_ID the files are under path/<build-ID>/name
// (CodeBuild ProjectArtifacts reference: "MyArtifacts/<build-ID>/MyArtifact.zip").
describe('templateUrlForBuild', () => {
  const id = 'infra-synth:5b2c7f0e-1111-2222-3333-444455556666';
  const uuid = '5b2c7f0e-1111-2222-3333-444455556666';

  it('uses the S3 host of the region the client uses', () => {
    expect(templateUrlForBuild(`arn:aws:s3:::bkt/infra/${uuid}`, 'out/App.json', id, 'eu-central-1')).toEqual({
      ok: true,
      url: `https://bkt.s3.eu-central-1.amazonaws.com/infra/${uuid}/out/App.json`,
      bucket: 'bkt',
      key: `infra/${uuid}/out/App.json`,
    });
  });

  it('uses amazonaws.com.cn in the China partition', () => {
    expect(templateUrlForBuild(`arn:aws-cn:s3:::bkt/${uuid}`, 'App.json', id, 'cn-north-1')).toEqual({
      ok: true,
      url: `https://bkt.s3.cn-north-1.amazonaws.com.cn/${uuid}/App.json`,
      bucket: 'bkt',
      key: `${uuid}/App.json`,
    });
  });

  it('does not infer packaging from the name: a folder named like a zip is still files (packaging is forced NONE)', () => {
    const r = templateUrlForBuild(`arn:aws:s3:::bkt/infra/${uuid}/templates.zip`, 'App.json', id, 'us-east-1');
    expect(r).toMatchObject({
      ok: true,
      url: `https://bkt.s3.us-east-1.amazonaws.com/infra/${uuid}/templates.zip/App.json`,
    });
  });

  it('refuses a location without the build id (NONE namespace: every build writes the same key)', () => {
    const r = templateUrlForBuild('arn:aws:s3:::bkt/infra/out', 'App.json', id, 'us-east-1');
    expect(r).toMatchObject({ ok: false });
    expect(r.ok ? '' : r.reason).toContain('does not contain its build id');
  });

  it('refuses an unknown partition and a non-S3 location', () => {
    expect(templateUrlForBuild(`arn:aws-xx:s3:::bkt/${uuid}`, 'a', id, 'us-east-1').ok).toBe(false);
    expect(templateUrlForBuild('s3://bkt/x', 'a', id, 'us-east-1').ok).toBe(false);
    expect(templateUrlForBuild(null, 'a', id, 'us-east-1').ok).toBe(false);
  });

  it("keeps the project's own S3 settings and sets BUILD_ID and NONE", () => {
    expect(
      perBuildArtifacts('p', { type: 'S3', location: 'bkt', path: 'x', namespaceType: 'NONE', packaging: 'ZIP' }),
    ).toEqual({
      ok: true,
      value: { type: 'S3', location: 'bkt', path: 'x', namespaceType: 'BUILD_ID', packaging: 'NONE' },
    });
    expect(perBuildArtifacts('p', { type: 'NO_ARTIFACTS' }).ok).toBe(false);
  });
});

describe('CodeBuild adapter facts', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('reports the region the SDK resolved when no region is configured', async () => {
    vi.stubEnv('AWS_REGION', 'cn-northwest-1');
    const aws = new AwsClients({ maxAttempts: 1 });
    const adapter = new CodeBuildAdapter(aws, new AwsBudget({ clock: new FakeClock(), ratePerSecond: 10, burst: 10 }));
    expect(await adapter.clientRegion(undefined)).toBe('cn-northwest-1');
    aws.destroy();
  });

  it("drops StartBuild's pre-provisioning log link (group=null;stream=null)", () => {
    expect(
      usableLogUrl('https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=null;stream=null'),
    ).toBeNull();
    const real =
      'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/p;stream=abc';
    expect(usableLogUrl(real)).toBe(real);
  });
});
