import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import type { CheckResult } from '../../src/doctor/check.js';
import { doctorCommand, doctorReport } from '../../src/doctor/command.js';
import { DoctorWorld } from './doctor-world.js';

let w: DoctorWorld;
let aws: AwsClients;

beforeEach(() => {
  w = new DoctorWorld();
  w.install();
  aws = new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' });
});
afterEach(() => {
  aws.destroy();
  w.close();
});

/** Read-only APIs only: no check may change anything. */
const READ_ONLY = [
  /^slack (auth\.test|conversations\.history)$/,
  /^aws (CloudFormation|CodeBuild|STS|IAM) (Describe|BatchGet|Get|Simulate)\w+$/,
  /^github GET /,
];

async function run(): Promise<CheckResult[]> {
  const r = await doctorReport(w.env(), aws);
  for (const call of w.calls)
    expect(
      READ_ONLY.some((re) => re.test(call)),
      call,
    ).toBe(true);
  return r.results;
}

function find(results: CheckResult[], area: string, name: string | RegExp): CheckResult {
  const hit = results.find((r) => r.area === area && (typeof name === 'string' ? r.name === name : name.test(r.name)));
  if (!hit)
    throw new Error(`no ${area} check ${String(name)} in:\n${results.map((r) => `${r.area} ${r.name}`).join('\n')}`);
  return hit;
}

describe('coxswain doctor against a healthy world', () => {
  it('passes every check, asks only read-only APIs and exits 0', async () => {
    const out: string[] = [];
    const code = await doctorCommand([], w.env(), { out: (t) => out.push(t), err: (t) => out.push(t) }, aws);
    const text = out.join('\n');
    expect(text).toContain('✓ auth.test: token of coxswain (U0BOT) in Acme');
    expect(text).toContain('✓ scopes: all 6 needed scopes granted');
    expect(text).toContain(
      '✓ sts:GetCallerIdentity: account 123456789012 as arn:aws:sts::123456789012:assumed-role/coxswain-bot/i-0abc',
    );
    expect(text).toContain('✓ stack api-production (eu-west-1) of api/production: UPDATE_COMPLETE');
    expect(text).toContain(
      '✓ project site-build (us-east-1) artifacts: S3 acme-artifacts, unzipped, namespaced by build id',
    );
    expect(text).toContain('✓ actions: arn:aws:iam::123456789012:role/coxswain-bot may call all');
    expect(text).toContain('✓ repo acme/api: readable; default branch main at c0ffee1');
    expect(text).toContain('✓ rate limit: 4990 of 5000 requests left');
    expect(text).not.toContain('✗');
    expect(code).toBe(0);
    expect(w.calls.length).toBeGreaterThan(10);
    for (const call of w.calls)
      expect(
        READ_ONLY.some((re) => re.test(call)),
        call,
      ).toBe(true);
  });

  it('--json gives the same report for machines', async () => {
    const out: string[] = [];
    expect(await doctorCommand(['--json'], w.env(), { out: (t) => out.push(t), err: () => {} }, aws)).toBe(0);
    const r = JSON.parse(out[0]!) as { ok: boolean; counts: { fail: number }; results: CheckResult[] };
    expect(r.ok).toBe(true);
    expect(r.counts.fail).toBe(0);
    expect(r.results.find((c) => c.name === 'sts:GetCallerIdentity')?.status).toBe('ok');
  });
});

