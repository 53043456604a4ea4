import type { TemplateLocation } from '../adapters/codebuild-artifacts.js';
import { pinnedTemplateUrl } from '../adapters/s3-template-version.js';
import type { Deployment } from '../domain/deployment.js';
import type { RunContext } from './run-context.js';

type Located = Extract<TemplateLocation, { ok: true }>;

/**
 * Mode template, after a successful build: each stack's TemplateURL pinned to the object version this build wrote
 * when the bucket is versioned, so a rollback reusing the URL gets exactly that template even if the key is
 * overwritten. Unversioned bucket: the per-build key is the only guarantee, the URL stays as it is.
 *
 * HeadObject refused (403: no s3:GetObject, or anything else not transient): the URLs stay unpinned, the
 * deployment goes on (the per-build key still separates builds), and one warning per deployment says why; the
 * remaining templates of the build (same bucket, same permissions) are not asked about. A template missing from
 * the artifacts (404) fails the deployment here, with a clearer message than CloudFormation's.
 */
export async function pinTemplateUrls(
  ctx: RunContext,
  d: Deployment,
  region: string,
  templates: { artifact: string; loc: Located }[],
): Promise<{ ok: true; urls: string[] } | { ok: false; reason: string }> {
  const urls: string[] = [];
  let refused: string | undefined;
  for (const { artifact, loc } of templates) {
    if (refused) {
      urls.push(loc.url);
      continue;
    }
    const v = await ctx.s3.version(region, loc.bucket, loc.key);
    if (v.kind === 'missing') {
      return { ok: false, reason: `template ${artifact}: the build's artifacts have no s3://${loc.bucket}/${loc.key}` };
    }
    if (v.kind === 'unreadable') {
      refused = v.reason;
      ctx.logger.warn(
        { deploymentId: d.id, bucket: loc.bucket, key: loc.key, reason: v.reason },
        'template version not pinned: HeadObject refused, the TemplateURL names the key only (grant s3:GetObject on the artifacts bucket)',
      );
    }
    urls.push(v.kind === 'versioned' ? pinnedTemplateUrl(loc.url, v.versionId) : loc.url);
  }
  return { ok: true, urls };
}
