import { afterEach, describe, expect, it } from 'vitest';
import { AwsBudget } from '../../src/adapters/aws-budget.js';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import { CloudFormationAdapter } from '../../src/adapters/cloudformation.js';
import { CodeBuildAdapter } from '../../src/adapters/codebuild.js';
import { silentLogger } from '../../src/app/logger.js';
import { phasesFor } from '../../src/domain/estimates.js';
import { Estimator } from '../../src/estimates/estimator.js';
import { HistoryLearner } from '../../src/estimates/history-learner.js';
import type { Db } from '../../src/store/db.js';
import { buildRepos } from '../../src/store/repos.js';
import { FakeCloudFormation } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { FakeCodeBuild } from '../helpers/codebuild-nock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';

// DescribeStackEvents answers newest first, 100 a page, with NextToken (CloudFormation API reference); CodeBuild's
// ListBuildsForProject answers ids newest first and BatchGetBuilds their startTime/endTime in epoch seconds.
const SEC = 1000;
let db: Db;
let aws: AwsClients;
afterEach(() => {
  aws?.destroy();
  db?.close();
});

function setup() {
  const clock = new FakeClock();
  db = testDb();
  aws = new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' });
  const budget = new AwsBudget({ clock, ratePerSecond: 1000, burst: 1000 });
  const cfn = new FakeCloudFormation('us-east-1');
  const cb = new FakeCodeBuild('us-east-1');
  cfn.install();
  cb.install();
  const config = exampleConfig();
  const learner = new HistoryLearner({
    learnedHistory: buildRepos(db).learnedHistory,
    config,
    clock,
    logger: silentLogger,
    cfn: new CloudFormationAdapter(aws, budget),
    codebuild: new CodeBuildAdapter(aws, budget),
  });
  return { clock, cfn, cb, config, learner };
}

describe('learning a new target from AWS history', () => {
  it("estimates a target's first deploy from its stack events and builds, and re-learns at most daily", async () => {
    const { clock, cfn, cb, learner } = setup();
    const stack = 'api-staging';
    cfn.addStack(stack);
    cfn.addStack('web-staging');
    const base = clock.now() - 10 * 24 * 3_600_000;
    for (let i = 0; i < 6; i++) {
      const t = base + i * 3_600_000;
      const dur = (100 + 4 * i) * SEC;
      cfn.event(
        stack,
        { LogicalResourceId: stack, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_IN_PROGRESS' },
        t,
      );
      cfn.event(
        stack,
        { LogicalResourceId: 'Service', ResourceType: 'AWS::ECS::Service', ResourceStatus: 'UPDATE_IN_PROGRESS' },
        t + SEC,
      );
      cfn.event(
        stack,
        { LogicalResourceId: 'Service', ResourceType: 'AWS::ECS::Service', ResourceStatus: 'UPDATE_COMPLETE' },
        t + dur - SEC,
      );
      cfn.event(
        stack,
        { LogicalResourceId: stack, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_COMPLETE' },
        t + dur,
      );
      cb.byProject.set('api-image', [...(cb.byProject.get('api-image') ?? []), `api-image:b${i}`]);
      cb.builds.set(`api-image:b${i}`, {
        id: `api-image:b${i}`,
        buildStatus: 'SUCCEEDED',
        startTime: t,
        endTime: t + 240 * SEC,
      });
    }
    cb.builds.set('api-image:failed', {
      id: 'api-image:failed',
      buildStatus: 'FAILED',
      startTime: base,
      endTime: base + 5 * SEC,
    });
    cb.byProject.set('api-image', [...(cb.byProject.get('api-image') ?? []), 'api-image:failed']);

    const before = new Estimator({ repos: buildRepos(db), clock, cacheMs: 0 }).deployment(
      'api/staging',
      phasesFor(true),
    );
    expect(before.phases.stack_update?.basis).not.toBe('aws-history');
    await learner.learnDue();
    const e = new Estimator({ repos: buildRepos(db), clock, cacheMs: 0 }).deployment('api/staging', phasesFor(true));
    expect(e.phases.stack_update).toMatchObject({ basis: 'aws-history', samples: 6 });
    expect(e.phases.stack_update!.expectedMs).toBeGreaterThanOrEqual(105 * SEC);
    expect(e.phases.stack_update!.expectedMs).toBeLessThanOrEqual(112 * SEC);
    expect(e.phases.build).toMatchObject({ basis: 'aws-history', samples: 6, expectedMs: 240 * SEC });
    expect(cb.count('ListBuildsForProject')).toBeGreaterThanOrEqual(1);

    // Within a day: no AWS call at all; after a day, once more.
    const calls = cfn.calls.length + cb.calls.length;
    clock.advance(23 * 3_600_000);
    await learner.learnDue();
    expect(cfn.calls.length + cb.calls.length).toBe(calls);
    clock.advance(2 * 3_600_000);
    await learner.learnDue();
    expect(cfn.calls.length + cb.calls.length).toBeGreaterThan(calls);
  });
});
