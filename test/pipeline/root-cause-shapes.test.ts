import { afterEach, describe, expect, it } from 'vitest';
import { threadKeys } from '../../src/views/thread-keys.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import { modesConfig } from '../helpers/config.js';
import { Harness } from './harness.js';
import { buildStarted, buildSucceeds, clickRecovery, storageTooSmall, untilFailed } from './steps.js';

/*
 * Runner-level: the thread names what a person reading the console would call the cause. Wording as in
 * test/unit/root-cause-shapes.test.ts (sources cited there). The unreadable nested stack answers as IAM does for a
 * denied call: 403 AccessDenied "User: … is not authorized to perform: cloudformation:DescribeStackEvents …"
 * (AWS IAM User Guide, "Troubleshoot access denied error messages").
 */
let h: Harness;
afterEach(() => h?.close());

const STACK = 'web-staging';
const CHILD = 'arn:aws:cloudformation:us-east-1:123456789012:stack/web-staging-DbStack-ABC/guid-1';

const rootCauses = (id: number) => h.outbox(id).filter((r) => r.key === threadKeys.reply(id, 'root-cause'));
/** What the outbox sender does once Slack accepted a message: later content must then be an update in place. */
const delivered = () => h.db.prepare(`UPDATE outbox SET state = 'sent', attempts = 1, sent_at = 1`).run();

