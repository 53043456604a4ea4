import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import { CloudFormationDrift } from '../../src/adapters/cloudformation-drift.js';
import { silentLogger } from '../../src/app/logger.js';
import { DriftDigestJob } from '../../src/digests/drift-job.js';
import { DigestRunsRepo } from '../../src/store/digest-runs-repo.js';
import { DriftRepo } from '../../src/store/drift-repo.js';
import { testBudget } from '../helpers/aws-budget.js';
import { cfnScope, matchAction, queryError, XML } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { mockDetection, mockResourceDrifts, mockStackMissing, resourceDrift } from './drift-nock.js';

function setup() {
  const db = testDb();
  const clock = new FakeClock();
  const sleeps: number[] = [];
  const detector = new CloudFormationDrift(new AwsClients({ maxAttempts: 1 }), {
    clock,
    budget: testBudget(clock),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    pollMs: 5_000,
    detectionTimeoutMs: 60_000,
  });
  const runs = new DigestRunsRepo(db);
  const drift = new DriftRepo(db);
  const job = new DriftDigestJob({ config: exampleConfig(), detector, runs, drift, clock, logger: silentLogger });
  return { db, clock, sleeps, detector, runs, drift, job };
}

function allText(messages: { blocks?: unknown[] }[]): string {
  return JSON.stringify(messages.map((m) => m.blocks));
}

describe('CloudFormation drift flow (nock, awsQuery)', () => {
  it('reports in sync, drifted with a property summary, and a stack that no longer exists', async () => {
    const { job, drift, sleeps } = setup();
    const a = mockDetection('us-east-1', 'api-staging', {
      detection: 'DETECTION_COMPLETE',
      drift: 'IN_SYNC',
      polls: 2,
    });
    const b = mockDetection('eu-west-1', 'api-production', { detection: 'DETECTION_COMPLETE', drift: 'DRIFTED' });
    const c = mockResourceDrifts(
      'eu-west-1',
      'api-production',
      [
        resourceDrift('api-production', 'eu-west-1', {
          logicalId: 'AssetsBucket',
          type: 'AWS::S3::Bucket',
          diffs: [
            { path: '/Properties/Tags/0/Value', expected: 'prod', actual: 'dev', type: 'NOT_EQUAL' },
            { path: '/Properties/VersioningConfiguration/Status', expected: 'Enabled', type: 'REMOVE' },
          ],
        }),
      ],
      { next: 'page-2' },
    );
    const d = mockResourceDrifts(
      'eu-west-1',
      'api-production',
      [
        resourceDrift('api-production', 'eu-west-1', {
          logicalId: 'OldQueue',
          type: 'AWS::SQS::Queue',
          status: 'DELETED',
        }),
      ],
      { token: 'page-2' },
    );
    const e = mockStackMissing('us-east-1', 'web-staging');

    const result = await job.run();

    for (const s of [a, b, c, d, e]) expect(s.isDone()).toBe(true);
    expect(sleeps).toEqual([5_000, 5_000]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const stored = drift.results(result.runId);
    expect(stored.map((s) => [s.targetKey, s.status, s.reason])).toEqual([
      ['api/production', 'DRIFTED', null],
      ['api/staging', 'IN_SYNC', null],
      ['web/staging', 'UNKNOWN', 'stack not found'],
    ]);
    const prod = stored.find((s) => s.targetKey === 'api/production')!;
    expect(prod.resources.map((r) => [r.logicalId, r.driftStatus])).toEqual([
      ['AssetsBucket', 'MODIFIED'],
      ['OldQueue', 'DELETED'],
    ]);

    const [parent] = result.messages;
    expect(parent!.text).toContain('3 stacks · 1 in sync · 1 drifted');
    expect(parent!.text).toContain('1 unknown');
    const blocks = allText(result.messages);
    expect(blocks).toContain(
      '`AssetsBucket` AWS::S3::Bucket — Tags.0.Value: prod → dev; −VersioningConfiguration.Status (was Enabled)',
    );
    expect(blocks).toContain('`OldQueue` AWS::SQS::Queue — deleted outside CloudFormation');
    expect(blocks).toContain('web-staging');
    expect(blocks).toContain('stack not found');
    expect(blocks).toContain('https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1');
    expect(blocks).toContain('First drift digest');
  });

  it('reports a failed detection as UNKNOWN with the reason AWS gave', async () => {
    const { detector } = setup();
    mockDetection('us-east-1', 'api-staging', {
      detection: 'DETECTION_FAILED',
      reason: 'Failed to detect drift on resource Fn: access denied',
    });
    const check = await detector.check({ name: 'api-staging', region: 'us-east-1' });
    expect(check).toEqual({
      status: 'UNKNOWN',
      stackId: expect.stringContaining('stack/api-staging/'),
      reason: 'drift detection failed: Failed to detect drift on resource Fn: access denied',
    });
  });

  it('gives up polling when detection does not finish in time, without sleeping for real', async () => {
    const { detector, sleeps } = setup();
    mockDetection('us-east-1', 'api-staging', { detection: 'DETECTION_IN_PROGRESS', polls: 12 });
    const check = await detector.check({ name: 'api-staging', region: 'us-east-1' });
    expect(check.status).toBe('UNKNOWN');
    expect(check.status === 'UNKNOWN' && check.reason).toBe('drift detection did not finish in time');
    // 60 s timeout at 5 s polls: bounded by the injected clock.
    expect(sleeps.length).toBe(12);
    nock.cleanAll();
  });

  it('names access denied plainly', async () => {
    const { detector } = setup();
    cfnScope('us-east-1')
      .post('/', matchAction('DetectStackDrift', { StackName: 'api-staging' }))
      .reply(
        403,
        queryError(
          'AccessDenied',
          'User: arn:aws:iam::1:user/bot is not authorized to perform: cloudformation:DetectStackDrift',
        ),
        XML,
      );
    const check = await detector.check({ name: 'api-staging', region: 'us-east-1' });
    expect(check.status === 'UNKNOWN' && check.reason).toMatch(/^access denied \(User: .* is not authorized/);
  });
});
