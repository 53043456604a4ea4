import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { VerificationsRepo } from '../../src/store/verifications-repo.js';
import { resourceChange } from '../helpers/cfn-nock.js';
import { Harness, SHA } from '../pipeline/harness.js';
import { untilFailed } from '../pipeline/steps.js';
import { webConfig } from '../verify/helpers.js';

const ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx';
let h: Harness;
afterEach(() => h?.close());

const CHANGES = [resourceChange('Service', 'AWS::ECS::Service')];

function stackEvent(x: Harness, token: string, status: string, at: number, reason?: string) {
  x.cfn.event(
    'web-staging',
    {
      LogicalResourceId: 'web-staging',
      ResourceType: 'AWS::CloudFormation::Stack',
      ResourceStatus: status,
      ClientRequestToken: token,
      ...(reason ? { ResourceStatusReason: reason } : {}),
    },
    at,
  );
}

function serviceEvent(x: Harness, token: string, status: string, at: number, reason?: string) {
  x.cfn.event(
    'web-staging',
    {
      LogicalResourceId: 'Service',
      ResourceType: 'AWS::ECS::Service',
      ResourceStatus: status,
      ClientRequestToken: token,
      ...(reason ? { ResourceStatusReason: reason } : {}),
    },
    at,
  );
}

/** The newest content of the progress reply (the countdown is drawn there while baking). */
function progress(x: Harness, id: number) {
  return x
    .outbox(id)
    .filter((r) => r.key === `d${id}:progress`)
    .at(-1)!;
}

async function toBaking(x: Harness) {
  const d = x.enqueue('web', 'staging', SHA);
  await x.toUpdating(d, CHANGES);
  const t = x.clock.now();
  stackEvent(x, d.token, 'UPDATE_IN_PROGRESS', t);
  serviceEvent(x, d.token, 'UPDATE_IN_PROGRESS', t + 1000);
  serviceEvent(x, d.token, 'UPDATE_COMPLETE', t + 2000);
  await x.tickUntil(() => x.get(d.id).state === 'baking');
  return d;
}

describe('alarms: RollbackConfiguration and the baking phase', () => {
  it('sends the alarms as the change set RollbackConfiguration', async () => {
    h = new Harness({ config: webConfig({ alarms: { arns: [ARN], monitoringMinutes: 5 } }) });
    const d = h.enqueue('web', 'staging', SHA);
    await h.tickUntil(() => h.cfn.count('CreateChangeSet') === 1);
    const p = h.cfn.calls.find((c) => c.action === 'CreateChangeSet')!.params;
    expect(p.get('RollbackConfiguration.RollbackTriggers.member.1.Arn')).toBe(ARN);
    expect(p.get('RollbackConfiguration.RollbackTriggers.member.1.Type')).toBe('AWS::CloudWatch::Alarm');
    expect(p.get('RollbackConfiguration.MonitoringTimeInMinutes')).toBe('5');
    expect(h.get(d.id).state).toBe('deploying');
  });

  it('after the resources finish: baking with a countdown; success only when CloudFormation ends the window', async () => {
    h = new Harness({ config: webConfig({ alarms: { arns: [ARN], monitoringMinutes: 5 } }) });
    const d = await toBaking(h);

    expect(h.get(d.id).waitReason).toBe('baking: watching web-5xx · 5 min left');
    expect(h.parent(d.id).text).toContain('baking: watching web-5xx · 5 min left');
    expect(progress(h, d.id).text).toContain(
      'CloudFormation watches web-5xx and rolls back if one alarms — 5 min left',
    );
    expect(h.reply(d.id, 'result')).toBeUndefined();

    h.clock.advance(2 * 60_000 + 10_000);
    await h.worker.tick();
    expect(h.get(d.id).state).toBe('baking');
    expect(h.parent(d.id).text).toContain('web-5xx · 3 min left');
    expect(progress(h, d.id).text).toContain('3 min left');

    h.clock.advance(3 * 60_000);
    stackEvent(h, d.token, 'UPDATE_COMPLETE', h.clock.now());
    h.cfn.stackStatus.set('web-staging', 'UPDATE_COMPLETE');
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(h.reply(d.id, 'result')!.text).toContain('Deployed');
    expect(new VerificationsRepo(h.db).get(d.id, 'bake')).toMatchObject({ outcome: 'succeeded' });
  });

  it('baking, then verifying: the service is checked only after the alarm window', async () => {
    h = new Harness({
      config: webConfig({
        alarms: { arns: [ARN], monitoringMinutes: 1 },
        verify: { url: 'https://web-staging.example.com/version', timeoutSeconds: 30 },
      }),
    });
    const d = await toBaking(h);
    const site = nock('https://web-staging.example.com').get('/version').reply(200, SHA);
    await h.worker.tick();
    expect(site.isDone()).toBe(false);
    h.clock.advance(60_000);
    stackEvent(h, d.token, 'UPDATE_COMPLETE', h.clock.now());
    h.cfn.stackStatus.set('web-staging', 'UPDATE_COMPLETE');
    await h.tickUntil(() => h.get(d.id).state === 'succeeded');
    expect(site.isDone()).toBe(true);
    expect(new VerificationsRepo(h.db).get(d.id, 'bake')).toMatchObject({ outcome: 'succeeded' });
    expect(h.get(d.id).summary).toBe('serving a1b2c3d at https://web-staging.example.com/version');
    expect(progress(h, d.id).text).toContain('Baked web-staging: web-5xx stayed quiet for the whole window');
  });

  it('an alarm-triggered rollback fails the deployment with the alarm named as the cause', async () => {
    h = new Harness({ config: webConfig({ alarms: { arns: [ARN], monitoringMinutes: 5 } }) });
    const d = await toBaking(h);
    const t = h.clock.now();
    // UNVERIFIED wording: CloudFormation's reason names the alarm (matched by ARN or name, not by exact text).
    stackEvent(
      h,
      d.token,
      'UPDATE_ROLLBACK_IN_PROGRESS',
      t,
      `The following rollback trigger(s) are in ALARM: [${ARN}]`,
    );
    serviceEvent(h, d.token, 'UPDATE_IN_PROGRESS', t + 1000, 'Resource update cancelled');
    serviceEvent(h, d.token, 'UPDATE_COMPLETE', t + 2000);
    stackEvent(h, d.token, 'UPDATE_ROLLBACK_COMPLETE', t + 3000);
    h.cfn.stackStatus.set('web-staging', 'UPDATE_ROLLBACK_COMPLETE');

    expect(await untilFailed(h, d.id)).toMatchObject({
      phase: 'stack_update',
      reason: 'alarm web-5xx went into ALARM: CloudFormation rolled the update back',
      stackName: 'web-staging',
    });
    const root = h.reply(d.id, 'root-cause')!;
    expect(root.text).toContain('alarm web-5xx went into ALARM');
    expect(root.text).toContain(ARN);
    expect(h.reply(d.id, 'result')!.text).toContain('alarm web-5xx went into ALARM');
  });

  it('monitoringMinutes must be an integer 0..180', async () => {
    expect(() => webConfig({ alarms: { arns: [ARN], monitoringMinutes: 2.5 } })).toThrow(/monitoringMinutes/);
    expect(() => webConfig({ alarms: { arns: [ARN], monitoringMinutes: 181 } })).toThrow(/monitoringMinutes/);
    expect(() => webConfig({ alarms: { arns: ['not-an-arn'] } })).toThrow(/CloudWatch alarm ARN/);
  });
});
