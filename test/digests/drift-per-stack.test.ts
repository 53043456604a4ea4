import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compareDrift, type StackDriftResult } from '../../src/domain/drift-diff.js';
import { migrate } from '../../src/store/db.js';
import { DriftRepo } from '../../src/store/drift-repo.js';
import { migrations } from '../../src/store/migrations/index.js';
import { modified } from './fakes.js';

/** A database as it stood at migration 006, before drift results were keyed per stack. */
function dbAt006(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  for (const m of migrations.filter((x) => x.version <= 6)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(m.version, m.name);
  }
  return db;
}

function result(targetKey: string, stackName: string, resources: StackDriftResult['resources']): StackDriftResult {
  return {
    targetKey,
    stackName,
    region: 'eu-west-1',
    stackId: null,
    status: resources.length ? 'DRIFTED' : 'IN_SYNC',
    reason: null,
    resources,
  };
}

describe('migration 007: drift results per stack', () => {
  it('keeps a stored drift run, giving multi-stack rows their target key back', () => {
    const db = dbAt006();
    const run = Number(
      db.prepare(`INSERT INTO digest_runs (kind, posted, state, started_at) VALUES ('drift', 1, 'completed', 5)`).run()
        .lastInsertRowid,
    );
    const stack = db.prepare(
      `INSERT INTO drift_stacks (run_id, target_key, stack_name, region, stack_id, status, reason, checked_at)
       VALUES (?, ?, ?, 'eu-west-1', NULL, ?, NULL, 7)`,
    );
    const resource = db.prepare(
      `INSERT INTO drift_resources (run_id, target_key, logical_id, physical_id, resource_type, drift_status, differences,
         fingerprint) VALUES (?, ?, ?, NULL, 'AWS::Lambda::Function', 'MODIFIED', ?, ?)`,
    );
    // Single-stack target under its own key; the two stacks of api/production under the old composite keys.
    stack.run(run, 'web/staging', 'web-staging', 'IN_SYNC');
    stack.run(run, 'api/production/api-production', 'api-production', 'DRIFTED');
    stack.run(run, 'api/production/api-worker-production', 'api-worker-production', 'DRIFTED');
    const api = modified('Api', 'MemorySize', '512', '1024');
    const worker = modified('Worker', 'Timeout', '30', '900');
    resource.run(run, 'api/production/api-production', 'Api', JSON.stringify(api.differences), 'fp-api');
    resource.run(run, 'api/production/api-worker-production', 'Worker', JSON.stringify(worker.differences), 'fp-w');

    migrate(db);

    expect(
      (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v,
    ).toBeGreaterThanOrEqual(7);
    const rows = new DriftRepo(db).results(run);
    expect(rows.map((r) => [r.targetKey, r.stackName, r.status, r.resources.map((x) => x.logicalId)])).toEqual([
      ['api/production', 'api-production', 'DRIFTED', ['Api']],
      ['api/production', 'api-worker-production', 'DRIFTED', ['Worker']],
      ['web/staging', 'web-staging', 'IN_SYNC', []],
    ]);
    expect(rows[1]!.resources[0]!.differences).toEqual(worker.differences);
    expect(db.prepare('SELECT fingerprint FROM drift_resources ORDER BY logical_id').pluck().all()).toEqual([
      'fp-api',
      'fp-w',
    ]);
    // The rebuilt key: two stacks of one target and one resource id in both no longer collide.
    new DriftRepo(db).saveStack(
      run,
      result('api/production', 'api-worker-production', [modified('Api', 'A', '1', '2')]),
      9,
    );
    expect(new DriftRepo(db).results(run).map((r) => r.resources.map((x) => x.logicalId))).toEqual([
      ['Api'],
      ['Api'],
      [],
    ]);
  });
});

describe('drift per stack', () => {
  it('stores two stacks of one target side by side and compares each with its own baseline', () => {
    const db = dbAt006();
    migrate(db);
    const insertRun = db.prepare(`INSERT INTO digest_runs (kind, started_at) VALUES ('drift', 1)`);
    const first = Number(insertRun.run().lastInsertRowid);
    const repo = new DriftRepo(db);
    repo.saveStack(
      first,
      result('api/production', 'api-production', [modified('Api', 'MemorySize', '512', '1024')]),
      1,
    );
    repo.saveStack(first, result('api/production', 'api-worker-production', []), 1);
    const baseline = repo.results(first);
    expect(baseline).toHaveLength(2);

    // Saving one stack again replaces only that stack's resources.
    repo.saveStack(first, result('api/production', 'api-worker-production', []), 2);
    expect(repo.results(first)[0]!.resources.map((r) => r.logicalId)).toEqual(['Api']);

    const c = compareDrift(
      [
        result('api/production', 'api-production', [modified('Api', 'MemorySize', '512', '1024')]),
        result('api/production', 'api-worker-production', [modified('Worker', 'Timeout', '30', '900')]),
      ],
      baseline,
    );
    expect(c.stacks.map((s) => [s.stackName, s.mark])).toEqual([
      ['api-production', 'same'],
      ['api-worker-production', 'new'],
    ]);
  });
});
