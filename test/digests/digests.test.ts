import { describe, expect, it } from 'vitest';
import type { StackDriftCheck } from '../../src/adapters/cloudformation-drift.js';
import { silentLogger } from '../../src/app/logger.js';
import { type DigestJob, Digests } from '../../src/digests/digests.js';
import { DriftDigestJob } from '../../src/digests/drift-job.js';
import { DigestRunsRepo } from '../../src/store/digest-runs-repo.js';
import { DriftRepo } from '../../src/store/drift-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { outboxEntries } from '../helpers/outbox-rows.js';
import { modified, ScriptedDetector } from './fakes.js';

function setup(script: ConstructorParameters<typeof ScriptedDetector>[0] = {}) {
  const db = testDb();
  const clock = new FakeClock();
  const detector = new ScriptedDetector(script);
  const runs = new DigestRunsRepo(db);
  const drift = new DriftRepo(db);
  const config = exampleConfig();
  const job = new DriftDigestJob({ config, detector, runs, drift, clock, logger: silentLogger });
  const health: DigestJob = { run: async () => ({ ok: true, runId: 0, messages: [{ text: 'health' }] }) };
  const digests = new Digests({
    config,
    db,
    runs,
    outbox: new OutboxRepo(db),
    jobs: { drift: job, health },
    clock,
    logger: silentLogger,
  });
  return { db, clock, detector, runs, drift, digests };
}

const drifted = (...resources: ReturnType<typeof modified>[]): StackDriftCheck => ({
  status: 'DRIFTED',
  stackId: null,
  resources,
});

