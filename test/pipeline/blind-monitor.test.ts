import { afterEach, describe, expect, it } from 'vitest';
import { StatusReport } from '../../src/deploys/status-report.js';
import { buildRepos } from '../../src/store/repos.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import { Harness, SHA } from './harness.js';

// Error shapes as CloudFormation's Query API answers them (ErrorResponse/Error/Code): ExpiredToken and AccessDenied
// are 403 Sender errors (AWS CloudFormation API reference, "Common Errors"); Throttling is a 400 Sender error.
let h: Harness;
afterEach(() => h?.close());

const BLIND = 'monitoring-paused';

/** Every CloudFormation read answers this error until `h.cfn.errors.clear()`. */
function blind(code: string, message: string, status: number): void {
  for (const action of ['DescribeStacks', 'DescribeStackEvents', 'DescribeChangeSet']) {
    for (let i = 0; i < 500; i++) h.cfn.failNext(action, code, message, status);
  }
}

/** Polls every minute of fake time for `minutes`. */
async function pollFor(minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    h.clock.advance(60_000);
    await h.worker.tick();
  }
}

function blindRows(id: number) {
  return h.outbox(id).filter((r) => r.key === `d${id}:${BLIND}`);
}

describe('blind monitoring', () => {
  it('tells the thread once after stallMinutes of failing reads, updates it in place, and clears it', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging', SHA, 'v2');
    await h.toUpdating(d);
    const mutations = h.cfn.count('ExecuteChangeSet');
    blind('Throttling', 'Rate exceeded', 400);
    await pollFor(9);
    expect(blindRows(d.id)).toHaveLength(0);
    await pollFor(3);
    const rows = blindRows(d.id);
    expect(rows.filter((r) => r.op === 'post')).toHaveLength(1);
    const first = rows.at(-1)!.blocks;
    await pollFor(1);
    // Updated in place: still one post, its content now says how long.
    expect(blindRows(d.id).filter((r) => r.op === 'post')).toHaveLength(1);
    expect(blindRows(d.id).at(-1)!.blocks).not.toBe(first);
    expect(rows[0]!.thread).toBe(`d${d.id}:parent`);
    expect(rows.at(-1)!.blocks).toContain('Monitoring paused');
    expect(rows.at(-1)!.blocks).toContain('stack `web-staging`');
    expect(rows.at(-1)!.blocks).toContain('Coxswain keeps retrying');
    expect(h.parent(d.id).text).toContain('monitoring paused');
    const status = new StatusReport({
      config: h.config,
      clock: h.clock,
      githubWeb: 'https://github.com',
      repos: buildRepos(h.db),
    }).build({
      service: 'web',
      environment: 'staging',
    });
    expect(status.ok && JSON.stringify(status.message.blocks)).toContain('monitoring paused for');
    // Meanwhile the stack failed; the cause is read when AWS answers again.
    const t = h.clock.now();
    const tok = { ClientRequestToken: d.token };
    h.cfn.event(
      'web-staging',
      { ...resourceEvent('Db', 'AWS::RDS::DBInstance', 'UPDATE_FAILED', undefined, 'Disk full'), ...tok },
      t,
    );
    h.cfn.event(
      'web-staging',
      { ...resourceEvent('web-staging', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE'), ...tok },
      t,
    );
    h.cfn.stackStatus.set('web-staging', 'UPDATE_ROLLBACK_COMPLETE');
    h.cfn.errors.clear();
    await h.tickUntil(() => h.get(d.id).state === 'failed');
    const last = blindRows(d.id).at(-1)!;
    expect(last.text).toMatch(/reading again after 1[123] min; nothing was missed/);
    expect(h.get(d.id).failure).toMatchObject({ phase: 'stack_update', logicalId: 'Db', reason: 'Disk full' });
    expect(h.parent(d.id).text).not.toContain('monitoring paused');
    expect(h.cfn.count('ExecuteChangeSet')).toBe(mutations);
  });

  it('says expired credentials in words after 3 failures and never fails the deployment for them', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging', SHA, 'v2');
    await h.toUpdating(d);
    blind('ExpiredToken', 'The security token included in the request is expired', 403);
    await pollFor(2);
    expect(blindRows(d.id)).toHaveLength(0);
    await pollFor(1);
    expect(blindRows(d.id).filter((r) => r.op === 'post')).toHaveLength(1);
    expect(blindRows(d.id).at(-1)!.text).toContain(
      'AWS credentials expired — refresh them (e.g. SSO login / role session)',
    );
    await pollFor(120);
    const still = h.get(d.id);
    expect(still.state).toBe('deploying');
    expect(still.failure).toBeNull();
    expect(h.reply(d.id, 'result')).toBeUndefined();
    expect(blindRows(d.id).filter((r) => r.op === 'post')).toHaveLength(1);
  });

  it('fails after blindFailMinutes of permission errors with phase monitoring, leaving the stack alone', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging', SHA, 'v2');
    await h.toUpdating(d);
    const before = h.cfn.calls.filter((c) => !c.action.startsWith('Describe')).length;
    blind(
      'AccessDenied',
      'User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:DescribeStacks',
      403,
    );
    await pollFor(58);
    expect(h.get(d.id).state).toBe('deploying');
    expect(blindRows(d.id).at(-1)!.blocks).toContain('AWS denies the read (AccessDenied)');
    await pollFor(4);
    const failed = h.get(d.id);
    expect(failed.state).toBe('failed');
    expect(failed.failure?.phase).toBe('monitoring');
    expect(failed.failure?.reason).toMatch(/^Coxswain could not read the stack for 60 min: AccessDenied: User/);
    expect(h.reply(d.id, 'result')!.text).toContain('could not read the stack');
    // No CancelUpdateStack, RollbackStack or any other write: the stack goes on by itself.
    expect(h.cfn.calls.filter((c) => !c.action.startsWith('Describe')).length).toBe(before);
  });
});
