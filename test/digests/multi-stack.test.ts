import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { DriftDigestJob } from '../../src/digests/drift-job.js';
import { DigestRunsRepo } from '../../src/store/digest-runs-repo.js';
import { DriftRepo } from '../../src/store/drift-repo.js';
import { FakeClock } from '../helpers/clock.js';
import { twoStackConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { mockDescribeStack } from './drift-nock.js';
import { expectWithinLimits, healthJob, modified, ScriptedDetector } from './fakes.js';

function text(messages: { text: string; blocks?: unknown[] }[]): string {
  return JSON.stringify(messages.map((m) => m.blocks));
}

describe('drift digest over multi-stack targets', () => {
  it('checks every stack of every target, stores each one, and compares each with its own baseline', async () => {
    const db = testDb();
    const clock = new FakeClock();
    const runs = new DigestRunsRepo(db);
    const drift = new DriftRepo(db);
    const detector = new ScriptedDetector({
      'api-production': { status: 'DRIFTED', stackId: null, resources: [modified('Api', 'MemorySize', '512', '1024')] },
      'api-worker-production': {
        status: 'DRIFTED',
        stackId: null,
        resources: [modified('Worker', 'Timeout', '30', '900')],
      },
    });
    const job = new DriftDigestJob({ config: twoStackConfig(), detector, runs, drift, clock, logger: silentLogger });

    const first = await job.run();
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect([...detector.calls].sort()).toEqual([
      'api-production',
      'api-staging',
      'api-worker-production',
      'api-worker-staging',
      'web-staging',
    ]);
    expect(drift.results(first.runId).map((r) => [r.stackName, r.status, r.resources.map((x) => x.logicalId)])).toEqual(
      expect.arrayContaining([
        ['api-production', 'DRIFTED', ['Api']],
        ['api-worker-production', 'DRIFTED', ['Worker']],
        ['api-worker-staging', 'IN_SYNC', []],
      ]),
    );
    expect(drift.results(first.runId)).toHaveLength(5);
    const shown = text(first.messages);
    expect(first.messages[0]?.text).toContain('CloudFormation drift: 5 stacks · 3 in sync · 2 drifted');
    // Each stack named on its own line, with its target's key.
    expect(shown).toMatch(/api-production> \(api\/production\)/);
    expect(shown).toMatch(/api-worker-production> \(api\/production\)/);
    expect(shown).toContain('`Worker` AWS::Lambda::Function');
    expect(shown).not.toContain('api/production/');
    expectWithinLimits(first.messages);
    runs.markPosted(first.runId);

    // The same drift again: both stacks are "still drifted, unchanged", neither is new or changed.
    clock.advance(86_400_000);
    const second = await job.run();
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.messages[0]?.text).toContain('2 drifted (0 new, 0 changed)');
    expect(text(second.messages)).toContain('Still drifted, unchanged (2)');
  });
});

describe('health digest over multi-stack targets', () => {
  it('lists a failed second stack under "need attention", with its target', async () => {
    const db = testDb();
    const clock = new FakeClock();
    const scopes = [
      mockDescribeStack('us-east-1', 'api-staging', 'UPDATE_COMPLETE'),
      mockDescribeStack('us-east-1', 'api-worker-staging', 'UPDATE_COMPLETE'),
      mockDescribeStack('eu-west-1', 'api-production', 'UPDATE_COMPLETE'),
      mockDescribeStack('eu-west-1', 'api-worker-production', 'UPDATE_ROLLBACK_FAILED', 'Resource Queue failed'),
      mockDescribeStack('us-east-1', 'web-staging', 'UPDATE_COMPLETE'),
    ];
    const job = healthJob(db, twoStackConfig(), clock);
    const r = await job.run();
    for (const s of scopes) expect(s.isDone()).toBe(true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.messages[0]?.text).toContain('1 stacks need attention');
    const blocks = text(r.messages);
    expect(blocks).toContain('Stacks that need attention now (1)');
    expect(blocks).toMatch(
      /:x: <[^|>]+\|api-worker-production> \(api\/production\) `UPDATE_ROLLBACK_FAILED` — Resource Queue failed/,
    );
    expect(blocks).not.toContain('Could not check');
    expectWithinLimits(r.messages);
  });
});