describe('root cause in the thread', () => {
  it('posts a nested stack fallback when the child cannot be read, then updates it in place with the real cause', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    await h.toUpdating(d);
    h.cfn.addNested(CHILD);
    const t = h.clock.now();
    storageTooSmall(h, CHILD, d.token, t + 1000);
    h.cfn.event(
      CHILD,
      resourceEvent(
        'web-staging-DbStack-ABC',
        'AWS::CloudFormation::Stack',
        'UPDATE_ROLLBACK_IN_PROGRESS',
        d.token,
        'The following resource(s) failed to update: [Instance]. ',
        CHILD,
      ),
      t + 1500,
    );
    h.cfn.event(
      STACK,
      resourceEvent(
        'DbStack',
        'AWS::CloudFormation::Stack',
        'UPDATE_FAILED',
        d.token,
        `Embedded stack ${CHILD} was not successfully updated: Storage size 10 is below the minimum`,
        CHILD,
      ),
      t + 2000,
    );
    h.cfn.event(
      STACK,
      resourceEvent(
        STACK,
        'AWS::CloudFormation::Stack',
        'UPDATE_ROLLBACK_IN_PROGRESS',
        d.token,
        'The following resource(s) failed to update: [DbStack]. ',
      ),
      t + 2500,
    );
    h.cfn.stackStatus.set(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS');
    h.cfn.failNextFor(
      'DescribeStackEvents',
      CHILD,
      'AccessDenied',
      `User: arn:aws:sts::123456789012:assumed-role/coxswain/i-0abc is not authorized to perform: cloudformation:DescribeStackEvents on resource: ${CHILD}`,
      403,
    );
    h.clock.advance(5000);
    await h.tickUntil(() => rootCauses(d.id).length > 0);
    expect(h.get(d.id).state).toBe('deploying');
    const fallback = rootCauses(d.id);
    expect(fallback).toHaveLength(1);
    expect(fallback[0]!.text).toBe(
      'Root cause: DbStack (AWS::CloudFormation::Stack) UPDATE_FAILED: Storage size 10 is below the minimum (its own events could not be read)',
    );
    expect(fallback[0]!.blocks).toContain('its own events could not be read');
    delivered();

    // The next read follows the child again and finds the real failure: the same message is updated.
    h.clock.advance(5000);
    await h.tickUntil(() => rootCauses(d.id).length > 1);
    const revised = rootCauses(d.id);
    expect(revised.map((r) => r.op)).toEqual(['post', 'update']);
    expect(revised[1]!.text).toBe(
      'Root cause: Instance (AWS::RDS::DBInstance) UPDATE_FAILED: Storage size 10 is below the minimum',
    );
    expect(revised[1]!.blocks).not.toContain('could not be read');
    delivered();

    h.cfn.stackReports(STACK, 'UPDATE_ROLLBACK_COMPLETE', d.token, h.clock.now());
    expect(await untilFailed(h, d.id)).toMatchObject({
      logicalId: 'Instance',
      reason: 'Storage size 10 is below the minimum',
    });
    // Nothing better came: no further write to the root-cause message.
    expect(rootCauses(d.id)).toHaveLength(2);
    // Said once (issue 13): the result points at the root cause reply instead of repeating it.
    expect(h.reply(d.id, 'result')!.blocks).toContain('(root cause above)');
    expect(h.reply(d.id, 'result')!.blocks).not.toContain('Storage size 10 is below the minimum');
  });

  it('names the stack’s own rollback reason when no resource failed (an export in use)', async () => {
    h = new Harness();
    const d = h.enqueue('web', 'staging');
    await h.toUpdating(d);
    const t = h.clock.now();
    const reason = 'Export web-staging-QueueUrl cannot be deleted as it is in use by worker-staging';
    h.cfn.event(
      STACK,
      resourceEvent(STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', d.token, 'User Initiated'),
      t,
    );
    h.cfn.event(STACK, resourceEvent('Fn', 'AWS::Lambda::Function', 'UPDATE_COMPLETE', d.token), t + 1000);
    h.cfn.event(
      STACK,
      resourceEvent(STACK, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', d.token, reason),
      t + 2000,
    );
    h.cfn.stackReports(STACK, 'UPDATE_ROLLBACK_COMPLETE', d.token, t + 9000);
    h.clock.advance(10_000);
    const failure = await untilFailed(h, d.id);
    expect(rootCauses(d.id)).toHaveLength(1);
    expect(h.reply(d.id, 'root-cause')!.text).toBe(
      `Root cause: ${STACK} (AWS::CloudFormation::Stack) UPDATE_ROLLBACK_IN_PROGRESS: ${reason}`,
    );
    expect(failure).toMatchObject({ logicalId: STACK, reason });
    expect(h.reply(d.id, 'result')!.blocks).toContain('(root cause above)');
    expect(h.reply(d.id, 'result')!.blocks).not.toContain('cannot be deleted as it is in use by worker-staging');
  });

  it('recovery (ContinueUpdateRollback) uses the same picker and follows nested stacks', async () => {
    const A = 'cdk-a-staging';
    const child = 'arn:aws:cloudformation:us-east-1:123456789012:stack/cdk-a-staging-Db-XYZ/guid-9';
    h = new Harness({ config: modesConfig() });
    h.cfn.addStack(A, 'UPDATE_COMPLETE', {});
    h.cfn.addNested(child);
    const { d, build } = await buildStarted(h);
    h.clock.advance(5000);
    let t = h.clock.now();
    h.cfn.event(A, resourceEvent(A, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'exec-a'), t);
    h.cfn.event(
      A,
      resourceEvent('Topic', 'AWS::SNS::Topic', 'UPDATE_FAILED', 'exec-a', 'Invalid parameter: KmsMasterKeyId'),
      t + 1000,
    );
    h.cfn.stackReports(A, 'UPDATE_ROLLBACK_FAILED', 'exec-a', t + 2000);
    await h.worker.tick();
    buildSucceeds(build, h.clock.now());
    await untilFailed(h, d.id);

    // Roll back pressed: ContinueUpdateRollback (src/rollbacks/recover-in-place.ts records the click); the rollback fails again
    // inside the nested stack.
    const at = clickRecovery(h, d.id, 'continue_rollback', 'UPDATE_ROLLBACK_FAILED', A);
    const cont = `${d.token}-continue`;
    t = at + 1000;
    h.cfn.event(A, resourceEvent(A, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', cont), t);
    const reason = 'Cannot delete entity, must detach all policies first. (Service: Iam, Status Code: 409)';
    h.cfn.event(child, resourceEvent('Role', 'AWS::IAM::Role', 'UPDATE_FAILED', cont, reason), t + 1000);
    h.cfn.event(
      A,
      resourceEvent(
        'Db',
        'AWS::CloudFormation::Stack',
        'UPDATE_FAILED',
        cont,
        `Embedded stack ${child} was not successfully updated. Currently in UPDATE_ROLLBACK_FAILED.`,
        child,
      ),
      t + 2000,
    );
    h.cfn.event(
      A,
      resourceEvent(
        A,
        'AWS::CloudFormation::Stack',
        'UPDATE_ROLLBACK_FAILED',
        cont,
        'The following resource(s) failed to update: [Db]. ',
      ),
      t + 3000,
    );
    h.cfn.stackStatus.set(A, 'UPDATE_ROLLBACK_FAILED');
    h.clock.advance(5000);
    await h.tickUntil(() => h.reply(d.id, `recovery-result-${at}-1`) !== undefined);
    const result = h.reply(d.id, `recovery-result-${at}-1`)!;
    expect(result.text).toBe(`Recovery of ${A} ended in UPDATE_ROLLBACK_FAILED`);
    expect(result.blocks).toContain(`Role: ${reason}`);
    expect(result.blocks).not.toContain('Embedded stack');
  });
});
