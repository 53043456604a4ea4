import { openDb } from '../../src/store/db.js';

/** A real SQLite database with every migration applied, private to one test. */
export function testDb() {
  return openDb(':memory:');
}
