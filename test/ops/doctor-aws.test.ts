import { describe, expect, it } from 'vitest';
import { find, useDoctorWorld } from './doctor-run.js';

const t = useDoctorWorld();

describe('coxswain doctor: AWS, CodeBuild and IAM failures name their fix', () => {
  it('aws: no credentials is ✗ for the identity, and IAM says it could not check', async () => {
    t.w.identity = { error: 'InvalidClientTokenId' };
    const results = await t.run();
    const id = find(results, 'aws', 'sts:GetCallerIdentity');
    expect(id.status).toBe('fail');
    expect(id.detail).toContain('InvalidClientTokenId');
    expect(id.fix).toContain('role');
    expect(find(results, 'iam', 'actions')).toMatchObject({
      status: 'warn',
      detail: 'could not check: no AWS identity (see aws)',
    });
    expect(t.w.calls.filter((c) => c.startsWith('aws STS'))).toHaveLength(1);
  });

  it('aws: stacks in a state that blocks deploys are ✗ with what to do; a missing stack without templateUrl too', async () => {
    t.w.stacks.set('api-staging@us-east-1', 'UPDATE_ROLLBACK_FAILED');
    t.w.stacks.set('api-production@eu-west-1', 'ROLLBACK_COMPLETE');
    t.w.stacks.set('site-staging@us-east-1', 'REVIEW_IN_PROGRESS');
    t.w.stacks.delete('web-staging@us-east-1');
    const results = await t.run();
    const rb = find(results, 'aws', 'stack api-staging (us-east-1) of api/staging');
    expect(rb).toMatchObject({ status: 'fail', detail: 'UPDATE_ROLLBACK_FAILED: deploys to it will fail' });
    expect(rb.fix).toContain('aws cloudformation continue-update-rollback --stack-name api-staging --region us-east-1');
    const created = find(results, 'aws', 'stack api-production (eu-west-1) of api/production');
    expect(created.status).toBe('fail');
    expect(created.fix).toContain('aws cloudformation delete-stack --stack-name api-production --region eu-west-1');
    const review = find(results, 'aws', 'stack site-staging (us-east-1) of site/staging');
    expect(review.status).toBe('fail');
    expect(review.fix).toContain('list-change-sets');
    const missing = find(results, 'aws', 'stack web-staging (us-east-1) of web/staging');
    expect(missing).toMatchObject({
      status: 'fail',
      detail: 'does not exist, and mode parameters updates an existing stack',
    });
  });

  it('aws: a stack busy with an operation is a ⚠', async () => {
    t.w.stacks.set('web-staging@us-east-1', 'UPDATE_IN_PROGRESS');
    expect(find(await t.run(), 'aws', /^stack web-staging/)).toMatchObject({
      status: 'warn',
      detail: 'UPDATE_IN_PROGRESS: busy right now',
    });
  });

  it('codebuild: a missing project and a non-Git source are ✗', async () => {
    t.w.projects.delete('api-image@eu-west-1');
    t.w.projects.set('api-image@us-east-1', {
      name: 'api-image',
      source: { type: 'S3', location: 'acme-src/api.zip' },
      artifacts: { type: 'NO_ARTIFACTS' },
    });
    const results = await t.run();
    const gone = find(results, 'codebuild', 'project api-image (eu-west-1)');
    expect(gone).toMatchObject({ status: 'fail', detail: 'does not exist (used by api/production)' });
    const s3 = find(results, 'codebuild', 'project api-image (us-east-1)');
    expect(s3.status).toBe('fail');
    expect(s3.detail).toContain('source type S3 does not build a commit');
    expect(s3.fix).toContain('aws codebuild update-project --name api-image --source type=GITHUB');
  });

  it('codebuild: a buildspec that moves the checkout and a push webhook are ⚠ (two pipelines building the same code)', async () => {
    t.w.projects.set('api-image@us-east-1', {
      name: 'api-image',
      source: {
        type: 'GITHUB',
        location: 'https://github.com/acme/api.git',
        buildspec: 'version: 0.2\nphases:\n  pre_build:\n    commands:\n      - git checkout main && git pull\n',
      },
      artifacts: { type: 'NO_ARTIFACTS' },
      webhook: {
        url: 'https://codebuild.us-east-1.amazonaws.com/webhooks?t=x',
        filterGroups: [[{ type: 'EVENT', pattern: 'PUSH' }]],
      },
    });
    const results = await t.run();
    expect(find(results, 'codebuild', 'project api-image (us-east-1) buildspec').status).toBe('warn');
    const hook = find(results, 'codebuild', 'project api-image (us-east-1) webhook');
    expect(hook).toMatchObject({
      status: 'warn',
      detail: 'a webhook also builds this project on push: two pipelines building the same code',
    });
    expect(hook.fix).toBe('delete it: aws codebuild delete-webhook --project-name api-image --region us-east-1');
  });

  it('codebuild: template mode needs S3 artifacts, unzipped, namespaced by build id', async () => {
    const project = (artifacts: { type: string; location?: string; packaging?: string; namespaceType?: string }) =>
      t.w.projects.set('site-build@us-east-1', {
        name: 'site-build',
        source: { type: 'GITHUB', location: 'https://github.com/acme/site.git' },
        artifacts,
      });
    const artifacts = async () => find(await t.run(), 'codebuild', 'project site-build (us-east-1) artifacts');
    project({ type: 'S3', location: 'acme-artifacts', packaging: 'NONE', namespaceType: 'NONE' });
    expect(await artifacts()).toMatchObject({ status: 'warn' });
    expect((await artifacts()).fix).toContain('namespaceType=BUILD_ID');
    project({ type: 'S3', location: 'acme-artifacts', packaging: 'ZIP', namespaceType: 'BUILD_ID' });
    expect(await artifacts()).toMatchObject({
      status: 'fail',
      detail: 'artifacts are zipped: CloudFormation cannot read a template inside a zip',
    });
    project({ type: 'NO_ARTIFACTS' });
    expect((await artifacts()).status).toBe('fail');
  });

  it('iam: every denied action is ✗ naming it; a role that may not simulate is a ⚠ "could not check"', async () => {
    t.w.denied.add('cloudformation:ExecuteChangeSet');
    t.w.denied.add('s3:GetObject');
    // Mode template pins a versioned bucket's TemplateURL to a version: CloudFormation reads it with GetObjectVersion.
    t.w.denied.add('s3:GetObjectVersion');
    const results = await t.run();
    const exec = find(results, 'iam', 'cloudformation:ExecuteChangeSet');
    expect(exec).toMatchObject({
      status: 'fail',
      detail: 'not allowed for arn:aws:iam::123456789012:role/coxswain-bot',
    });
    expect(exec.fix).toContain('add "cloudformation:ExecuteChangeSet" to the role\'s policy');
    expect(find(results, 'iam', 's3:GetObject').status).toBe('fail');
    expect(find(results, 'iam', 's3:GetObjectVersion').status).toBe('fail');

    t.w.simulateError = 'AccessDenied';
    const r = find(await t.run(), 'iam', 'actions');
    expect(r).toMatchObject({
      status: 'warn',
      detail: 'could not check (iam:SimulatePrincipalPolicy is not allowed for this role)',
    });
    expect(r.fix).toContain('codebuild:StartBuild');
  });

  it.each([
    ['CREATE_FAILED', 'rollback-stack'],
    ['UPDATE_FAILED', 'rollback-stack'],
    ['ROLLBACK_FAILED', 'delete-stack'],
    ['DELETE_FAILED', 'describe-stack-events'],
    ['IMPORT_ROLLBACK_FAILED', 'continue-update-rollback'],
  ])('aws: a stack in %s is ✗ with the command that gets it out (%s)', async (status, command) => {
    t.w.stacks.set('web-staging@us-east-1', status);
    const r = find(await t.run(), 'aws', /^stack web-staging/);
    expect(r).toMatchObject({ status: 'fail', detail: `${status}: deploys to it will fail` });
    expect(r.fix).toContain(`aws cloudformation ${command} --stack-name web-staging`);
  });
});