describe('coxswain doctor: each failure names its fix', () => {
  it('config: an invalid file is ✗ with the issue, exit 1, and nothing else is asked', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(w.configFile, 'channel: C0DEPLOYS\nservices: {}\nchanel: typo\n');
    const out: string[] = [];
    expect(await doctorCommand([], w.env(), { out: (t) => out.push(t), err: () => {} }, aws)).toBe(1);
    expect(out[0]).toContain('✗');
    expect(out[0]).toContain('unknown key(s) "chanel"');
    expect(out[0]).toContain('fix: fix');
    expect(w.calls).toEqual([]);
  });

  it('slack: a revoked token is ✗ and stops the Slack checks', async () => {
    w.authError = 'token_revoked';
    const r = find(await run(), 'slack', 'auth.test');
    expect(r).toMatchObject({ status: 'fail', detail: 'the bot token was refused (token_revoked)' });
    expect(r.fix).toContain('SLACK_BOT_TOKEN');
    expect(w.calls.filter((c) => c.startsWith('slack'))).toEqual(['slack auth.test']);
  });

  it('slack: each missing scope is ✗ with what needs it; channels named with membership problems', async () => {
    w.scopes = 'commands,chat:write';
    w.channelErrors.set('C0PROD', 'not_in_channel');
    w.channelErrors.set('C0OPS', 'channel_not_found');
    const results = await run();
    for (const scope of ['chat:write.public', 'channels:history', 'groups:history', 'channels:join']) {
      const r = find(results, 'slack', `scope ${scope}`);
      expect(r.status).toBe('fail');
      expect(r.fix).toContain(`add the bot scope ${scope}`);
    }
    expect(find(results, 'slack', 'scope channels:join').detail).toContain('conversations.join');
    const prod = find(results, 'slack', 'channel C0PROD (api/production)');
    expect(prod).toMatchObject({ status: 'warn', detail: 'public channel; the bot is not a member' });
    expect(prod.fix).toContain('/invite @Coxswain in <#C0PROD>, or grant channels:join');
    const ops = find(results, 'slack', 'channel C0OPS (drift digest, health digest)');
    expect(ops.status).toBe('fail');
    expect(ops.fix).toContain('private channels need an invite');
    expect(find(results, 'slack', /^channel C0DEPLOYS/).status).toBe('ok');
  });

  it('slack: no x-oauth-scopes header is a ⚠ that lists the scopes to check by hand', async () => {
    w.scopes = null;
    const r = find(await run(), 'slack', 'scopes');
    expect(r.status).toBe('warn');
    expect(r.fix).toContain('channels:join');
  });

  it('aws: no credentials is ✗ for the identity, and IAM says it could not check', async () => {
    w.identity = { error: 'InvalidClientTokenId' };
    const results = await run();
    const id = find(results, 'aws', 'sts:GetCallerIdentity');
    expect(id.status).toBe('fail');
    expect(id.detail).toContain('InvalidClientTokenId');
    expect(id.fix).toContain('role');
    expect(find(results, 'iam', 'actions')).toMatchObject({
      status: 'warn',
      detail: 'could not check: no AWS identity (see aws)',
    });
    expect(w.calls.filter((c) => c.startsWith('aws STS'))).toHaveLength(1);
  });

  it('aws: stacks in a state that blocks deploys are ✗ with what to do; a missing stack without templateUrl too', async () => {
    w.stacks.set('api-staging@us-east-1', 'UPDATE_ROLLBACK_FAILED');
    w.stacks.set('api-production@eu-west-1', 'ROLLBACK_COMPLETE');
    w.stacks.set('site-staging@us-east-1', 'REVIEW_IN_PROGRESS');
    w.stacks.delete('web-staging@us-east-1');
    const results = await run();
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
    w.stacks.set('web-staging@us-east-1', 'UPDATE_IN_PROGRESS');
    expect(find(await run(), 'aws', /^stack web-staging/)).toMatchObject({
      status: 'warn',
      detail: 'UPDATE_IN_PROGRESS: busy right now',
    });
  });

  it('codebuild: a missing project and a non-Git source are ✗', async () => {
    w.projects.delete('api-image@eu-west-1');
    w.projects.set('api-image@us-east-1', {
      name: 'api-image',
      source: { type: 'S3', location: 'acme-src/api.zip' },
      artifacts: { type: 'NO_ARTIFACTS' },
    });
    const results = await run();
    const gone = find(results, 'codebuild', 'project api-image (eu-west-1)');
    expect(gone).toMatchObject({ status: 'fail', detail: 'does not exist (used by api/production)' });
    const s3 = find(results, 'codebuild', 'project api-image (us-east-1)');
    expect(s3.status).toBe('fail');
    expect(s3.detail).toContain('source type S3 does not build a commit');
    expect(s3.fix).toContain('aws codebuild update-project --name api-image --source type=GITHUB');
  });

  it('codebuild: a buildspec that moves the checkout and a push webhook are ⚠ (two pipelines building the same code)', async () => {
    w.projects.set('api-image@us-east-1', {
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
    const results = await run();
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
      w.projects.set('site-build@us-east-1', {
        name: 'site-build',
        source: { type: 'GITHUB', location: 'https://github.com/acme/site.git' },
        artifacts,
      });
    const artifacts = async () => find(await run(), 'codebuild', 'project site-build (us-east-1) artifacts');
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
    w.denied.add('cloudformation:ExecuteChangeSet');
    w.denied.add('s3:GetObject');
    // Mode template pins a versioned bucket's TemplateURL to a version: CloudFormation reads it with GetObjectVersion.
    w.denied.add('s3:GetObjectVersion');
    const results = await run();
    const exec = find(results, 'iam', 'cloudformation:ExecuteChangeSet');
    expect(exec).toMatchObject({
      status: 'fail',
      detail: 'not allowed for arn:aws:iam::123456789012:role/coxswain-bot',
    });
    expect(exec.fix).toContain('add "cloudformation:ExecuteChangeSet" to the role\'s policy');
    expect(find(results, 'iam', 's3:GetObject').status).toBe('fail');
    expect(find(results, 'iam', 's3:GetObjectVersion').status).toBe('fail');

    w.simulateError = 'AccessDenied';
    const r = find(await run(), 'iam', 'actions');
    expect(r).toMatchObject({
      status: 'warn',
      detail: 'could not check (iam:SimulatePrincipalPolicy is not allowed for this role)',
    });
    expect(r.fix).toContain('codebuild:StartBuild');
  });

  it('github: a repo the token cannot see is ✗; a bad token is ✗ once; low rate limit ⚠, none left ✗', async () => {
    w.repos.set('acme/web', 404);
    w.rate = { limit: 5000, remaining: 200 };
    let results = await run();
    const web = find(results, 'github', 'repo acme/web');
    expect(web).toMatchObject({ status: 'fail', detail: 'not found, or the token cannot see it' });
    expect(web.fix).toContain('Contents: read');
    expect(find(results, 'github', 'rate limit').status).toBe('warn');

    w.repos.set('acme/api', 401);
    w.rate = { limit: 5000, remaining: 0 };
    results = await run();
    expect(find(results, 'github', 'repo acme/api')).toMatchObject({
      status: 'fail',
      detail: 'the token was refused (401 Bad credentials)',
    });
    expect(results.filter((r) => r.area === 'github' && r.name.startsWith('repo'))).toHaveLength(1);
    expect(find(results, 'github', 'rate limit').status).toBe('fail');
  });

  it('database: a database from a newer Coxswain is ✗; a missing one is a ⚠ (created at start), never created by the doctor', async () => {
    const { existsSync } = await import('node:fs');
    const results = await run();
    expect(find(results, 'config', /^database/).status).toBe('warn');
    expect(existsSync(w.dbFile)).toBe(false);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(w.dbFile);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, 0)').run('future');
    db.close();
    expect(find(await run(), 'config', /^database/)).toMatchObject({ status: 'fail' });
  });

  it.each([
    ['CREATE_FAILED', 'rollback-stack'],
    ['UPDATE_FAILED', 'rollback-stack'],
    ['ROLLBACK_FAILED', 'delete-stack'],
    ['DELETE_FAILED', 'describe-stack-events'],
    ['IMPORT_ROLLBACK_FAILED', 'continue-update-rollback'],
  ])('aws: a stack in %s is ✗ with the command that gets it out (%s)', async (status, command) => {
    w.stacks.set('web-staging@us-east-1', status);
    const r = find(await run(), 'aws', /^stack web-staging/);
    expect(r).toMatchObject({ status: 'fail', detail: `${status}: deploys to it will fail` });
    expect(r.fix).toContain(`aws cloudformation ${command} --stack-name web-staging`);
  });

  it('env: a missing token is ✗ naming the variable (never its value); nothing remote is asked', async () => {
    const env = { ...w.env(), SLACK_BOT_TOKEN: 'not-a-bot-token', GITHUB_TOKEN: 'ghp_secret_value' };
    const r = await doctorReport(env, aws);
    const bad = r.results.find((c) => c.area === 'env');
    expect(bad).toMatchObject({ status: 'fail', detail: 'SLACK_BOT_TOKEN: a bot token starting with xoxb-' });
    expect(JSON.stringify(r)).not.toContain('ghp_secret_value');
    expect(r.ok).toBe(false);
    expect(w.calls).toEqual([]);
  });

  it('a check that crashes is itself a ✗, and the other checks still run', async () => {
    const { runChecks } = await import('../../src/doctor/runner.js');
    const crashing = {
      area: 'gates',
      run: async () => {
        throw new Error('boom');
      },
    };
    const fine = {
      area: 'later',
      run: async () => [{ area: 'later', name: 'x', status: 'ok' as const, detail: 'fine' }],
    };
    const results = await runChecks({} as never, [crashing, fine]);
    expect(results).toEqual([
      {
        area: 'gates',
        name: 'check',
        status: 'fail',
        detail: 'the check itself crashed: boom',
        fix: 'report this as a Coxswain bug',
      },
      { area: 'later', name: 'x', status: 'ok', detail: 'fine' },
    ]);
  });

  it('bad usage exits 2 with the usage', async () => {
    const err: string[] = [];
    expect(await doctorCommand(['--fix'], w.env(), { out: () => {}, err: (t) => err.push(t) }, aws)).toBe(2);
    expect(err[0]).toContain('Usage: coxswain doctor [--json]');
    expect(w.calls).toEqual([]);
  });
});
