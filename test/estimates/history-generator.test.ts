import { describe, expect, it } from 'vitest';
import { generateHistory, seedHistory } from '../../bench/history-generator.js';
import { HistoryRepo } from '../../src/store/history-repo.js';
import { testDb } from '../helpers/db.js';

describe('synthetic history generator (bench)', () => {
  it('is deterministic per seed and varied across seeds', () => {
    const a = generateHistory({ seed: 1, services: 3, days: 20 });
    const b = generateHistory({ seed: 1, services: 3, days: 20 });
    const c = generateHistory({ seed: 2, services: 3, days: 20 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.length).toBeGreaterThan(0);
    for (let i = 1; i < a.length; i++) expect(a[i]!.startedAt).toBeGreaterThanOrEqual(a[i - 1]!.startedAt);
  });

  it('writes what the runner would record, and the history queries learn from it', () => {
    const db = testDb();
    const history = seedHistory(db, { seed: 3, services: 6, days: 60 });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT COUNT(*) AS n FROM deployments')).toBe(history.length);
    expect(count("SELECT COUNT(*) AS n FROM deployments WHERE state = 'failed'")).toBeGreaterThan(0);
    const repo = new HistoryRepo(db);
    const tasks = repo.resourceDurations(50).filter((r) => r.resourceType === 'AWS::ECS::TaskDefinition');
    expect(tasks.length).toBeGreaterThan(0);
    for (const r of tasks) expect(r.durationMs).toBeLessThan(60_000);
    const ok = history.find((d) => d.state === 'succeeded' && d.phases.some((p) => p.phase === 'stack_update'))!;
    expect(repo.phaseDurations(ok.targetKey, 'stack_update').length).toBeGreaterThan(0);
  });
});