describe('Digests service', () => {
  it('posts the drift digest through the outbox to the digest channel and makes it the next baseline', async () => {
    const { db, digests, runs } = setup();
    await digests.post('drift');
    const rows = outboxEntries(db);
    expect(rows.map((r) => [r.key, r.channel, r.threadKey])).toEqual([['digest:drift:1', 'C0OPS', null]]);
    const payload = JSON.parse(rows[0]!.payload);
    expect(payload.text).toContain('3 stacks · 3 in sync');
    expect(JSON.stringify(payload.blocks)).toContain('All 3 stacks in sync.');
    expect(runs.lastPosted('drift')).toBe(1);
  });

  it('previews without posting and without moving the baseline', async () => {
    const { db, digests, runs } = setup({ 'api-staging': drifted(modified('Fn', 'MemorySize', '512', '1024')) });
    const preview = await digests.preview('drift');
    expect(preview[0]!.text).toMatch(/^\[preview\] CloudFormation drift: 3 stacks · 2 in sync · 1 drifted/);
    expect(JSON.stringify(preview[0]!.blocks)).toContain('`Fn` AWS::Lambda::Function — MemorySize: 512 → 1024');
    expect(outboxEntries(db)).toEqual([]);
    expect(runs.lastPosted('drift')).toBeUndefined();
  });

  it('marks new, changed and resolved drift across two posted runs, and stays short when nothing changed', async () => {
    const { db, digests, detector } = setup({
      'api-staging': drifted(modified('Fn', 'MemorySize', '512', '1024')),
      'web-staging': drifted(modified('Site', 'IndexDocument', 'index.html', 'home.html')),
    });
    await digests.post('drift');
    detector.script = {
      'api-staging': drifted(modified('Fn', 'MemorySize', '512', '2048'), modified('Role', 'Path', '/', '/x/')),
      'api-production': drifted(modified('Queue', 'VisibilityTimeout', '30', '60')),
    };
    await digests.post('drift');
    const second = JSON.parse(outboxEntries(db).find((r) => r.key === 'digest:drift:2')!.payload);
    const text = JSON.stringify(second.blocks);
    expect(second.text).toContain('2 drifted (1 new, 1 changed)');
    expect(second.text).toContain('1 back in sync');
    expect(text).toContain('|api-production> (api/production) :new: · 1 resource drifted');
    expect(text).toContain('(api/staging) :arrows_counterclockwise:');
    expect(text).toContain('`Fn` AWS::Lambda::Function :arrows_counterclockwise: — MemorySize: 512 → 2048');
    expect(text).toContain('`Role` AWS::Lambda::Function :new: — Path: / → /x/');
    expect(text).toContain('Back in sync (1)');
    expect(text).toContain('web-staging');

    // Third run: the same drift again → one line per stack, no resource detail.
    await digests.post('drift');
    const third = JSON.parse(outboxEntries(db).find((r) => r.key === 'digest:drift:3')!.payload);
    const t3 = JSON.stringify(third.blocks);
    expect(third.text).toContain('2 drifted (0 new, 0 changed)');
    expect(t3).toContain('Still drifted, unchanged (2)');
    expect(t3).not.toContain('MemorySize');
  });

  it('still posts what it has when a stack check crashes, and says what it could not check', async () => {
    const { db, digests } = setup({
      'api-production': () => {
        throw new Error('socket hang up');
      },
    });
    await digests.post('drift');
    const p = JSON.parse(outboxEntries(db)[0]!.payload);
    expect(p.text).toContain('2 in sync · 0 drifted');
    expect(JSON.stringify(p.blocks)).toContain('(api/production) — socket hang up');
  });

  it('stops starting stacks when the time budget is used up and reports the rest as not checked', async () => {
    const db = testDb();
    const clock = new FakeClock();
    const runs = new DigestRunsRepo(db);
    const detector = new ScriptedDetector({});
    detector.check = async (s) => {
      detector.calls.push(s.name);
      clock.advance(20 * 60_000); // each stack takes 20 minutes of (fake) time
      return { status: 'IN_SYNC', stackId: null };
    };
    const job = new DriftDigestJob({
      config: exampleConfig(),
      detector,
      runs,
      drift: new DriftRepo(db),
      clock,
      logger: silentLogger,
      concurrency: 1,
      budgetMs: 30 * 60_000,
    });
    const r = await job.run();
    expect(detector.calls).toHaveLength(2);
    if (!r.ok) throw new Error('expected a digest');
    expect(runs.get(r.runId)?.state).toBe('partial');
    const text = JSON.stringify(r.messages[0]!.blocks);
    expect(text).toContain('1 of 3 stacks were not checked: the time budget ran out.');
    expect(text).toContain('not checked: the time budget ran out');
  });

  it('refuses a second run of the same kind while one is going, with a message', async () => {
    const { runs, digests, clock, db } = setup();
    const first = runs.start('drift', clock.now() - 2 * 60_000);
    expect(first.ok).toBe(true);
    const preview = await digests.preview('drift');
    expect(preview).toEqual([
      { text: expect.stringContaining('A drift digest is already being prepared (started 2 min ago)') },
    ]);
    await digests.post('drift');
    expect(outboxEntries(db)).toEqual([]);
    const outcome = await digests.tryPost('drift');
    expect(outcome.posted).toBe(false);
  });
});

describe('a run that throws', () => {
  it('is closed as partial so it does not block the next run', async () => {
    const db = testDb();
    const clock = new FakeClock();
    const runs = new DigestRunsRepo(db);
    const drift = new DriftRepo(db);
    drift.results = () => {
      throw new Error('disk I/O error');
    };
    runs.start('drift', clock.now());
    runs.finish(1, 'completed', null, clock.now());
    runs.markPosted(1);
    const job = new DriftDigestJob({
      config: exampleConfig(),
      detector: new ScriptedDetector({}),
      runs,
      drift,
      clock,
      logger: silentLogger,
    });
    await expect(job.run()).rejects.toThrow('disk I/O error');
    expect(runs.get(2)).toMatchObject({ state: 'partial', note: 'failed: disk I/O error' });
    expect(runs.start('drift', clock.now()).ok).toBe(true);
  });
});
