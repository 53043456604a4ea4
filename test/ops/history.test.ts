import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/app/cli.js';
import { ApprovalsRepo } from '../../src/store/approvals-repo.js';
import { openDb } from '../../src/store/db.js';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
let dir: string;
let file: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), now: () => NOW } };
}

function seed(): void {
  const db = openDb(file);
  const repo = new DeploymentsRepo(db);
  const base = { kind: 'deploy' as const, ref: 'main', channel: 'C0DEPLOYS', state: 'queued' as const };
  // #1: 40 days ago on api/staging, succeeded.
  const old = repo.enqueue(
    {
      ...base,
      service: 'api',
      environment: 'staging',
      targetKey: 'api/staging',
      sha: 'a'.repeat(40),
      requestedBy: 'U01',
    },
    NOW - 40 * DAY,
  ).deployment;
  repo.claim(old.id, 'deploying', 'w', NOW - 40 * DAY + 5_000);
  repo.transition(old.id, 'deploying', 'succeeded', NOW - 40 * DAY + 65_000);
  // #2: yesterday on api/production: approved by U03, forced, failed with a root cause; someone pressed retry.
  const prod = repo.enqueue(
    {
      ...base,
      service: 'api',
      environment: 'production',
      targetKey: 'api/production',
      sha: 'b'.repeat(40),
      requestedBy: 'U02',
      forced: true,
      state: 'pending_approval',
    },
    NOW - DAY,
  ).deployment;
  new ApprovalsRepo(db).record(prod.id, { user: 'U03', decision: 'approve', sha: prod.sha, at: NOW - DAY + 60_000 });
  repo.transition(prod.id, 'pending_approval', 'queued', NOW - DAY + 60_000);
  repo.claim(prod.id, 'deploying', 'w', NOW - DAY + 120_000);
  repo.transition(prod.id, 'deploying', 'failed', NOW - DAY + 420_000, {
    failure: {
      phase: 'stack_update',
      reason: 'Resource handler returned message: "=cmd" quota, exceeded',
      logicalId: 'Db',
      resourceType: 'AWS::RDS::DBInstance',
      status: 'CREATE_FAILED',
      stackName: 'api-production',
    },
  });
  new DeploymentActionsRepo(db).record({
    deploymentId: prod.id,
    action: 'retry',
    user: 'U01',
    detail: '#3',
    at: NOW - DAY + 500_000,
  });
  db.close();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coxswain-history-'));
  file = join(dir, 'coxswain.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('coxswain history', () => {
  it('exports every deployment as CSV: requester, approver, forced, SHA, timings, outcome, root cause', async () => {
    seed();
    const c = io();
    expect(await main(['history'], { COXSWAIN_DB: file }, c.io)).toBe(0);
    const [header, first, second, ...rest] = c.out[0]!.split('\r\n');
    expect(rest).toEqual([]);
    expect(header).toBe(
      'id,kind,target,ref,sha,outcome,requested_by,approved_by,rejected_by,forced,forced_by,actions,rollback_of,requested_at,started_at,finished_at,wait_seconds,duration_seconds,failure_phase,root_cause',
    );
    expect(first).toBe(
      `1,deploy,api/staging,main,${'a'.repeat(40)},succeeded,U01,,,false,,,,2026-10-22T12:00:00.000Z,2026-10-22T12:00:05.000Z,2026-10-22T12:01:05.000Z,5,60,,`,
    );
    // The root cause is quoted (commas, quotes), RFC 4180.
    expect(second).toBe(
      `2,deploy,api/production,main,${'b'.repeat(40)},failed,U02,U03,,true,U02,retry by U01,,2026-11-30T12:00:00.000Z,2026-11-30T12:02:00.000Z,2026-11-30T12:07:00.000Z,120,300,stack_update,"api-production Db (AWS::RDS::DBInstance) CREATE_FAILED: Resource handler returned message: ""=cmd"" quota, exceeded"`,
    );
  });

  it('filters by --since and --target and writes JSON', async () => {
    seed();
    const c = io();
    expect(await main(['history', '--since', '30d', '--format', 'json'], { COXSWAIN_DB: file }, c.io)).toBe(0);
    const rows = JSON.parse(c.out[0]!) as Record<string, unknown>[];
    expect(rows.map((r) => r.id)).toEqual([2]);
    expect(rows[0]).toMatchObject({
      approved_by: ['U03'],
      forced: true,
      forced_by: 'U02',
      outcome: 'failed',
      wait_seconds: 120,
    });
    const t = io();
    expect(await main(['history', '--target', 'api/staging', '--format', 'json'], { COXSWAIN_DB: file }, t.io)).toBe(0);
    expect((JSON.parse(t.out[0]!) as { id: number }[]).map((r) => r.id)).toEqual([1]);
    const d = io();
    expect(await main(['history', '--since', '2026-11-01', '--format', 'json'], { COXSWAIN_DB: file }, d.io)).toBe(0);
    expect((JSON.parse(d.out[0]!) as { id: number }[]).map((r) => r.id)).toEqual([2]);
  });

  it('refuses bad options with the usage and reads nothing; a missing database is named', async () => {
    for (const args of [
      ['--since', '30 days'],
      ['--target', "api'; DROP TABLE deployments; --"],
      ['--format', 'xml'],
      ['--since'],
      ['--bogus', 'x'],
    ]) {
      const c = io();
      expect(await main(['history', ...args], { COXSWAIN_DB: file }, c.io)).toBe(2);
      expect(c.err[0]).toContain('Usage: coxswain history');
      expect(c.out).toEqual([]);
    }
    const m = io();
    expect(await main(['history'], { COXSWAIN_DB: file }, m.io)).toBe(1);
    expect(m.err[0]).toContain(`No database at ${file}`);
  });
});
