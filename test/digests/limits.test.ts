import { describe, expect, it } from 'vitest';
import type { StackDriftCheck } from '../../src/adapters/cloudformation-drift.js';
import { silentLogger } from '../../src/app/logger.js';
import { Digests } from '../../src/digests/digests.js';
import { DriftDigestJob } from '../../src/digests/drift-job.js';
import { healthFigures } from '../../src/domain/health-metrics.js';
import { DigestRunsRepo } from '../../src/store/digest-runs-repo.js';
import { DriftRepo } from '../../src/store/drift-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { healthDigest } from '../../src/views/health-digest.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';
import { outboxEntries } from '../helpers/outbox-rows.js';
import { bigConfig, expectWithinLimits, modified, ScriptedDetector } from './fakes.js';

describe('Block Kit limits with 200 stacks', () => {
  it('splits a 200-stack drift digest into messages of ≤ 50 blocks, the overflow in thread replies', async () => {
    const config = bigConfig();
    const db = testDb();
    const clock = new FakeClock();
    const long = 'x'.repeat(500);
    const detector = new ScriptedDetector({});
    detector.check = async (s): Promise<StackDriftCheck> => {
      detector.calls.push(s.name);
      return s.name.includes('-e9-')
        ? { status: 'UNKNOWN', stackId: null, reason: `drift detection failed: ${long}` }
        : {
            status: 'DRIFTED',
            stackId: null,
            resources: Array.from({ length: 6 }, (_, i) =>
              modified(`Resource${i}`, `Environment/Variables/V${i}`, long, `${long}!`),
            ),
          };
    };
    const runs = new DigestRunsRepo(db);
    const job = new DriftDigestJob({
      config,
      detector,
      runs,
      drift: new DriftRepo(db),
      clock,
      logger: silentLogger,
      concurrency: 8,
    });
    const digests = new Digests({
      config,
      db,
      runs,
      outbox: new OutboxRepo(db),
      jobs: { drift: job, health: job },
      clock,
      logger: silentLogger,
    });

    await digests.post('drift');
    const rows = outboxEntries(db);
    const messages = rows.map((r) => JSON.parse(r.payload));
    expect(detector.calls).toHaveLength(200);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows[0]).toMatchObject({ key: 'digest:drift:1', threadKey: null });
    for (const [i, r] of rows.slice(1).entries()) {
      expect(r).toMatchObject({ key: `digest:drift:1:${i + 1}`, threadKey: 'digest:drift:1' });
    }
    expectWithinLimits(messages);
    expect(messages[0].text).toContain('200 stacks · 0 in sync · 180 drifted');
    expect(JSON.stringify(messages[0].blocks)).toContain('more parts in the thread');
    // Nothing is lost: every drifted stack and every unknown one appears somewhere.
    const all = JSON.stringify(messages.map((m) => m.blocks));
    for (const t of ['s00-e0', 's19-e8', 's07-e9', 's19-e9'])
      expect(all).toContain(`${t}-platform-stack-with-a-long-name`);
    expect(all.match(/`Resource5`/g)).toHaveLength(180);
  });

  it('keeps a 200-target health digest within limits too', () => {
    const empty = healthFigures([]);
    const messages = healthDigest({
      windowDays: 7,
      now: 0,
      overall: empty,
      phaseMedians: [],
      targets: Array.from({ length: 200 }, (_, i) => ({
        targetKey: `service-${i}/environment-${i}`,
        figures: empty,
        deployed: null,
        version: { ok: false as const, reason: `GitHub unavailable (${'y'.repeat(150)})` },
        queue: { queued: 1, pendingApproval: 0 },
      })),
      attention: [],
      deadLetters: { count: 0, oldestAt: null },
      notChecked: Array.from({ length: 200 }, (_, i) => `stack s${i}: stack not found`),
    });
    expectWithinLimits(messages);
    const all = JSON.stringify(messages.map((m) => m.blocks));
    expect(all).toContain('service-199/environment-199');
    expect(all).toContain('stack s199: stack not found');
  });
});
