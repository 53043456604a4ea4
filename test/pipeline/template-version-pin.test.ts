import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { modesConfig } from '../helpers/config.js';
import { APP, Harness, NET, SHA } from './harness.js';

// S3 HeadObject as S3 answers it (test/helpers/s3-nock.ts; docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html):
// `x-amz-version-id` only in a versioned bucket; errors are a bare 403/404 status (a HEAD answer has no body).
// The version id below is the one in the HeadObject reference's example; its `+` must be URL-encoded.
const V1 = '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo';
const V1_URL = encodeURIComponent(V1);
const BASE = 'https://artifacts-bucket.s3.us-east-1.amazonaws.com/infra';
const netKey = (build: string) => `infra/${build}/cdk.out/Network.template.json`;
const appKey = (build: string) => `infra/${build}/cdk.out/App.template.json`;

let h: Harness;
afterEach(() => h?.close());

function modes(): { logs: { msg: string; level: number; reason?: string }[] } {
  h = new Harness({ config: modesConfig() });
  h.cfn.addStack(NET, 'UPDATE_COMPLETE', {});
  h.cfn.addStack(APP, 'UPDATE_COMPLETE', { Version: 'old' });
  const logs: { msg: string; level: number; reason?: string }[] = [];
  h.worker = h.newWorker('worker-1', {
    logger: createLogger('info', { write: (l: string) => logs.push(JSON.parse(l)) }),
  });
  return { logs };
}

async function buildSucceeds(d: { id: number }): Promise<string> {
  await h.worker.tick();
  const id = h.get(d.id).buildId!;
  const build = id.slice(id.indexOf(':') + 1);
  Object.assign(h.cb.builds.get(id)!, {
    buildStatus: 'SUCCEEDED',
    resolvedSourceVersion: SHA,
    artifacts: { location: `arn:aws:s3:::artifacts-bucket/infra/${build}` },
  });
  return build;
}

const templateUrls = () =>
  h.cfn.calls.filter((c) => c.action === 'CreateChangeSet').map((c) => c.params.get('TemplateURL'));

/** The change set at `position` is ready; executing it completes the stack (the fake's ExecuteChangeSet hook). */
function changeSetReady(d: { id: number }, position: number): void {
  h.cfn.readyChangeSet(`coxswain-${d.id}-${position}`, []);
  h.cfn.completesOnExecute(() => h.clock.now());
}

describe('mode template: TemplateURL pinned to the object version the build wrote', () => {
  it('pins a versioned bucket, and a rollback reuses the pinned URL after the key was overwritten', async () => {
    modes();
    const d = h.enqueue('infra', 'staging');
    const build = await buildSucceeds(d);
    h.s3.versions.set(netKey(build), V1);
    h.s3.versions.set(appKey(build), 'Ki8yP.Ni_Zq0qB2nG3lAaf6G2uD');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    expect(h.s3.heads).toEqual([netKey(build), appKey(build)]);
    expect(templateUrls()).toEqual([`${BASE}/${build}/cdk.out/Network.template.json?versionId=${V1_URL}`]);
    expect(templateUrls()[0]).toContain('%2B');

    changeSetReady(d, 1);
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-2`));
    expect(templateUrls()[1]).toBe(`${BASE}/${build}/cdk.out/App.template.json?versionId=Ki8yP.Ni_Zq0qB2nG3lAaf6G2uD`);
    changeSetReady(d, 2);
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');

    // Someone rewrites the key: S3 now reports a newer version of it. The rollback must not ask S3 again.
    h.s3.versions.set(netKey(build), 'newer-version');
    const heads = h.s3.heads.length;
    const rb = h.repo.enqueue(
      {
        kind: 'rollback',
        service: 'infra',
        environment: 'staging',
        targetKey: 'infra/staging',
        ref: 'main',
        sha: SHA,
        requestedBy: 'U0DEV',
        channel: 'C0DEPLOYS',
        state: 'queued',
        priority: 100,
        rollbackOf: d.id,
      },
      h.clock.now(),
    ).deployment;
    await h.tickUntil(() => templateUrls().length === 3);
    // A rollback undoes newest first: the app stack goes back first, on the exact version deployment 1 used.
    expect(templateUrls()[2]).toBe(`${BASE}/${build}/cdk.out/App.template.json?versionId=Ki8yP.Ni_Zq0qB2nG3lAaf6G2uD`);
    changeSetReady(rb, 1);
    await h.tickUntil(() => templateUrls().length === 4);
    expect(templateUrls()[3]).toBe(`${BASE}/${build}/cdk.out/Network.template.json?versionId=${V1_URL}`);
    expect(h.s3.heads.length).toBe(heads);
    expect(h.cb.count('StartBuild')).toBe(1);
  });

  it('keeps the plain URL for an unversioned bucket (no x-amz-version-id, or the "null" version)', async () => {
    modes();
    const d = h.enqueue('infra', 'staging');
    const build = await buildSucceeds(d);
    h.s3.versions.set(appKey(build), 'null');
    await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
    expect(h.s3.heads).toEqual([netKey(build), appKey(build)]);
    expect(templateUrls()).toEqual([`${BASE}/${build}/cdk.out/Network.template.json`]);
    changeSetReady(d, 1);
    await h.tickUntil(() => templateUrls().length === 2);
    expect(templateUrls()[1]).toBe(`${BASE}/${build}/cdk.out/App.template.json`);
  });

  for (const withBody of [false, true]) {
    it(`HeadObject 403${withBody ? ' (with an AccessDenied XML body)' : ''}: deploys unpinned, asks once, warns once`, async () => {
      const { logs } = modes();
      h.s3.denied = true;
      h.s3.deniedWithBody = withBody;
      const d = h.enqueue('infra', 'staging');
      const build = await buildSucceeds(d);
      await h.tickUntil(() => h.cfn.changeSets.has(`coxswain-${d.id}-1`));
      expect(templateUrls()).toEqual([`${BASE}/${build}/cdk.out/Network.template.json`]);
      // Same build, same bucket, same permissions: the second template is not asked about.
      expect(h.s3.heads).toEqual([netKey(build)]);
      const warned = logs.filter((l) => l.msg.startsWith('template version not pinned'));
      expect(warned).toHaveLength(1);
      expect(warned[0]!.reason).toContain('s3:GetObject on artifacts-bucket');
      expect(h.get(d.id).state).toBe('deploying');
    });
  }

  it('fails the deployment when the template is not in the build artifacts (404), before any change set', async () => {
    modes();
    const d = h.enqueue('infra', 'staging');
    const build = await buildSucceeds(d);
    h.s3.missing.add(appKey(build));
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure!.reason).toBe(
      `template cdk.out/App.template.json: the build's artifacts have no s3://artifacts-bucket/${appKey(build)}`,
    );
    expect(h.cfn.count('CreateChangeSet')).toBe(0);
    expect(h.reply(d.id, 'result')!.text).toMatch(/fail/i);
  });
});
