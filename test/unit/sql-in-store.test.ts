import { describe, expect, it } from 'vitest';
import { outside, sourceLinesMatching } from '../helpers/source-scan.js';

/** SQL lives in the store; the sandbox's simulated services are not the product's data path but keep none either. */
const ALLOWED = [/^store\//];
const SQL = /\.prepare\(|\bdb\.exec\(|\.pragma\(|from 'better-sqlite3'/;

describe('SQL stays in the store', () => {
  it('no src file outside store/ prepares a statement, runs SQL or opens SQLite itself', () => {
    const all = sourceLinesMatching(SQL);
    // The scan reads the tree (the store has statements).
    expect(all.some((l) => l.startsWith('store/db.ts:'))).toBe(true);
    expect(outside(all, ALLOWED)).toEqual([]);
  });

  it('would catch SQL written in a service (the check itself can fail)', () => {
    expect(SQL.test("    const row = db.prepare('SELECT token FROM deployments WHERE id = ?').get(id);")).toBe(true);
    expect(SQL.test("    db.exec('BEGIN IMMEDIATE');")).toBe(true);
    expect(SQL.test("import Database from 'better-sqlite3';")).toBe(true);
    expect(SQL.test('    const d = this.deps.core.deployments.get(id);')).toBe(false);
    expect(SQL.test('    const m = /^arn:aws:sts::(\\d{12})$/.exec(arn);')).toBe(false);
    expect(outside(['metrics/runtime-gauges.ts:29: db.prepare('], ALLOWED)).toHaveLength(1);
  });
});
