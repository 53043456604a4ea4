import { afterEach, describe, expect, it } from 'vitest';
import { modesConfig } from '../helpers/config.js';
import { Harness, SHA } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('mode template: one build, one template', () => {
  it("starts the build with the project's S3 artifacts under the build id and unzipped", async () => {
    h = new Harness({ config: modesConfig() });
    const d = h.enqueue('infra', 'staging');
    await h.worker.tick();
    expect(h.cb.count('BatchGetProjects')).toBe(1);
    // BatchGetProjects answers the project's artifacts as configured: namespaceType NONE (the default) and a zip.
    expect(h.cb.startBodies[0]!.artifactsOverride).toEqual({
      type: 'S3',
      location: 'artifacts-bucket',
      path: 'infra',
      name: '/',
      namespaceType: 'BUILD_ID',
      packaging: 'NONE',
    });
    expect(h.get(d.id).buildId).toBe('infra-synth:build-1');
  });

  it('refuses a project without S3 artifacts before starting anything', async () => {
    h = new Harness({ config: modesConfig() });
    h.cb.projects.set('infra-synth', { type: 'CODEPIPELINE' });
    const d = h.enqueue('infra', 'staging');
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    expect(h.get(d.id).failure!.reason).toContain('must upload its artifacts to S3');
    expect(h.cb.count('StartBuild')).toBe(0);
    expect(h.reply(d.id, 'result')!.text).toMatch(/fail/i);
  });

  it('builds the change set URL from the location that holds the build id', async () => {
    h = new Harness({ config: modesConfig() });
    h.cfn.addStack('infra-network-staging', 'UPDATE_COMPLETE', {});
    h.cfn.addStack('infra-app-staging', 'UPDATE_COMPLETE', {});
    h.enqueue('infra', 'staging');
    await h.worker.tick();
    // With namespaceType BUILD_ID CodeBuild stores the files under path/<build-ID>/name.
    Object.assign(h.cb.builds.get('infra-synth:build-1')!, {
      buildStatus: 'SUCCEEDED',
      resolvedSourceVersion: SHA,
      artifacts: { location: 'arn:aws:s3:::artifacts-bucket/infra/build-1' },
    });
    await h.tickUntil(() => h.cfn.count('CreateChangeSet') === 1);
    const p = h.cfn.calls.find((c) => c.action === 'CreateChangeSet')!.params;
    expect(p.get('TemplateURL')).toBe(
      'https://artifacts-bucket.s3.us-east-1.amazonaws.com/infra/build-1/cdk.out/Network.template.json',
    );
  });
});

describe('StartBuild after the idempotency window', () => {
  it('finds the build a lost StartBuild answer created instead of starting a second one', async () => {
    h = new Harness();
    const d = h.enqueue();
    h.cb.loseNextStart = true;
    await h.worker.tick();
    expect(h.cb.count('StartBuild')).toBe(1);
    expect(h.get(d.id).buildId).toBeNull();
    // The resume comes after the token's 5 minutes (StartBuild API reference): the token no longer dedupes.
    h.clock.advance(6 * 60_000);
    h.cb.expireTokens();
    await h.tickUntil(() => h.get(d.id).buildId !== null);
    expect(h.cb.count('ListBuildsForProject')).toBe(1);
    expect(h.cb.count('StartBuild')).toBe(1);
    expect(h.cb.builds.size).toBe(1);
    expect(h.get(d.id).buildId).toBe('api-image:build-1');
  });

  it('starts the build when the project has none of this deployment', async () => {
    h = new Harness();
    const d = h.enqueue();
    h.cb.failNext('StartBuild', 'ThrottlingException', 'Rate exceeded');
    await h.worker.tick();
    h.clock.advance(6 * 60_000);
    await h.tickUntil(() => h.get(d.id).buildId !== null);
    expect(h.cb.count('ListBuildsForProject')).toBe(1);
    expect(h.cb.count('StartBuild')).toBe(2);
    expect(h.get(d.id).buildId).toBe('api-image:build-1');
  });
});

describe('StartBuild AccountLimitExceededException', () => {
  it('waits and tries again, and says so in the thread', async () => {
    h = new Harness();
    const d = h.enqueue();
    // StartBuild API reference, Errors: AccountLimitExceededException; the message CodeBuild sends.
    h.cb.failNext(
      'StartBuild',
      'AccountLimitExceededException',
      'Cannot have more than 1 builds in queue for the account',
    );
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('building');
    expect(h.get(d.id).failure).toBeNull();
    const waiting = h.reply(d.id, 'build-queue-full')!;
    expect(waiting.blocks).toContain('Cannot have more than 1 builds in queue for the account');
    expect(waiting.blocks).toContain('No build was created');
    await h.tickUntil(() => h.get(d.id).buildId !== null);
    expect(h.cb.count('StartBuild')).toBe(2);
    expect(h.reply(d.id, 'build-started')).toBeDefined();
    expect(h.outbox(d.id).filter((r) => r.key === `d${d.id}:build-queue-full`)).toHaveLength(1);
  });
});

describe('build log links before provisioning', () => {
  it('never posts a group=null link: the console page first, then the reply is edited to the logs', async () => {
    h = new Harness();
    const d = h.enqueue();
    h.cb.startDeepLink =
      'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=null;stream=null';
    await h.worker.tick();
    const started = h.reply(d.id, 'build-started')!;
    expect(started.blocks).not.toContain('null');
    expect(started.blocks).toContain(
      'https://us-east-1.console.aws.amazon.com/codesuite/codebuild/projects/api-image/build/api-image%3Abuild-1/?region=us-east-1',
    );
    expect(h.get(d.id).buildLogUrl).toBeNull();
    await h.tickUntil(() => h.get(d.id).buildLogUrl !== null);
    expect(h.get(d.id).buildLogUrl).toContain('group=/aws/codebuild/');
    const edits = h.outbox(d.id).filter((r) => r.key === `d${d.id}:build-started`);
    // Not yet delivered, the post's content is replaced in place (outbox-repo update); once sent it is a chat.update.
    expect(edits.every((r) => !r.blocks.includes('group=null'))).toBe(true);
    expect(edits.at(-1)!.blocks).toContain('group=/aws/codebuild/api-image:build-1|build logs');
  });
});
