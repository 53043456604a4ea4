import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.js';
import { doctorCommand, doctorReport } from '../../src/doctor/command.js';
import { find, READ_ONLY, useDoctorWorld } from './doctor-run.js';

const t = useDoctorWorld();

describe('coxswain doctor against a healthy world', () => {
  it('passes every check, asks only read-only APIs and exits 0', async () => {
    const out: string[] = [];
    const code = await doctorCommand(
      [],
      t.w.env(),
      { out: (line) => out.push(line), err: (line) => out.push(line) },
      t.aws,
    );
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
    expect(t.w.calls.length).toBeGreaterThan(10);
    for (const call of t.w.calls)
      expect(
        READ_ONLY.some((re) => re.test(call)),
        call,
      ).toBe(true);
  });

  it('--json gives the same report for machines', async () => {
    const out: string[] = [];
    expect(await doctorCommand(['--json'], t.w.env(), { out: (line) => out.push(line), err: () => {} }, t.aws)).toBe(0);
    const r = JSON.parse(out[0]!) as { ok: boolean; counts: { fail: number }; results: CheckResult[] };
    expect(r.ok).toBe(true);
    expect(r.counts.fail).toBe(0);
    expect(r.results.find((c) => c.name === 'sts:GetCallerIdentity')?.status).toBe('ok');
  });
});

describe('coxswain doctor: each failure names its fix', () => {
  it('config: an invalid file is ✗ with the issue, exit 1, and nothing else is asked', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(t.w.configFile, 'channel: C0DEPLOYS\nservices: {}\nchanel: typo\n');
    const out: string[] = [];
    expect(await doctorCommand([], t.w.env(), { out: (line) => out.push(line), err: () => {} }, t.aws)).toBe(1);
    expect(out[0]).toContain('✗');
    expect(out[0]).toContain('unknown key(s) "chanel"');
    expect(out[0]).toContain('fix: fix');
    expect(t.w.calls).toEqual([]);
  });

  it('slack: a revoked token is ✗ and stops the Slack checks', async () => {
    t.w.authError = 'token_revoked';
    const r = find(await t.run(), 'slack', 'auth.test');
    expect(r).toMatchObject({ status: 'fail', detail: 'the bot token was refused (token_revoked)' });
    expect(r.fix).toContain('SLACK_BOT_TOKEN');
    expect(t.w.calls.filter((c) => c.startsWith('slack'))).toEqual(['slack auth.test']);
  });

  it('slack: each missing scope is ✗ with what needs it; channels named with membership problems', async () => {
    t.w.scopes = 'commands,chat:write';
    t.w.channelErrors.set('C0PROD', 'not_in_channel');
    t.w.channelErrors.set('C0OPS', 'channel_not_found');
    const results = await t.run();
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
    t.w.scopes = null;
    const r = find(await t.run(), 'slack', 'scopes');
    expect(r.status).toBe('warn');
    expect(r.fix).toContain('channels:join');
  });

  it('github: a repo the token cannot see is ✗; a bad token is ✗ once; low rate limit ⚠, none left ✗', async () => {
    t.w.repos.set('acme/web', 404);
    t.w.rate = { limit: 5000, remaining: 200 };
    let results = await t.run();
    const web = find(results, 'github', 'repo acme/web');
    expect(web).toMatchObject({ status: 'fail', detail: 'not found, or the token cannot see it' });
    expect(web.fix).toContain('Contents: read');
    expect(find(results, 'github', 'rate limit').status).toBe('warn');

    t.w.repos.set('acme/api', 401);
    t.w.rate = { limit: 5000, remaining: 0 };
    results = await t.run();
    expect(find(results, 'github', 'repo acme/api')).toMatchObject({
      status: 'fail',
      detail: 'the token was refused (401 Bad credentials)',
    });
    expect(results.filter((r) => r.area === 'github' && r.name.startsWith('repo'))).toHaveLength(1);
    expect(find(results, 'github', 'rate limit').status).toBe('fail');
  });

  it('github: a classic token without repo_deployment/repo cannot create deployments (✗); no write access is ✗; a fine-grained token is ⚠ could not check', async () => {
    let results = await t.run();
    expect(find(results, 'github', 'deployments acme/api')).toMatchObject({
      status: 'ok',
      detail: 'the token may create deployments',
    });
    t.w.githubScopes = 'public_repo, read:org';
    results = await t.run();
    const scoped = find(results, 'github', 'deployments acme/api');
    expect(scoped).toMatchObject({
      status: 'fail',
      detail: "the token's scopes (public_repo, read:org) cannot create deployments",
    });
    expect(scoped.fix).toContain('repo_deployment');
    t.w.githubScopes = 'repo_deployment';
    t.w.githubPush = false;
    expect(find(await t.run(), 'github', 'deployments acme/api')).toMatchObject({ status: 'fail' });
    t.w.githubScopes = null;
    const fine = find(await t.run(), 'github', 'deployments acme/api');
    expect(fine.status).toBe('warn');
    expect(fine.fix).toContain('Deployments: read and write');
  });

  it('database: a database from a newer Coxswain is ✗; a missing one is a ⚠ (created at start), never created by the doctor', async () => {
    const { existsSync } = await import('node:fs');
    const results = await t.run();
    expect(find(results, 'config', /^database/).status).toBe('warn');
    expect(existsSync(t.w.dbFile)).toBe(false);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(t.w.dbFile);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, 0)').run('future');
    db.close();
    expect(find(await t.run(), 'config', /^database/)).toMatchObject({ status: 'fail' });
  });

  it('env: a missing token is ✗ naming the variable (never its value); nothing remote is asked', async () => {
    const env = { ...t.w.env(), SLACK_BOT_TOKEN: 'not-a-bot-token', GITHUB_TOKEN: 'ghp_secret_value' };
    const r = await doctorReport(env, t.aws);
    const bad = r.results.find((c) => c.area === 'env');
    expect(bad).toMatchObject({ status: 'fail', detail: 'SLACK_BOT_TOKEN: a bot token starting with xoxb-' });
    expect(JSON.stringify(r)).not.toContain('ghp_secret_value');
    expect(r.ok).toBe(false);
    expect(t.w.calls).toEqual([]);
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
    expect(await doctorCommand(['--fix'], t.w.env(), { out: () => {}, err: (t) => err.push(t) }, t.aws)).toBe(2);
    expect(err[0]).toContain('Usage: coxswain doctor [--json]');
    expect(t.w.calls).toEqual([]);
  });
});
