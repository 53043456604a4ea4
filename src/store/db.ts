import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

/** Opens (creating if needed) the database, sets pragmas explicitly and applies pending migrations. */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  // better-sqlite3 may report FULL on the connection that switched to WAL: say what we want.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/** Opens an existing database read-only (doctor, history export): never creates or migrates it. */
export function openReadOnly(file: string): Db {
  return new Database(file, { readonly: true, fileMustExist: true });
}

export function migrate(db: Db): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(appliedMigrations(db));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
  }
}

/** Whether a table exists (a read-only file of an older version may lack one). */
export function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The migration versions applied to this file (none when it was never migrated). */
export function appliedMigrations(db: Db): number[] {
  if (!hasTable(db, 'schema_migrations')) return [];
  return (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
}

/** Writable = a write transaction can be opened (and is rolled back at once: asking changes nothing). */
export function databaseWritable(db: Db): { ok: boolean; error?: string } {
  if (!db.open) return { ok: false, error: 'database closed' };
  if (db.readonly) return { ok: false, error: 'database opened read-only' };
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
