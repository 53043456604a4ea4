import type { ProjectArtifacts } from '@aws-sdk/client-codebuild';

/**
 * Mode template: where one build's templates are, as an https S3 URL CloudFormation can read (TemplateURL).
 *
 * A project's artifacts `namespaceType` defaults to NONE ("do not include the build ID"), so every build writes the
 * same S3 key and a later build (or another environment sharing the synth project) overwrites the template an older
 * deployment recorded. Coxswain therefore starts template builds with an `artifactsOverride` of the project's own
 * artifacts plus `namespaceType: BUILD_ID` and `packaging: NONE` (files, not a zip), and refuses a location that
 * does not contain the build's id.
 */

export type ArtifactsOverride = { ok: true; value: ProjectArtifacts } | { ok: false; reason: string };

/** The project's artifact settings, made per-build and unzipped. */
export function perBuildArtifacts(project: string, artifacts: ProjectArtifacts | undefined): ArtifactsOverride {
  if (artifacts?.type !== 'S3' || !artifacts.location) {
    return {
      ok: false,
      reason: `CodeBuild project ${project} must upload its artifacts to S3 (artifacts type S3 with a bucket) for mode template; it has ${artifacts?.type ?? 'none'}`,
    };
  }
  return { ok: true, value: { ...artifacts, namespaceType: 'BUILD_ID', packaging: 'NONE' } };
}

/** `bucket` and `key` name the same object as `url`, for HeadObject (src/adapters/s3-template-version.ts). */
export type TemplateLocation = { ok: true; url: string; bucket: string; key: string } | { ok: false; reason: string };

/** S3 DNS suffix per AWS partition (the ARN says which): aws-cn is amazonaws.com.cn, the ISO regions differ. */
const S3_SUFFIX: Record<string, string> = {
  aws: 'amazonaws.com',
  'aws-us-gov': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
};

/**
 * The https URL of `artifactPath` among the artifacts of build `buildId` (project:uuid). CodeBuild reports
 * `artifacts.location` as an S3 ARN (arn:<partition>:s3:::bucket/path/<build-ID>/name); the bucket is in the
 * build project's region (CodeBuild requires it), which is `region`, the one the CodeBuild client used.
 */
export function templateUrlForBuild(
  location: string | null,
  artifactPath: string,
  buildId: string,
  region: string,
): TemplateLocation {
  if (!location) {
    return { ok: false, reason: 'the build reported no artifact location: give the CodeBuild project S3 artifacts' };
  }
  const m = /^arn:(aws[a-z-]*):s3:::([^/]+)\/?(.*)$/.exec(location);
  if (!m) return { ok: false, reason: `unexpected artifact location ${location} (expected an S3 ARN)` };
  const [, partition, bucket, prefix] = m as unknown as [string, string, string, string];
  const suffix = S3_SUFFIX[partition];
  if (!suffix) return { ok: false, reason: `unknown AWS partition ${partition} in artifact location ${location}` };
  const segments = prefix.split('/').filter((p) => p.length > 0);
  const uuid = buildId.slice(buildId.indexOf(':') + 1);
  if (!segments.some((s) => s === uuid || s === buildId)) {
    return {
      ok: false,
      reason: `the build's artifact location ${location} does not contain its build id, so a later build could overwrite it: start it with namespaceType BUILD_ID`,
    };
  }
  const key = [...segments, ...artifactPath.split('/')].filter((p) => p.length > 0);
  return {
    ok: true,
    url: `https://${bucket}.s3.${region}.${suffix}/${key.map(encodeURIComponent).join('/')}`,
    bucket,
    key: key.join('/'),
  };
}
